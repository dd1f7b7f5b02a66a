// The event loop: one client population, a network, a step-wise server, a payment provider and
// (in a flight story) an airline, driven by a bounded event queue, a virtual clock and the
// Choices port. All branching on event type lives in `dispatch`; the helpers compute what
// happens and schedule it.

import { assert } from './assert.ts';
import type { Choices } from './choices.ts';
import { backoffDelay, classify, keyField, mintKey } from './client.ts';
import { Airline } from './airline.ts';
import {
  forwarded,
  onGatewayTimeout,
  onServiceAnswer,
  retriesCall,
  type GatewayMove,
  type Relay,
} from './gateway.ts';
import type { ForeignCall, ForeignReply, Handler, Locals, StepOutcome } from './handler.ts';
import {
  IDEMPOTENCY_KEY,
  IDEMPOTENT_REPLAYED,
  type HttpRequest,
  type HttpResponse,
} from './http.ts';
import { latency } from './network.ts';
import { Provider } from './provider.ts';
import { EventQueue } from './queue.ts';
import type { MessageRef, Trace } from './trace.ts';
import type {
  Answer,
  AttemptRecord,
  EffectRecord,
  OperationResult,
  SimulationResult,
  World,
} from './world.ts';

export type {
  Answer,
  Bounds,
  Operation,
  OperationResult,
  PinnedFaults,
  ServerPolicy,
  SimulationResult,
  World,
} from './world.ts';

type SimEvent =
  | { readonly type: 'start'; readonly op: number }
  | { readonly type: 'send'; readonly op: number; readonly attempt: number; readonly cause: number }
  | {
      readonly type: 'arrive';
      readonly ref: MessageRef;
      readonly request: HttpRequest;
      readonly cause: number;
    }
  | { readonly type: 'step'; readonly exec: number; readonly step: string; readonly cause: number }
  | {
      readonly type: 'charge';
      readonly exec: number;
      readonly call: ForeignCall;
      readonly step: string;
      /** Names this call for Choices: the message that started the execution and the step. */
      readonly label: string;
      readonly cause: number;
      /** The server's retry of the call (2, 3, …); absent on the first. */
      readonly try?: number;
    }
  | {
      readonly type: 'book';
      readonly exec: number;
      readonly call: ForeignCall;
      readonly step: string;
      /** Names this call for Choices, as a charge's label does. */
      readonly label: string;
      readonly cause: number;
    }
  | { readonly type: 'job'; readonly job: number }
  | {
      readonly type: 'reply';
      readonly exec: number;
      readonly reply: ForeignReply;
      readonly step: string;
      readonly cause: number;
      /** Which foreign system answers: absent for the payment provider. */
      readonly from?: 'airline';
      /** The provider call, when the server may retry it (a world with a provider retry policy). */
      readonly again?: ProviderTry;
    }
  | {
      readonly type: 'answer';
      readonly ref: MessageRef;
      readonly response: HttpResponse;
      readonly cause: number;
    }
  | {
      readonly type: 'timeout';
      readonly op: number;
      readonly attempt: number;
      readonly cause: number;
      /** Set when the client noticed a server crash (worlds with crashNoticeMs). */
      readonly reason?: 'server-crash';
    }
  | { readonly type: 'restart'; readonly cause: number }
  /** Held answers leave together (worlds with ackEveryMs). */
  | { readonly type: 'flush' }
  // The gateway (worlds with one): a client's message arrives, a try goes out, an answer or a timeout.
  | {
      readonly type: 'gw-receive';
      readonly ref: MessageRef;
      readonly request: HttpRequest;
      readonly cause: number;
    }
  | {
      readonly type: 'gw-forward';
      readonly relay: number;
      readonly try: number;
      readonly cause: number;
    }
  | {
      readonly type: 'gw-answer';
      readonly relay: number;
      readonly try: number;
      readonly response: HttpResponse;
      readonly cause: number;
    }
  | {
      readonly type: 'gw-timeout';
      readonly relay: number;
      readonly try: number;
      readonly cause: number;
    }
  /** The server calls the provider again (worlds with a provider retry policy). */
  | {
      readonly type: 'recall';
      readonly exec: number;
      readonly again: ProviderTry;
      readonly step: string;
      readonly cause: number;
    };

/** A provider call as its retry needs it: the call, its Choices label, and which try it is. */
interface ProviderTry {
  readonly call: ForeignCall;
  readonly label: string;
  readonly try: number;
}

interface OpState {
  attempt: number;
  /** The current attempt waits for an answer, has one, or gave up waiting. */
  phase: 'waiting' | 'answered' | 'timed-out';
  result: OperationResult['result'];
  status: number | null;
  key: string | null;
  requestSeq: number;
}

interface Exec {
  readonly ref: MessageRef;
  readonly request: HttpRequest;
  readonly locals: Locals;
}

// A gateway's try names its own fates: each try of a message meets its own loss, crash, charge.
const refLabel = (ref: MessageRef) =>
  `op:${ref.op}/attempt:${ref.attempt}/copy:${ref.copy}${ref.try === undefined ? '' : `/try:${ref.try}`}`;

// A foreign system's round trip splits in two: the call travels the first half, the reply the rest.
const callLeg = (latencyMs: number) => Math.max(1, Math.floor(latencyMs / 2));
const replyLeg = (latencyMs: number) => Math.max(1, latencyMs - Math.floor(latencyMs / 2));

/** The fault a story pinned to this request (at this step, for faults pinned to a step), if any. */
function pinnedTo<
  P extends { readonly op: number; readonly attempt: number; readonly step?: string },
>(pins: readonly P[] | undefined, ref: MessageRef, step?: string): P | undefined {
  return pins?.find(
    (p) => p.op === ref.op && p.attempt === ref.attempt && (step === undefined || p.step === step),
  );
}

export function simulate(
  world: World,
  handler: Handler,
  choices: Choices,
  trace: Trace,
): SimulationResult {
  return new Simulation(world, handler, choices, trace).run();
}

class Simulation {
  readonly #world: World;
  readonly #handler: Handler;
  readonly #choices: Choices;
  readonly #trace: Trace;
  readonly #queue: EventQueue<SimEvent>;
  readonly #provider: Provider;
  /** The airline, in a world that has one. */
  readonly #airline: Airline | null;
  readonly #ops: OpState[] = [];
  readonly #execs = new Map<number, Exec>();
  readonly #effects: Record<string, number> = {};
  readonly #answers: Answer[] = [];
  readonly #effectLog: EffectRecord[] = [];
  readonly #attempts: AttemptRecord[] = [];
  /** The gateway's relays, numbered from 1, and which relay serves which client message. */
  readonly #relays: Relay[] = [];
  readonly #relayOf = new Map<string, number>();
  #execCount = 0;
  #finished = 0;
  readonly #jobPending: (boolean | undefined)[] = [];
  #background = 0;
  #serverUp = true;
  #overflow = false;
  #now = 0;
  /** Answers waiting for the next batch (worlds with ackEveryMs), and when that batch leaves. */
  readonly #held: { exec: Exec; execId: number; response: HttpResponse; cause: number }[] = [];
  #flushAt = -1;
  #flushing = false;

  constructor(world: World, handler: Handler, choices: Choices, trace: Trace) {
    this.#world = world;
    this.#handler = handler;
    this.#choices = choices;
    this.#trace = trace;
    this.#queue = new EventQueue<SimEvent>(world.bounds.maxQueue);
    this.#provider = new Provider(world.provider);
    this.#airline = world.airline ? new Airline(world.airline) : null;
  }

  run(): SimulationResult {
    const { operations, bounds } = this.#world;
    const first = operations[0];
    if (first) this.#schedule(first.at, { type: 'start', op: 1 });
    this.#handler.jobs.forEach((job, index) =>
      this.#schedule(job.everyMs, { type: 'job', job: index }),
    );
    let processed = 0;
    let bound: SimulationResult['bound'] = null;
    for (let next = this.#queue.pop(); next !== undefined; next = this.#queue.pop()) {
      if (next.at > bounds.maxTimeMs) bound = 'maxTimeMs';
      else if (processed >= bounds.maxEvents) bound = 'maxEvents';
      if (bound) break;
      processed++;
      this.#now = next.at;
      this.#trace.now = next.at;
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
      this.#trace.emit({ at: this.#now, actor: 'sim', kind: 'bound-reached', bound, limit });
    }
    return {
      effects: this.#effects,
      ledger: this.#provider.ledger,
      bookings: this.#airline?.ledger ?? [],
      answers: this.#answers,
      effectLog: this.#effectLog,
      attempts: this.#attempts,
      operations: this.#ops.map((s, i) => ({
        op: i + 1,
        result: s.result,
        attempts: s.attempt,
        status: s.status,
      })),
      events: processed,
      endedAt: this.#now,
      bound,
    };
  }

  #schedule(at: number, event: SimEvent): void {
    if (!this.#queue.push(at, event)) this.#overflow = true;
  }

  #dispatch(event: SimEvent): void {
    if ('cause' in event) this.#trace.cause = event.cause;
    switch (event.type) {
      case 'start':
        return this.#start(event.op);
      case 'send':
        return this.#send(event.op, event.attempt, event.cause);
      case 'arrive':
        return this.#arrive(event.ref, event.request, event.cause);
      case 'step':
        return this.#step(event.exec, event.step, undefined, event.cause);
      case 'charge':
        return this.#charge(
          event.exec,
          event.call,
          event.step,
          event.label,
          event.cause,
          event.try,
        );
      case 'book':
        return this.#book(event.exec, event.call, event.step, event.label, event.cause);
      case 'job':
        return this.#job(event.job);
      case 'reply':
        return this.#reply(
          event.exec,
          event.reply,
          event.step,
          event.cause,
          event.from,
          event.again,
        );
      case 'answer':
        return this.#answer(event.ref, event.response, event.cause);
      case 'timeout':
        return this.#timeout(event.op, event.attempt, event.cause, event.reason);
      case 'restart':
        return this.#restart(event.cause);
      case 'flush':
        return this.#flush();
      case 'gw-receive':
        return this.#gwReceive(event.ref, event.request, event.cause);
      case 'gw-forward':
        return this.#gwForward(event.relay, event.try, event.cause);
      case 'gw-answer':
        return this.#gwAnswer(event.relay, event.try, event.response, event.cause);
      case 'gw-timeout':
        return this.#gwTimeout(event.relay, event.try, event.cause);
      case 'recall':
        return this.#recall(event.exec, event.again, event.step, event.cause);
    }
  }

  // ---- client ----

  #start(op: number): void {
    const operations = this.#world.operations;
    const following = operations[op];
    // Operations start lazily, one scheduling the next, so the queue holds only live work.
    if (following) this.#schedule(Math.max(following.at, this.#now), { type: 'start', op: op + 1 });
    this.#trace.cause = undefined;
    const given = operations[op - 1]?.key;
    const key = given === undefined ? mintKey(this.#choices, `client/op:${op}/key`) : given;
    this.#ops.push({
      attempt: 0,
      phase: 'waiting',
      result: 'unfinished',
      status: null,
      key,
      requestSeq: -1,
    });
    this.#send(op, 1, undefined);
  }

  #send(op: number, attempt: number, cause: number | undefined): void {
    const state = this.#ops[op - 1];
    const operation = this.#world.operations[op - 1];
    assert(state && operation, `send: unknown operation ${op}`);
    const { client, network } = this.#world;
    if (attempt > 1 && client.newKeyPerAttempt)
      state.key = mintKey(this.#choices, `client/op:${op}/attempt:${attempt}/key`);
    state.attempt = attempt;
    state.phase = 'waiting';
    this.#attempt('client', op);
    const key = state.key === null ? null : keyField(client, state.key);
    const request: HttpRequest = {
      method: operation.method,
      path: operation.path,
      client: operation.client,
      headers: {
        ...operation.headers,
        ...(key === null ? {} : { [IDEMPOTENCY_KEY]: key }),
        ...(operation.attemptHeader ? { [operation.attemptHeader]: String(attempt) } : {}),
      },
      body: operation.body,
    };
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'client',
      kind: 'request',
      op,
      attempt,
      method: request.method,
      path: request.path,
      key: state.key,
      body: request.body,
      ...(cause === undefined ? {} : { cause }),
    });
    state.requestSeq = seq;
    if (client.timeoutMs !== null)
      this.#schedule(this.#now + client.timeoutMs, { type: 'timeout', op, attempt, cause: seq });
    const base = `net/op:${op}/attempt:${attempt}`;
    this.#transmit({ op, attempt, copy: 0 }, request, seq);
    if (this.#choices.chance(`${base}/duplicate`, network.duplicate)) {
      const dup = this.#trace.emit({
        at: this.#now,
        actor: 'network',
        kind: 'duplicated',
        op,
        attempt,
        copy: 1,
        cause: seq,
      });
      this.#transmit({ op, attempt, copy: 1 }, request, dup);
    }
  }

  #transmit(ref: MessageRef, request: HttpRequest, cause: number): void {
    const label = `net/${refLabel(ref)}`;
    const network = this.#world.network;
    const pinned = ref.copy === 0 && pinnedTo(this.#world.pinned?.dropRequest, ref) !== undefined;
    if (pinned || this.#choices.chance(`${label}/drop-request`, network.requestLoss)) {
      this.#lost('request', 'network', ref, cause);
      return;
    }
    const at = this.#now + latency(network, this.#choices, `${label}/request`);
    // With a gateway, the client talks to it; the gateway talks to the server.
    this.#schedule(
      at,
      this.#world.gateway
        ? { type: 'gw-receive', ref, request, cause }
        : { type: 'arrive', ref, request, cause },
    );
  }

  #answer(ref: MessageRef, response: HttpResponse, cause: number): void {
    const { status } = response;
    const state = this.#ops[ref.op - 1];
    assert(state, `answer: unknown operation ${ref.op}`);
    if (
      state.result !== 'unfinished' ||
      ref.attempt !== state.attempt ||
      state.phase !== 'waiting'
    ) {
      const reason =
        state.result !== 'unfinished'
          ? 'done'
          : ref.attempt !== state.attempt || state.phase === 'timed-out'
            ? 'late'
            : 'duplicate';
      this.#trace.emit({ at: this.#now, actor: 'client', kind: 'ignored', reason, ...ref, cause });
      return;
    }
    state.phase = 'answered';
    state.status = status;
    const operation = this.#world.operations[ref.op - 1];
    this.#answers.push({
      op: ref.op,
      attempt: ref.attempt,
      client: operation?.client ?? '',
      asked: operation?.body ?? {},
      status,
      replayed: response.headers[IDEMPOTENT_REPLAYED] === 'true',
      body: response.body,
    });
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'client',
      kind: 'receive',
      status,
      ...ref,
      cause,
    });
    const verdict = classify(status);
    if (verdict === 'retry') this.#retryOrGiveUp(ref.op, state, seq);
    else this.#finish(ref.op, state, verdict, seq);
  }

  #timeout(op: number, attempt: number, cause: number, reason?: 'server-crash'): void {
    const state = this.#ops[op - 1];
    assert(state, `timeout: unknown operation ${op}`);
    if (state.result !== 'unfinished' || state.attempt !== attempt || state.phase !== 'waiting')
      return;
    state.phase = 'timed-out';
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'client',
      kind: 'timeout',
      op,
      attempt,
      ...(reason ? { reason } : {}),
      cause,
    });
    this.#retryOrGiveUp(op, state, seq);
  }

  #retryOrGiveUp(op: number, state: OpState, cause: number): void {
    const policy = this.#world.client;
    if (state.attempt > policy.retries) return this.#finish(op, state, 'gave-up', cause);
    const attempt = state.attempt + 1;
    const delayMs = backoffDelay(
      policy,
      attempt,
      this.#choices,
      `client/op:${op}/attempt:${attempt}/jitter`,
    );
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'client',
      kind: 'retry',
      op,
      attempt,
      delayMs,
      cause,
    });
    this.#schedule(this.#now + delayMs, { type: 'send', op, attempt, cause: seq });
  }

  #finish(op: number, state: OpState, result: 'ok' | 'failed' | 'gave-up', cause: number): void {
    state.result = result;
    // A client that gave up has no final status, whatever its last answer was.
    if (result === 'gave-up') state.status = null;
    this.#finished++;
    // What the operation left behind (an outbox row, an abandoned key) is the jobs' to find:
    // each gets to look at least once more.
    this.#jobPending.fill(true);
    this.#trace.emit({
      at: this.#now,
      actor: 'client',
      kind: 'outcome',
      op,
      result,
      attempts: state.attempt,
      status: state.status,
      cause,
    });
  }

  // ---- server ----

  #arrive(ref: MessageRef, request: HttpRequest, cause: number): void {
    if (!this.#serverUp) {
      this.#lost('request', 'server-down', ref, cause);
      return;
    }
    this.#startExec(ref, request, cause);
  }

  /** A new execution of the handler: a delivered request, or one a background job re-drives (op 0). */
  #startExec(ref: MessageRef, request: HttpRequest, cause: number): void {
    const exec = ++this.#execCount;
    this.#execs.set(exec, { ref, request, locals: {} });
    this.#attempt('server', ref.op);
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'server',
      kind: 'deliver',
      exec,
      ...ref,
      cause,
    });
    const first = this.#handler.firstStep(request);
    const stall = this.#pauseBefore(ref, first);
    if (stall > 0)
      this.#schedule(this.#now + stall, { type: 'step', exec, step: first, cause: seq });
    else this.#step(exec, first, undefined, seq);
  }

  #step(execId: number, step: string, reply: ForeignReply | undefined, cause: number): void {
    const exec = this.#execs.get(execId);
    if (!exec) return; // the process that ran it crashed
    const input = {
      exec: execId,
      request: exec.request,
      now: this.#now,
      locals: exec.locals,
      reply,
    };
    const result = this.#handler.run(step, input);
    const { outcome } = result;
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'server',
      kind: 'step',
      exec: execId,
      step,
      result: result.error ? 'error' : outcome.kind,
      ...(result.error ? { error: result.error } : {}),
      cause,
    });
    for (const effect of result.effects) this.#effect(effect.name, effect.subject, undefined, seq);
    const crashLabel = `server/${refLabel(exec.ref)}/crash-after:${step}`;
    const pinned = pinnedTo(this.#world.pinned?.crashAfter, exec.ref, step) !== undefined;
    if (!result.error && (pinned || this.#choices.chance(crashLabel, this.#world.server.crash))) {
      // An acknowledgement is on the wire before the process dies; any other answer is not.
      if (outcome.kind === 'ack') this.#respond(exec, execId, outcome.response, seq);
      return this.#crash(step, execId, seq);
    }
    this.#follow(execId, exec, step, outcome, seq);
  }

  #follow(execId: number, exec: Exec, step: string, outcome: StepOutcome, cause: number): void {
    const stepMs = this.#world.server.stepMs;
    switch (outcome.kind) {
      case 'next': {
        const pause = pinnedTo(this.#world.pinned?.pauseAfter, exec.ref, step)?.ms ?? 0;
        const stall = this.#pauseBefore(exec.ref, outcome.step);
        return this.#schedule(this.#now + stepMs + pause + stall, {
          type: 'step',
          exec: execId,
          step: outcome.step,
          cause,
        });
      }
      case 'call': {
        const { call } = outcome;
        const seq = this.#emitCall(execId, call, cause);
        if (call.system === 'airline') return this.#callAirline(execId, exec, step, outcome, seq);
        const label = `psp/${refLabel(exec.ref)}/${step}`;
        return this.#callProvider(execId, exec.ref.op, call, label, outcome.step, seq);
      }
      case 'respond':
        this.#execs.delete(execId);
        this.#respond(exec, execId, outcome.response, cause);
        return;
      case 'done':
        this.#execs.delete(execId);
        return;
      case 'ack': {
        // The answer leaves now; the execution stays alive and does its work after it.
        const seq = this.#respond(exec, execId, outcome.response, cause);
        return this.#schedule(this.#now + stepMs + this.#pauseBefore(exec.ref, outcome.step), {
          type: 'step',
          exec: execId,
          step: outcome.step,
          cause: seq,
        });
      }
    }
  }

  /** Sends an execution's answer over the network; returns the response event. */
  #respond(exec: Exec, execId: number, response: HttpResponse, cause: number): number {
    if (this.#hold(exec, execId, response, cause)) return cause;
    const { ref } = exec;
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'server',
      kind: 'response',
      exec: execId,
      ...ref,
      status: response.status,
      headers: response.headers,
      body: response.body,
      cause,
    });
    if (ref.op === 0) return seq; // a background execution: nobody waits for this answer
    if (ref.try !== undefined) this.#toGateway(ref, response, seq);
    else this.#sendBack(ref, response, seq);
    return seq;
  }

  /** An answer travels back to the client over the network (from the server, or the gateway). */
  #sendBack(ref: MessageRef, response: HttpResponse, cause: number): void {
    const label = `net/${refLabel(ref)}`;
    const network = this.#world.network;
    const pinned = pinnedTo(this.#world.pinned?.dropResponse, ref) !== undefined;
    if (pinned || this.#choices.chance(`${label}/drop-response`, network.responseLoss)) {
      this.#lost('response', 'network', ref, cause);
      return;
    }
    const at = this.#now + latency(network, this.#choices, `${label}/response`);
    this.#schedule(at, { type: 'answer', ref, response, cause });
  }

  #crash(afterStep: string, exec: number, cause: number): void {
    const lost = [...this.#execs.keys()];
    const lostRefs = [...this.#execs.values()].map((e) => e.ref);
    this.#execs.clear();
    this.#serverUp = false;
    this.#handler.restart();
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'server',
      kind: 'crash',
      afterStep,
      exec,
      lost,
      cause,
    });
    this.#schedule(this.#now + this.#world.server.restartMs, { type: 'restart', cause: seq });
    this.#loseWithCrash(lostRefs, seq);
  }

  #restart(cause: number): void {
    this.#serverUp = true;
    this.#trace.emit({ at: this.#now, actor: 'server', kind: 'restart', cause });
  }

  /** A pinned stall before `step` of this request's execution (slow work), in ms. */
  #pauseBefore(ref: MessageRef, step: string): number {
    return pinnedTo(this.#world.pinned?.pauseBefore, ref, step)?.ms ?? 0;
  }

  /**
   * With ackEveryMs, an answer waits for the next multiple of it and leaves with the others
   * (a consumer that commits its offsets every few seconds). Returns whether it was held.
   */
  #hold(exec: Exec, execId: number, response: HttpResponse, cause: number): boolean {
    const every = this.#world.server.ackEveryMs ?? 0;
    if (every <= 0 || this.#flushing || exec.ref.op === 0) return false;
    this.#held.push({ exec, execId, response, cause });
    const at = (Math.floor(this.#now / every) + 1) * every;
    if (this.#flushAt !== at) {
      this.#flushAt = at;
      this.#schedule(at, { type: 'flush' });
    }
    return true;
  }

  #flush(): void {
    this.#flushing = true;
    for (const held of this.#held.splice(0)) {
      this.#trace.cause = held.cause;
      this.#respond(held.exec, held.execId, held.response, held.cause);
    }
    this.#flushing = false;
  }

  /**
   * What a crash takes with it besides the executions: answers still held for their batch. A
   * client with crashNoticeMs learns of each lost attempt that long after, in operation order,
   * and retries it (a broker requeues; a consumer group rebalances after its session timeout).
   */
  #loseWithCrash(running: readonly MessageRef[], cause: number): void {
    const held = this.#held.splice(0).map((h) => h.exec.ref);
    for (const ref of held) this.#lost('response', 'server-crash', ref, cause, 'server');
    const notice = this.#world.client.crashNoticeMs;
    if (notice === undefined) return;
    const lost = [...running, ...held]
      .filter((ref) => ref.op > 0)
      .sort((a, b) => a.op - b.op || a.attempt - b.attempt);
    lost.forEach((ref, i) => {
      const previous = lost[i - 1];
      if (previous?.op === ref.op && previous.attempt === ref.attempt) return; // a duplicate copy
      this.#schedule(this.#now + notice, {
        type: 'timeout',
        op: ref.op,
        attempt: ref.attempt,
        cause,
        reason: 'server-crash',
      });
    });
  }

  // ---- payment provider ----

  #charge(
    exec: number,
    call: ForeignCall,
    step: string,
    label: string,
    cause: number,
    tryNo?: number,
  ): void {
    const policy = this.#world.provider;
    const retry = this.#world.providerRetry;
    const fate = tryNo === undefined ? label : `${label}/try:${tryNo}`;
    const answer = this.#provider.charge(call, this.#now);
    const seq = answer.charged
      ? this.#effect('card-charged', call.intent, answer.charged.id, cause)
      : cause;
    // A provider slower than the server's timeout answers after the server stopped listening.
    const timeoutMs = retry?.timeoutMs ?? null;
    const tooSlow = timeoutMs !== null && policy.latencyMs > timeoutMs;
    // The provider did its work; whether the server ever hears of it is the network's fate.
    const lost =
      answer.reply.ok && (this.#choices.chance(`${fate}/lost-reply`, policy.lostReply) || tooSlow);
    const reply: ForeignReply = lost
      ? { ok: false, status: 504, reason: 'the payment provider did not answer in time' }
      : answer.reply;
    // With a timeout of its own, the server learns of a lost answer when it stops waiting.
    const waited = Math.max(1, (timeoutMs ?? 0) - Math.floor(policy.latencyMs / 2));
    this.#schedule(this.#now + (lost && timeoutMs !== null ? waited : replyLeg(policy.latencyMs)), {
      type: 'reply',
      exec,
      reply,
      step,
      cause: seq,
      ...(retry ? { again: { call, label, try: tryNo ?? 1 } } : {}),
    });
  }

  #reply(
    exec: number,
    reply: ForeignReply,
    step: string,
    cause: number,
    from: 'airline' | undefined,
    again?: ProviderTry,
  ): void {
    if (!this.#execs.has(exec)) return; // the caller crashed; a charge made stands
    const seq = this.#trace.emit({
      at: this.#now,
      actor: from ?? 'psp',
      kind: 'reply',
      exec,
      ok: reply.ok,
      reference: reply.ok ? reply.reference : null,
      replayed: reply.ok && reply.replayed,
      status: reply.ok ? null : reply.status,
      cause,
    });
    const retry = this.#world.providerRetry;
    if (again && retry && retriesCall(retry, reply, again.try)) {
      // The server's own retry(n): the step never sees this failure, only the last one.
      const next = again.try + 1;
      const delayMs = backoffDelay(retry, next, this.#choices, `${again.label}/try:${next}/jitter`);
      const recall = { ...again, try: next };
      this.#schedule(this.#now + delayMs, {
        type: 'recall',
        exec,
        again: recall,
        step,
        cause: seq,
      });
      return;
    }
    this.#step(exec, step, reply, seq);
  }

  /** The server calls the provider again with the same call (and the same key, if it has one). */
  #recall(execId: number, again: ProviderTry, step: string, cause: number): void {
    const exec = this.#execs.get(execId);
    if (!exec) return; // the process that was retrying crashed
    const seq = this.#emitCall(execId, again.call, cause, again.try);
    this.#callProvider(execId, exec.ref.op, again.call, again.label, step, seq, again.try);
  }

  /** The server's call to a foreign system, as the trace shows it; `tryNo` on a retried call. */
  #emitCall(execId: number, call: ForeignCall, cause: number, tryNo?: number): number {
    return this.#trace.emit({
      at: this.#now,
      actor: 'server',
      kind: 'call',
      exec: execId,
      system: call.system,
      intent: call.intent,
      key: call.key ?? null,
      ...(tryNo === undefined ? {} : { try: tryNo }),
      cause,
    });
  }

  /** A charge goes to the provider, half its round trip there; `tryNo` on the server's retries. */
  #callProvider(
    execId: number,
    op: number,
    call: ForeignCall,
    label: string,
    step: string,
    cause: number,
    tryNo?: number,
  ): void {
    this.#attempt('provider', op);
    this.#schedule(this.#now + callLeg(this.#world.provider.latencyMs), {
      type: 'charge',
      exec: execId,
      call,
      step,
      label,
      cause,
      ...(tryNo === undefined ? {} : { try: tryNo }),
    });
  }

  // ---- airline ----

  /** A seat booking goes to the airline: half its round trip there, the other half back. */
  #callAirline(
    execId: number,
    exec: Exec,
    step: string,
    outcome: Extract<StepOutcome, { kind: 'call' }>,
    cause: number,
  ): void {
    const policy = this.#world.airline;
    assert(policy, `step ${step} called the airline, but this world has no airline`);
    this.#schedule(this.#now + callLeg(policy.latencyMs), {
      type: 'book',
      exec: execId,
      call: outcome.call,
      step: outcome.step,
      label: `airline/${refLabel(exec.ref)}/${step}`,
      cause,
    });
  }

  #book(exec: number, call: ForeignCall, step: string, label: string, cause: number): void {
    const policy = this.#world.airline;
    assert(policy && this.#airline, 'book: this world has no airline');
    const answer = this.#airline.book(call, this.#now);
    const seq = answer.booked
      ? this.#effect('seat-booked', call.intent, answer.booked.id, cause)
      : cause;
    // As with the provider: the seat is taken; whether the server hears so is the network's fate.
    const lost = answer.reply.ok && this.#choices.chance(`${label}/lost-reply`, policy.lostReply);
    const reply: ForeignReply = lost
      ? { ok: false, status: 504, reason: 'the airline did not answer in time' }
      : answer.reply;
    this.#schedule(this.#now + replyLeg(policy.latencyMs), {
      type: 'reply',
      exec,
      reply,
      step,
      cause: seq,
      from: 'airline',
    });
  }

  // ---- gateway ----

  /** A client's message reaches the gateway: it forwards it to the server, try 1. */
  #gwReceive(ref: MessageRef, request: HttpRequest, cause: number): void {
    const gateway = this.#world.gateway;
    assert(gateway, 'gw-receive: this world has no gateway');
    const key = gateway.mintsKey ? mintKey(this.#choices, `gateway/${refLabel(ref)}/key`) : null;
    const id = this.#relays.push({
      ref,
      request: forwarded(request, key === null ? null : keyField(this.#world.client, key)),
      try: 0,
      phase: 'waiting',
    });
    this.#relayOf.set(refLabel(ref), id);
    this.#gwForward(id, 1, cause);
  }

  /** Try `tryNo` of a relay: the request goes to the server and the gateway's timer starts. */
  #gwForward(id: number, tryNo: number, cause: number): void {
    const gateway = this.#world.gateway;
    const relay = this.#relays[id - 1];
    assert(gateway && relay, `gw-forward: unknown relay ${id}`);
    relay.try = tryNo;
    relay.phase = 'waiting';
    this.#attempt('gateway', relay.ref.op);
    const ref: MessageRef = { ...relay.ref, try: tryNo };
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'gateway',
      kind: 'forward',
      ...ref,
      try: tryNo,
      key: relay.request.headers[IDEMPOTENCY_KEY] ?? null,
      cause,
    });
    if (gateway.timeoutMs !== null)
      this.#schedule(this.#now + gateway.timeoutMs, {
        type: 'gw-timeout',
        relay: id,
        try: tryNo,
        cause: seq,
      });
    if (this.#choices.chance(`gw/${refLabel(ref)}/drop-request`, gateway.requestLoss)) {
      this.#lost('request', 'network', ref, seq);
      return;
    }
    this.#schedule(this.#now + gateway.latencyMs, {
      type: 'arrive',
      ref,
      request: relay.request,
      cause: seq,
    });
  }

  /** The server's answer to a gateway try travels back over the inner hop. */
  #toGateway(ref: MessageRef, response: HttpResponse, cause: number): void {
    const gateway = this.#world.gateway;
    const id = this.#relayOf.get(refLabel({ op: ref.op, attempt: ref.attempt, copy: ref.copy }));
    assert(gateway && id !== undefined && ref.try !== undefined, 'to-gateway: unknown relay');
    if (this.#choices.chance(`gw/${refLabel(ref)}/drop-response`, gateway.responseLoss)) {
      this.#lost('response', 'network', ref, cause);
      return;
    }
    this.#schedule(this.#now + gateway.latencyMs, {
      type: 'gw-answer',
      relay: id,
      try: ref.try,
      response,
      cause,
    });
  }

  #gwAnswer(id: number, tryNo: number, response: HttpResponse, cause: number): void {
    const gateway = this.#world.gateway;
    const relay = this.#relays[id - 1];
    assert(gateway && relay, `gw-answer: unknown relay ${id}`);
    this.#gwMove(id, relay, tryNo, onServiceAnswer(gateway, relay, tryNo, response), cause);
  }

  #gwTimeout(id: number, tryNo: number, cause: number): void {
    const gateway = this.#world.gateway;
    const relay = this.#relays[id - 1];
    assert(gateway && relay, `gw-timeout: unknown relay ${id}`);
    const move = onGatewayTimeout(gateway, relay, tryNo);
    if (!move) return;
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'gateway',
      kind: 'gateway-timeout',
      ...relay.ref,
      try: tryNo,
      cause,
    });
    this.#gwMove(id, relay, tryNo, move, seq);
  }

  /** Does what the gateway's policy decided: ignore a late answer, try again, or answer the client. */
  #gwMove(id: number, relay: Relay, tryNo: number, move: GatewayMove, cause: number): void {
    const gateway = this.#world.gateway;
    assert(gateway, 'gw-move: this world has no gateway');
    switch (move.kind) {
      case 'ignore':
        this.#trace.emit({
          at: this.#now,
          actor: 'gateway',
          kind: 'ignored',
          reason: move.reason,
          ...relay.ref,
          try: tryNo,
          cause,
        });
        return;
      case 'retry': {
        relay.phase = 'backing-off';
        const delayMs = backoffDelay(
          gateway,
          move.next,
          this.#choices,
          `gateway/${refLabel(relay.ref)}/try:${move.next}/jitter`,
        );
        const seq = this.#trace.emit({
          at: this.#now,
          actor: 'gateway',
          kind: 'gateway-retry',
          ...relay.ref,
          try: move.next,
          delayMs,
          cause,
        });
        this.#schedule(this.#now + delayMs, {
          type: 'gw-forward',
          relay: id,
          try: move.next,
          cause: seq,
        });
        return;
      }
      case 'answer': {
        relay.phase = 'done';
        const seq = this.#trace.emit({
          at: this.#now,
          actor: 'gateway',
          kind: 'relay',
          ...relay.ref,
          status: move.response.status,
          tries: relay.try,
          cause,
        });
        this.#sendBack(relay.ref, move.response, seq);
        return;
      }
    }
  }

  /** A message that never arrives: the network lost it, or the server was down or crashed. */
  #lost(
    message: 'request' | 'response',
    reason: 'network' | 'server-down' | 'server-crash',
    ref: MessageRef,
    cause: number,
    actor: 'network' | 'server' = 'network',
  ): void {
    this.#trace.emit({ at: this.#now, actor, kind: 'lost', message, reason, ...ref, cause });
  }

  /** Counts a try at one layer, for the facts: attempts per operation at each layer. */
  #attempt(layer: AttemptRecord['layer'], op: number): void {
    this.#attempts.push({ layer, op, at: this.#now });
  }

  // ---- background jobs ----

  /**
   * Runs a job and re-drives what it returns. It keeps ticking while clients still have work,
   * or while the job itself says work is left for it (a completer with unfinished keys).
   */
  #job(index: number): void {
    const job = this.#handler.jobs[index];
    assert(job, `job: unknown job ${index}`);
    const clientsBusy = this.#finished < this.#world.operations.length || this.#execs.size > 0;
    // Until a job has run once, assume it has work: it must get to look.
    if (!clientsBusy && !(this.#jobPending[index] ?? true)) return;
    this.#schedule(this.#now + job.everyMs, { type: 'job', job: index });
    if (!this.#serverUp) return;
    this.#trace.cause = undefined;
    const result = job.run(this.#now);
    this.#jobPending[index] = result.pending;
    // A run that found nothing to do stays out of the trace: a reaper ticks for days. A job
    // that reports its table's size is traced every run: those runs are the storage series.
    if (!result.changed && result.requests.length === 0 && result.size === undefined) return;
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'server',
      kind: 'job',
      name: job.name,
      note: result.note,
      requests: result.requests.length,
      ...(result.size === undefined ? {} : { size: result.size }),
    });
    // Background executions are op 0, numbered in order so their fates have labels of their own.
    for (const request of result.requests)
      this.#startExec({ op: 0, attempt: ++this.#background, copy: 0 }, request, seq);
  }

  #effect(name: string, subject: string, ref: string | undefined, cause: number): number {
    this.#effects[name] = (this.#effects[name] ?? 0) + 1;
    this.#effectLog.push({ name, subject, at: this.#now });
    const actor = name === 'card-charged' ? 'psp' : name === 'seat-booked' ? 'airline' : 'server';
    return this.#trace.emit({
      at: this.#now,
      actor,
      kind: 'effect',
      name,
      subject,
      ...(ref ? { ref } : {}),
      cause,
    });
  }
}
