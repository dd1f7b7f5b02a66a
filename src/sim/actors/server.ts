// The server: runs each delivered request through the handler step by step, answers, crashes and restarts.

import type { SimEvent } from '../events.ts';
import type { ForeignReply, Handler, Locals, StepOutcome } from '../handler.ts';
import type { HttpRequest, HttpResponse } from '../http.ts';
import type { Kernel } from '../kernel.ts';
import type { Records } from '../records.ts';
import { pinnedTo, refLabel } from '../refs.ts';
import type { MessageRef } from '../trace.ts';
import { lost, sendBack } from './network.ts';

type On<T extends SimEvent['type']> = Extract<SimEvent, { type: T }>;

/** One execution of the handler: the message it serves and its scratch values. */
export interface Exec {
  readonly ref: MessageRef;
  readonly request: HttpRequest;
  readonly locals: Locals;
}

/** What the server hands on: an answer to a gateway try, a call to a foreign system. */
export interface ServerPeers {
  toGateway(ref: MessageRef, response: HttpResponse, cause: number): void;
  callForeign(
    execId: number,
    exec: Exec,
    step: string,
    outcome: Extract<StepOutcome, { kind: 'call' }>,
    cause: number,
  ): void;
}

interface Held {
  readonly exec: Exec;
  readonly execId: number;
  readonly response: HttpResponse;
  readonly cause: number;
}

export class Server {
  readonly #k: Kernel;
  readonly #handler: Handler;
  readonly #records: Records;
  readonly #peers: ServerPeers;
  /** Executions in flight, by number; a crash loses them all. */
  readonly #execs = new Map<number, Exec>();
  #execCount = 0;
  #up = true;
  /** Answers waiting for the next batch (worlds with ackEveryMs), and when that batch leaves. */
  readonly #held: Held[] = [];
  #flushAt = -1;
  #flushing = false;

  constructor(k: Kernel, handler: Handler, records: Records, peers: ServerPeers) {
    this.#k = k;
    this.#handler = handler;
    this.#records = records;
    this.#peers = peers;
  }

  get up(): boolean {
    return this.#up;
  }

  /** Whether any execution is still in flight. */
  get busy(): boolean {
    return this.#execs.size > 0;
  }

  /** The execution numbered `id`, unless it ended or a crash took it. */
  execution(id: number): Exec | undefined {
    return this.#execs.get(id);
  }

  onArrive({ ref, request, cause }: On<'arrive'>): void {
    if (!this.#up) {
      lost(this.#k, 'request', 'server-down', ref, cause);
      return;
    }
    this.startExec(ref, request, cause);
  }

  /** A new execution of the handler: a delivered request, or one a background job re-drives (op 0). */
  startExec(ref: MessageRef, request: HttpRequest, cause: number): void {
    const k = this.#k;
    const exec = ++this.#execCount;
    this.#execs.set(exec, { ref, request, locals: {} });
    this.#records.attempt('server', ref.op);
    const seq = k.emit({ actor: 'server', kind: 'deliver', exec, ...ref, cause });
    const first = this.#handler.firstStep(request);
    const stall = this.#pauseBefore(ref, first);
    if (stall > 0) k.schedule(k.now + stall, { type: 'step', exec, step: first, cause: seq });
    else this.step(exec, first, undefined, seq);
  }

  onStep({ exec, step, cause }: On<'step'>): void {
    this.step(exec, step, undefined, cause);
  }

  /** Runs one step of an execution as one transaction; `reply` is a foreign system's answer. */
  step(execId: number, step: string, reply: ForeignReply | undefined, cause: number): void {
    const k = this.#k;
    const exec = this.#execs.get(execId);
    if (!exec) return; // the process that ran it crashed
    const input = { exec: execId, request: exec.request, now: k.now, locals: exec.locals, reply };
    const result = this.#handler.run(step, input);
    const { outcome } = result;
    const seq = k.emit({
      actor: 'server',
      kind: 'step',
      exec: execId,
      step,
      result: result.error ? 'error' : outcome.kind,
      ...(result.error ? { error: result.error } : {}),
      cause,
    });
    for (const effect of result.effects)
      this.#records.effect('server', effect.name, effect.subject, undefined, seq);
    const crashLabel = `server/${refLabel(exec.ref)}/crash-after:${step}`;
    const pinned = pinnedTo(k.world.pinned?.crashAfter, exec.ref, step) !== undefined;
    if (!result.error && (pinned || k.choices.chance(crashLabel, k.world.server.crash))) {
      // An acknowledgement is on the wire before the process dies; any other answer is not.
      if (outcome.kind === 'ack') this.#respond(exec, execId, outcome.response, seq);
      return this.#crash(step, execId, seq);
    }
    this.#follow(execId, exec, step, outcome, seq);
  }

  #follow(execId: number, exec: Exec, step: string, outcome: StepOutcome, cause: number): void {
    const k = this.#k;
    const stepMs = k.world.server.stepMs;
    switch (outcome.kind) {
      case 'next': {
        const pinnedPause = pinnedTo(k.world.pinned?.pauseAfter, exec.ref, step)?.ms ?? 0;
        const pause = pinnedPause + this.#pauseFault(exec.ref, step);
        const stall = this.#pauseBefore(exec.ref, outcome.step);
        return k.schedule(k.now + stepMs + pause + stall, {
          type: 'step',
          exec: execId,
          step: outcome.step,
          cause,
        });
      }
      case 'call':
        return this.#peers.callForeign(execId, exec, step, outcome, cause);
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
        return k.schedule(k.now + stepMs + this.#pauseBefore(exec.ref, outcome.step), {
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
    const seq = this.#k.emit({
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
    if (ref.try !== undefined) this.#peers.toGateway(ref, response, seq);
    else sendBack(this.#k, ref, response, seq);
    return seq;
  }

  #crash(afterStep: string, exec: number, cause: number): void {
    const k = this.#k;
    const lostExecs = [...this.#execs.keys()];
    const lostRefs = [...this.#execs.values()].map((e) => e.ref);
    this.#execs.clear();
    this.#up = false;
    this.#handler.restart();
    const seq = k.emit({
      actor: 'server',
      kind: 'crash',
      afterStep,
      exec,
      lost: lostExecs,
      cause,
    });
    k.schedule(k.now + k.world.server.restartMs, { type: 'restart', cause: seq });
    this.#loseWithCrash(lostRefs, seq);
  }

  onRestart({ cause }: On<'restart'>): void {
    this.#up = true;
    this.#k.emit({ actor: 'server', kind: 'restart', cause });
  }

  /** The explorer's pause fault after `step` (worlds with pauseMs only): its length, or 0. */
  #pauseFault(ref: MessageRef, step: string): number {
    const ms = this.#k.world.server.pauseMs;
    if (ms === undefined) return 0;
    return this.#k.choices.chance(`server/${refLabel(ref)}/pause-after:${step}`, 1) ? ms : 0;
  }

  /** A pinned stall before `step` of this request's execution (slow work), in ms. */
  #pauseBefore(ref: MessageRef, step: string): number {
    return pinnedTo(this.#k.world.pinned?.pauseBefore, ref, step)?.ms ?? 0;
  }

  /**
   * With ackEveryMs, an answer waits for the next multiple of it and leaves with the others
   * (a consumer that commits its offsets every few seconds). Returns whether it was held.
   */
  #hold(exec: Exec, execId: number, response: HttpResponse, cause: number): boolean {
    const k = this.#k;
    const every = k.world.server.ackEveryMs ?? 0;
    if (every <= 0 || this.#flushing || exec.ref.op === 0) return false;
    this.#held.push({ exec, execId, response, cause });
    const at = (Math.floor(k.now / every) + 1) * every;
    if (this.#flushAt !== at) {
      this.#flushAt = at;
      k.schedule(at, { type: 'flush' });
    }
    return true;
  }

  onFlush(): void {
    this.#flushing = true;
    for (const held of this.#held.splice(0)) {
      // Each held answer leaves on its own account: its fates belong to what caused it.
      this.#k.attribute(held.cause);
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
    const k = this.#k;
    const held = this.#held.splice(0).map((h) => h.exec.ref);
    for (const ref of held) lost(k, 'response', 'server-crash', ref, cause, 'server');
    const notice = k.world.client.crashNoticeMs;
    if (notice === undefined) return;
    const gone = [...running, ...held]
      .filter((ref) => ref.op > 0)
      .sort((a, b) => a.op - b.op || a.attempt - b.attempt);
    gone.forEach((ref, i) => {
      const previous = gone[i - 1];
      if (previous?.op === ref.op && previous.attempt === ref.attempt) return; // a duplicate copy
      k.schedule(k.now + notice, {
        type: 'timeout',
        op: ref.op,
        attempt: ref.attempt,
        cause,
        reason: 'server-crash',
      });
    });
  }
}
