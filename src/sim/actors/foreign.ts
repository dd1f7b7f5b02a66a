// Foreign systems (the payment provider, the airline): one path for a call, its reply, and the server's retry of it.

import { Airline } from '../airline.ts';
import { assert } from '../assert.ts';
import { backoffDelay } from '../client.ts';
import type { ForeignTry, SimEvent } from '../events.ts';
import { retriesCall, type RetryPolicy } from '../gateway.ts';
import type { ForeignCall, ForeignReply, ForeignSystem, StepOutcome } from '../handler.ts';
import type { Kernel } from '../kernel.ts';
import { Provider, type KeyedLedger, type ProviderPolicy } from '../provider.ts';
import type { Records } from '../records.ts';
import { refLabel } from '../refs.ts';
import type { Exec } from './server.ts';

type On<T extends SimEvent['type']> = Extract<SimEvent, { type: T }>;

/** What each system's work is called in the facts, and what the server hears when its answer is lost. */
const SYSTEMS: Record<ForeignSystem, { readonly effect: string; readonly silence: string }> = {
  psp: { effect: 'card-charged', silence: 'the payment provider did not answer in time' },
  airline: { effect: 'seat-booked', silence: 'the airline did not answer in time' },
};

// A foreign system's round trip splits in two: the call travels the first half, the reply the rest.
const callLeg = (latencyMs: number) => Math.max(1, Math.floor(latencyMs / 2));
const replyLeg = (latencyMs: number) => Math.max(1, latencyMs - Math.floor(latencyMs / 2));

/** What a reply goes back to: the execution that called, if it is still alive, and its next step. */
export interface ForeignPeers {
  execution(id: number): Exec | undefined;
  step(execId: number, step: string, reply: ForeignReply, cause: number): void;
}

interface System {
  readonly policy: ProviderPolicy;
  readonly ledger: KeyedLedger<{ readonly id: string }>;
}

export class Foreign {
  readonly #k: Kernel;
  readonly #records: Records;
  readonly #peers: ForeignPeers;
  readonly provider: Provider | null;
  readonly airline: Airline | null;

  constructor(k: Kernel, records: Records, peers: ForeignPeers) {
    this.#k = k;
    this.#records = records;
    this.#peers = peers;
    this.provider = k.world.provider ? new Provider(k.world.provider) : null;
    this.airline = k.world.airline ? new Airline(k.world.airline) : null;
  }

  #system(system: ForeignSystem, step: string): System {
    const { provider, airline } = this.#k.world;
    const policy = system === 'psp' ? provider : airline;
    const ledger = system === 'psp' ? this.provider : this.airline;
    assert(policy && ledger, `step ${step} called ${system}, but this world has no ${system}`);
    return { policy, ledger };
  }

  /** The server retries only its provider call, and only in a world with a provider retry policy. */
  #retry(system: ForeignSystem): RetryPolicy | undefined {
    return system === 'psp' ? this.#k.world.providerRetry : undefined;
  }

  /** A step's call leaves the server: traced, then half the system's round trip on the way. */
  call(
    execId: number,
    exec: Exec,
    step: string,
    outcome: Extract<StepOutcome, { kind: 'call' }>,
    cause: number,
  ): void {
    const { call } = outcome;
    const label = `${call.system}/${refLabel(exec.ref)}/${step}`;
    const seq = this.#emitCall(execId, call, 1, cause);
    this.#send(execId, exec.ref.op, { call, label, try: 1 }, outcome.step, seq);
  }

  /** The server's call to a foreign system, as the trace shows it; a retried call names its try. */
  #emitCall(execId: number, call: ForeignCall, tryNo: number, cause: number): number {
    return this.#k.emit({
      actor: 'server',
      kind: 'call',
      exec: execId,
      system: call.system,
      intent: call.intent,
      key: call.key ?? null,
      ...(tryNo > 1 ? { try: tryNo } : {}),
      cause,
    });
  }

  #send(execId: number, op: number, attempt: ForeignTry, step: string, cause: number): void {
    const { policy } = this.#system(attempt.call.system, step);
    // The facts count provider calls as a layer of tries; airline calls are not counted.
    if (attempt.call.system === 'psp') this.#records.attempt('provider', op);
    this.#k.schedule(this.#k.now + callLeg(policy.latencyMs), {
      type: 'foreign-call',
      exec: execId,
      attempt,
      step,
      cause,
    });
  }

  /** The call reaches the system: it does its work; whether the server hears of it is the network's fate. */
  onCall({ exec, attempt, step, cause }: On<'foreign-call'>): void {
    const k = this.#k;
    const { call, label } = attempt;
    const { policy, ledger } = this.#system(call.system, step);
    const fate = attempt.try === 1 ? label : `${label}/try:${attempt.try}`;
    const answer = ledger.carryOut(call, k.now);
    const seq = answer.done
      ? this.#records.effect(
          call.system,
          SYSTEMS[call.system].effect,
          call.intent,
          answer.done.id,
          cause,
        )
      : cause;
    // A system slower than the server's timeout answers after the server stopped listening.
    const timeoutMs = this.#retry(call.system)?.timeoutMs ?? null;
    const tooSlow = timeoutMs !== null && policy.latencyMs > timeoutMs;
    const lost =
      answer.reply.ok && (k.choices.chance(`${fate}/lost-reply`, policy.lostReply) || tooSlow);
    const reply: ForeignReply = lost
      ? { ok: false, status: 504, reason: SYSTEMS[call.system].silence }
      : answer.reply;
    // With a timeout of its own, the server learns of a lost answer when it stops waiting.
    const waited = Math.max(1, (timeoutMs ?? 0) - Math.floor(policy.latencyMs / 2));
    const delay = lost && timeoutMs !== null ? waited : replyLeg(policy.latencyMs);
    k.schedule(k.now + delay, { type: 'foreign-reply', exec, attempt, reply, step, cause: seq });
  }

  /** The reply reaches the server: it retries the call (its own retry policy) or resumes the step. */
  onReply({ exec, attempt, reply, step, cause }: On<'foreign-reply'>): void {
    const k = this.#k;
    if (!this.#peers.execution(exec)) return; // the caller crashed; what the system did stands
    const seq = k.emit({
      actor: attempt.call.system,
      kind: 'reply',
      exec,
      ok: reply.ok,
      reference: reply.ok ? reply.reference : null,
      replayed: reply.ok && reply.replayed,
      status: reply.ok ? null : reply.status,
      cause,
    });
    const retry = this.#retry(attempt.call.system);
    if (retry && retriesCall(retry, reply, attempt.try)) {
      // The server's own retry(n): the step never sees this failure, only the last one.
      const next = attempt.try + 1;
      const delayMs = backoffDelay(retry, next, k.choices, `${attempt.label}/try:${next}/jitter`);
      k.schedule(k.now + delayMs, {
        type: 'foreign-retry',
        exec,
        attempt: { ...attempt, try: next },
        step,
        cause: seq,
      });
      return;
    }
    this.#peers.step(exec, step, reply, seq);
  }

  /** The server calls the system again with the same call (and the same key, if it has one). */
  onRetry({ exec, attempt, step, cause }: On<'foreign-retry'>): void {
    const running = this.#peers.execution(exec);
    if (!running) return; // the process that was retrying crashed
    const seq = this.#emitCall(exec, attempt.call, attempt.try, cause);
    this.#send(exec, running.ref.op, attempt, step, seq);
  }
}
