// The event loop: a bounded queue, a virtual clock, the bounds, and one dispatch over the event union to the actors.

import { Client } from './actors/client.ts';
import { Foreign } from './actors/foreign.ts';
import { Gateway } from './actors/gateway.ts';
import { Jobs } from './actors/jobs.ts';
import { Server } from './actors/server.ts';
import { RecordingChoices, type ChoiceRecord, type Choices } from './choices.ts';
import type { SimEvent } from './events.ts';
import type { Handler } from './handler.ts';
import type { Emitted, Kernel } from './kernel.ts';
import { EventQueue, type Scheduled } from './queue.ts';
import { Records } from './records.ts';
import type { NewTraceEvent, Trace } from './trace.ts';
import type { SimulationResult, World } from './world.ts';

/** Runs `handler` in `world`: every decision through `choices`, every event numbered by `trace`. */
export function simulate(
  world: World,
  handler: Handler,
  choices: Choices,
  trace: Trace,
): SimulationResult {
  return new Loop(world, handler, choices, trace).run();
}

/**
 * Thrown by `emit` once the event at `stopAfterSeq` is numbered, caught only by `run`: a stop
 * can fall between two transactions of one dispatch (a delivery, then its first step), so it
 * unwinds the dispatch rather than letting another transaction run. Nothing else throws it.
 */
const STOP: unique symbol = Symbol('stopAfterSeq');

/** With orderTies, how many events due at the same ms one ordering choice ranges over. */
const MAX_TIED = 8;

class Loop implements Kernel {
  readonly world: World;
  readonly choices: Choices;
  readonly #trace: Trace;
  readonly #queue: EventQueue<SimEvent>;
  readonly #chosen: ChoiceRecord[] = [];
  #now = 0;
  /** The cause the choices asked now are attributed to. */
  #cause: number | undefined = undefined;
  #overflow = false;
  /** With orderTies: events due at the current ms, taken off the queue, in schedule order. */
  readonly #tied: Scheduled<SimEvent>[] = [];
  #ties = 0;
  readonly #records: Records;
  readonly #client: Client;
  readonly #server: Server;
  readonly #gateway: Gateway;
  readonly #foreign: Foreign;
  readonly #jobs: Jobs;

  constructor(world: World, handler: Handler, choices: Choices, trace: Trace) {
    this.world = world;
    this.#trace = trace;
    this.#queue = new EventQueue<SimEvent>(world.bounds.maxQueue);
    this.choices = new RecordingChoices(choices, (choice) => this.#record(choice));
    const records = new Records(this);
    this.#records = records;
    this.#client = new Client(this, records, () => this.#jobs.operationEnded());
    this.#gateway = new Gateway(this, records);
    this.#server = new Server(this, handler, records, {
      toGateway: (ref, response, cause) => this.#gateway.toGateway(ref, response, cause),
      callForeign: (execId, exec, step, outcome, cause) =>
        this.#foreign.call(execId, exec, step, outcome, cause),
    });
    this.#foreign = new Foreign(this, records, {
      execution: (id) => this.#server.execution(id),
      step: (execId, step, reply, cause) => this.#server.step(execId, step, reply, cause),
    });
    this.#jobs = new Jobs(this, handler, records, this.#client, this.#server);
  }

  get now(): number {
    return this.#now;
  }

  schedule(at: number, event: SimEvent): void {
    if (!this.#queue.push(at, event)) this.#overflow = true;
  }

  emit(event: Emitted): number {
    const trace = this.#trace;
    // An untraced run (batches, the explorer) only numbers its events: no copy of each to drop.
    const seq = trace.enabled
      ? trace.emit({ at: this.#now, ...event } as NewTraceEvent)
      : trace.skip();
    if (seq === this.world.bounds.stopAfterSeq) throw STOP;
    return seq;
  }

  attribute(cause: number | undefined): void {
    this.#cause = cause;
  }

  /** Every answered choice, in order (what a replay or a forced prefix feeds back); traced when the trace keeps choices. */
  #record({ label, value }: ChoiceRecord): void {
    this.#chosen.push({ label, value });
    if (!this.#trace.choices) return;
    const cause = this.#cause;
    this.emit({
      actor: 'sim',
      kind: 'choice',
      label,
      value,
      ...(cause === undefined ? {} : { cause }),
    });
  }

  run(): SimulationResult {
    const { operations, bounds } = this.world;
    const first = operations[0];
    if (first) this.schedule(first.at, { type: 'start', op: 1 });
    this.#jobs.start();
    let processed = 0;
    let bound: SimulationResult['bound'] = null;
    try {
      for (let next = this.#next(); next !== undefined; next = this.#next()) {
        if (next.at > bounds.maxTimeMs) bound = 'maxTimeMs';
        else if (processed >= bounds.maxEvents) bound = 'maxEvents';
        if (bound) break;
        processed++;
        this.#now = next.at;
        // Choices belong to the event being handled: its cause, or none for a timer's tick.
        this.#cause = 'cause' in next.event ? next.event.cause : undefined;
        this.#dispatch(next.event);
        if (this.#overflow) bound = 'queue';
        if (bound) break;
      }
      if (bound) {
        const limit =
          bound === 'queue'
            ? bounds.maxQueue
            : bound === 'maxEvents'
              ? bounds.maxEvents
              : bounds.maxTimeMs;
        this.emit({ actor: 'sim', kind: 'bound-reached', bound, limit });
      }
    } catch (error) {
      if (error !== STOP) throw error;
      bound = 'stopAfterSeq';
    }
    const records = this.#records;
    return {
      effects: records.effects,
      ledger: this.#foreign.provider?.ledger ?? [],
      bookings: this.#foreign.airline?.ledger ?? [],
      answers: records.answers,
      effectLog: records.effectLog,
      attempts: records.attempts,
      jobRuns: records.jobRuns,
      choices: this.#chosen,
      operations: this.#client.results(),
      events: processed,
      endedAt: this.#now,
      bound,
    };
  }

  /**
   * The next event. With orderTies, events due at the same ms are an ordering choice: the ones
   * taken off together all precede anything they schedule at that ms (a larger seq), so always
   * answering 0 keeps the schedule order exactly.
   */
  #next(): Scheduled<SimEvent> | undefined {
    if (!this.world.orderTies) return this.#queue.pop();
    const tied = this.#tied;
    if (tied.length === 0) {
      const first = this.#queue.pop();
      if (first === undefined) return undefined;
      tied.push(first);
      for (let head = this.#queue.peek(); head?.at === first.at && tied.length < MAX_TIED;) {
        tied.push(this.#queue.pop() as Scheduled<SimEvent>);
        head = this.#queue.peek();
      }
    }
    if (tied.length === 1) return tied.pop();
    this.#cause = undefined;
    const at = (tied[0] as Scheduled<SimEvent>).at;
    const pick = this.choices.int(`order/${at}/${++this.#ties}`, 0, tied.length - 1);
    return tied.splice(pick, 1)[0];
  }

  #dispatch(event: SimEvent): void {
    switch (event.type) {
      case 'start':
        return this.#client.onStart(event);
      case 'send':
        return this.#client.onSend(event);
      case 'answer':
        return this.#client.onAnswer(event);
      case 'timeout':
        return this.#client.onTimeout(event);
      case 'arrive':
        return this.#server.onArrive(event);
      case 'step':
        return this.#server.onStep(event);
      case 'restart':
        return this.#server.onRestart(event);
      case 'flush':
        return this.#server.onFlush();
      case 'foreign-call':
        return this.#foreign.onCall(event);
      case 'foreign-reply':
        return this.#foreign.onReply(event);
      case 'foreign-retry':
        return this.#foreign.onRetry(event);
      case 'job':
        return this.#jobs.onJob(event);
      case 'gw-receive':
        return this.#gateway.onReceive(event);
      case 'gw-forward':
        return this.#gateway.onForward(event);
      case 'gw-answer':
        return this.#gateway.onAnswer(event);
      case 'gw-timeout':
        return this.#gateway.onTimeout(event);
    }
  }
}
