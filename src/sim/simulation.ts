// The event loop: one client population, a network, a step-wise server and a payment provider,
// driven by a bounded event queue, a virtual clock and the Choices port. All branching on event
// type lives in `dispatch`; the helpers compute what happens and schedule it.

import { assert } from './assert.ts';
import type { Choices } from './choices.ts';
import { backoffDelay, classify, mintKey } from './client.ts';
import type { ChargeCall, ChargeReply, Handler, Locals, StepOutcome } from './handler.ts';
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
import type { Answer, EffectRecord, OperationResult, SimulationResult, World } from './world.ts';

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
      readonly call: ChargeCall;
      readonly step: string;
      /** Names this call for Choices: the message that started the execution and the step. */
      readonly label: string;
      readonly cause: number;
    }
  | { readonly type: 'job'; readonly job: number }
  | {
      readonly type: 'reply';
      readonly exec: number;
      readonly reply: ChargeReply;
      readonly step: string;
      readonly cause: number;
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
    }
  | { readonly type: 'restart'; readonly cause: number };

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

const refLabel = (ref: MessageRef) => `op:${ref.op}/attempt:${ref.attempt}/copy:${ref.copy}`;

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
  readonly #ops: OpState[] = [];
  readonly #execs = new Map<number, Exec>();
  readonly #effects: Record<string, number> = {};
  readonly #answers: Answer[] = [];
  readonly #effectLog: EffectRecord[] = [];
  #execCount = 0;
  #finished = 0;
  readonly #jobPending: (boolean | undefined)[] = [];
  #background = 0;
  #serverUp = true;
  #overflow = false;
  #now = 0;

  constructor(world: World, handler: Handler, choices: Choices, trace: Trace) {
    this.#world = world;
    this.#handler = handler;
    this.#choices = choices;
    this.#trace = trace;
    this.#queue = new EventQueue<SimEvent>(world.bounds.maxQueue);
    this.#provider = new Provider(world.provider);
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
      answers: this.#answers,
      effectLog: this.#effectLog,
      operations: this.#ops.map((s, i) => ({
        op: i + 1,
        result: s.result,
        attempts: s.attempt,
        // As the trace's outcome event says: a client that gave up has no final status.
        status: s.result === 'gave-up' ? null : s.status,
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
        return this.#charge(event.exec, event.call, event.step, event.label, event.cause);
      case 'job':
        return this.#job(event.job);
      case 'reply':
        return this.#reply(event.exec, event.reply, event.step, event.cause);
      case 'answer':
        return this.#answer(event.ref, event.response, event.cause);
      case 'timeout':
        return this.#timeout(event.op, event.attempt, event.cause);
      case 'restart':
        return this.#restart(event.cause);
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
    const request: HttpRequest = {
      method: operation.method,
      path: operation.path,
      client: operation.client,
      headers: {
        ...operation.headers,
        ...(state.key === null ? {} : { [IDEMPOTENCY_KEY]: state.key }),
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
    const pinned = this.#world.pinned?.dropRequest?.some(
      (p) => p.op === ref.op && p.attempt === ref.attempt && ref.copy === 0,
    );
    if (pinned || this.#choices.chance(`${label}/drop-request`, network.requestLoss)) {
      this.#trace.emit({
        at: this.#now,
        actor: 'network',
        kind: 'lost',
        message: 'request',
        reason: 'network',
        ...ref,
        cause,
      });
      return;
    }
    this.#schedule(this.#now + latency(network, this.#choices, `${label}/request`), {
      type: 'arrive',
      ref,
      request,
      cause,
    });
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

  #timeout(op: number, attempt: number, cause: number): void {
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
      status: result === 'gave-up' ? null : state.status,
      cause,
    });
  }

  // ---- server ----

  #arrive(ref: MessageRef, request: HttpRequest, cause: number): void {
    if (!this.#serverUp) {
      this.#trace.emit({
        at: this.#now,
        actor: 'network',
        kind: 'lost',
        message: 'request',
        reason: 'server-down',
        ...ref,
        cause,
      });
      return;
    }
    this.#startExec(ref, request, cause);
  }

  /** A new execution of the handler: a delivered request, or one a background job re-drives (op 0). */
  #startExec(ref: MessageRef, request: HttpRequest, cause: number): void {
    const exec = ++this.#execCount;
    this.#execs.set(exec, { ref, request, locals: {} });
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'server',
      kind: 'deliver',
      exec,
      ...ref,
      cause,
    });
    this.#step(exec, this.#handler.firstStep(request), undefined, seq);
  }

  #step(execId: number, step: string, reply: ChargeReply | undefined, cause: number): void {
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
    const pinned = this.#world.pinned?.crashAfter?.some(
      (p) => p.op === exec.ref.op && p.attempt === exec.ref.attempt && p.step === step,
    );
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
        const pause = this.#world.pinned?.pauseAfter?.find(
          (p) => p.op === exec.ref.op && p.attempt === exec.ref.attempt && p.step === step,
        );
        return this.#schedule(this.#now + stepMs + (pause?.ms ?? 0), {
          type: 'step',
          exec: execId,
          step: outcome.step,
          cause,
        });
      }
      case 'call': {
        const { call } = outcome;
        const seq = this.#trace.emit({
          at: this.#now,
          actor: 'server',
          kind: 'call',
          exec: execId,
          system: call.system,
          intent: call.intent,
          key: call.key ?? null,
          cause,
        });
        const half = Math.max(1, Math.floor(this.#world.provider.latencyMs / 2));
        return this.#schedule(this.#now + half, {
          type: 'charge',
          exec: execId,
          call,
          step: outcome.step,
          label: `psp/${refLabel(exec.ref)}/${step}`,
          cause: seq,
        });
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
        return this.#schedule(this.#now + stepMs, {
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
    const label = `net/${refLabel(ref)}`;
    const network = this.#world.network;
    const pinned = this.#world.pinned?.dropResponse?.some(
      (p) => p.op === ref.op && p.attempt === ref.attempt,
    );
    if (pinned || this.#choices.chance(`${label}/drop-response`, network.responseLoss)) {
      this.#trace.emit({
        at: this.#now,
        actor: 'network',
        kind: 'lost',
        message: 'response',
        reason: 'network',
        ...ref,
        cause: seq,
      });
      return seq;
    }
    const at = this.#now + latency(network, this.#choices, `${label}/response`);
    this.#schedule(at, { type: 'answer', ref, response, cause: seq });
    return seq;
  }

  #crash(afterStep: string, exec: number, cause: number): void {
    const lost = [...this.#execs.keys()];
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
  }

  #restart(cause: number): void {
    this.#serverUp = true;
    this.#trace.emit({ at: this.#now, actor: 'server', kind: 'restart', cause });
  }

  // ---- payment provider ----

  #charge(exec: number, call: ChargeCall, step: string, label: string, cause: number): void {
    const policy = this.#world.provider;
    const answer = this.#provider.charge(call, this.#now);
    const seq = answer.charged
      ? this.#effect('card-charged', call.intent, answer.charged.id, cause)
      : cause;
    // The provider did its work; whether the server ever hears of it is the network's fate.
    const lost = answer.reply.ok && this.#choices.chance(`${label}/lost-reply`, policy.lostReply);
    const reply: ChargeReply = lost
      ? { ok: false, status: 504, reason: 'the payment provider did not answer in time' }
      : answer.reply;
    const half = Math.max(1, policy.latencyMs - Math.floor(policy.latencyMs / 2));
    this.#schedule(this.#now + half, { type: 'reply', exec, reply, step, cause: seq });
  }

  #reply(exec: number, reply: ChargeReply, step: string, cause: number): void {
    if (!this.#execs.has(exec)) return; // the caller crashed; a charge made stands
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'psp',
      kind: 'reply',
      exec,
      ok: reply.ok,
      chargeId: reply.ok ? reply.chargeId : null,
      replayed: reply.ok && reply.replayed,
      status: reply.ok ? null : reply.status,
      cause,
    });
    this.#step(exec, step, reply, seq);
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
    // A run that found nothing to do stays out of the trace: a reaper ticks for days.
    if (!result.changed && result.requests.length === 0) return;
    const seq = this.#trace.emit({
      at: this.#now,
      actor: 'server',
      kind: 'job',
      name: job.name,
      note: result.note,
      requests: result.requests.length,
    });
    // Background executions are op 0, numbered in order so their fates have labels of their own.
    for (const request of result.requests)
      this.#startExec({ op: 0, attempt: ++this.#background, copy: 0 }, request, seq);
  }

  #effect(name: string, subject: string, ref: string | undefined, cause: number): number {
    this.#effects[name] = (this.#effects[name] ?? 0) + 1;
    this.#effectLog.push({ name, subject, at: this.#now });
    const actor = name === 'card-charged' ? 'psp' : 'server';
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
