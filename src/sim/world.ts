// What a simulation runs on: the operations clients want done, every actor's policy, the
// faults a story pins, the bounds, and what a run hands back.

import type { AirlinePolicy, SeatBooking } from './airline.ts';
import type { ChoiceRecord } from './choices.ts';
import type { ClientPolicy } from './client.ts';
import type { GatewayPolicy, RetryPolicy } from './gateway.ts';
import type { Params } from './http.ts';
import type { NetworkPolicy } from './network.ts';
import type { Charge, ProviderPolicy } from './provider.ts';

/** One thing a client wants done once: a payment, a checkout. */
export interface Operation {
  /** When the client starts it, in virtual ms. Operations are listed in start order. */
  readonly at: number;
  readonly client: string;
  readonly method: string;
  readonly path: string;
  readonly body: Params;
  /**
   * The Idempotency-Key it sends: left out, the client mints one through Choices; a string
   * sends that key (two operations may share one); null sends no key at all.
   */
  readonly key?: string | null;
  /** Other headers it sends on every attempt, e.g. a webhook's `Webhook-Id`. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * A header that carries the attempt's number (1, 2, …), so the server can see a redelivery:
   * a broker's receive count or delivery count. Absent: no such header.
   */
  readonly attemptHeader?: string;
}

/**
 * Faults a story pins to exact places, on top of the random ones: a scripted case shows the
 * same thing on every seed. Every other fate still comes from Choices, untouched.
 */
export interface PinnedFaults {
  /** Lose these requests on their way to the server. */
  readonly dropRequest?: readonly { readonly op: number; readonly attempt: number }[];
  /** Lose the server's answer to these requests. */
  readonly dropResponse?: readonly { readonly op: number; readonly attempt: number }[];
  /** Crash the server right after this request's execution commits this step. */
  readonly crashAfter?: readonly {
    readonly op: number;
    readonly attempt: number;
    readonly step: string;
  }[];
  /** Stall this request's execution after this step (a long GC pause, a stuck thread). */
  readonly pauseAfter?: readonly {
    readonly op: number;
    readonly attempt: number;
    readonly step: string;
    readonly ms: number;
  }[];
  /** Stall this request's execution before this step, its first included (slow work). */
  readonly pauseBefore?: readonly {
    readonly op: number;
    readonly attempt: number;
    readonly step: string;
    readonly ms: number;
  }[];
}

export interface ServerPolicy {
  /** Time one handler step (one transaction) takes. */
  readonly stepMs: number;
  /** Chance that the server process crashes right after a step commits. */
  readonly crash: number;
  readonly restartMs: number;
  /**
   * Answers leave in batches, at every multiple of this many ms (a consumer that commits its
   * offsets every few seconds); a crash loses the batch not yet sent. Absent or 0: at once.
   */
  readonly ackEveryMs?: number;
  /**
   * The explorer's pause fault: after each step that goes on to another, a choice point
   * (`…/pause-after:<step>`, asked with ratio 1) that stalls the execution this many ms before
   * its next step (past its lease). Absent: no such choice is asked, so seeded runs never see it.
   */
  readonly pauseMs?: number;
}

export interface Bounds {
  readonly maxEvents: number;
  readonly maxTimeMs: number;
  readonly maxQueue: number;
  /**
   * End the run right after the trace event with this seq is numbered, before anything else
   * happens (the inspector's view of that moment). Absent: the run goes on to its end.
   */
  readonly stopAfterSeq?: number;
}

export interface World {
  readonly operations: readonly Operation[];
  readonly client: ClientPolicy;
  readonly network: NetworkPolicy;
  readonly server: ServerPolicy;
  /** The payment provider a step may charge through; absent: a story without one (a consumer). */
  readonly provider?: ProviderPolicy;
  /** The airline a flight booking calls for a seat; absent: a story without one. */
  readonly airline?: AirlinePolicy;
  readonly bounds: Bounds;
  readonly pinned?: PinnedFaults;
  /** An API gateway between client and server, with its own timeout and retries; absent: none. */
  readonly gateway?: GatewayPolicy;
  /** The server's own timeout and retries of its provider call; absent: it calls once. */
  readonly providerRetry?: RetryPolicy;
  /**
   * The explorer's orderings: when several events are due at the same virtual ms, the loop asks
   * `int('order/<at>/<n>', 0, count - 1)` which goes first (0: schedule order). Absent: it never
   * asks, and events due together run in the order they were scheduled.
   */
  readonly orderTies?: boolean;
}

export interface OperationResult {
  readonly op: number;
  /** Who sent it (the world's operation's client): an export replays each as its own caller. */
  readonly client: string;
  readonly result: 'ok' | 'failed' | 'gave-up' | 'unfinished';
  readonly attempts: number;
  readonly status: number | null;
}

/** What a client was told: the client-side ledger, so invariants can check answers too. */
export interface Answer {
  readonly op: number;
  readonly attempt: number;
  readonly client: string;
  /** The params the client sent. */
  readonly asked: Params;
  readonly status: number;
  readonly replayed: boolean;
  readonly body: unknown;
}

export interface EffectRecord {
  readonly name: string;
  readonly subject: string;
  readonly at: number;
}

/** One try at one layer: a client attempt, a gateway try, a server execution, a provider call. */
export interface AttemptRecord {
  readonly layer: 'client' | 'gateway' | 'server' | 'provider';
  /** The operation it belongs to (0: a background job's execution). */
  readonly op: number;
  readonly at: number;
}

/** One traced run of a background job: what it counted, beside its trace event's words. */
export interface JobRun {
  /** The seq of its `job` trace event. */
  readonly seq: number;
  readonly at: number;
  readonly name: string;
  /** Rows it acted on: keys deleted, executions re-driven, events relayed. */
  readonly count: number;
  /** Rows its table holds after the run, from a job that reports storage. */
  readonly size?: number;
}

export interface SimulationResult {
  readonly effects: Record<string, number>;
  /** Every effect in order: what happened to whom, and when. */
  readonly effectLog: readonly EffectRecord[];
  /** The payment provider's ledger: every charge it made (empty without a provider). */
  readonly ledger: readonly Charge[];
  /** The airline's ledger: every seat it booked (empty without an airline). */
  readonly bookings: readonly SeatBooking[];
  readonly answers: readonly Answer[];
  /** Every try at every layer, in order: how retries multiplied. */
  readonly attempts: readonly AttemptRecord[];
  /** Every traced run of a background job, in order, with its count. */
  readonly jobRuns: readonly JobRun[];
  /**
   * Every choice the run asked, in order: feed a prefix to ScriptedChoices (with a fallback) to
   * replay the run up to there and let it go on differently.
   */
  readonly choices: readonly ChoiceRecord[];
  readonly operations: readonly OperationResult[];
  readonly events: number;
  readonly endedAt: number;
  /** The bound that ended the run, or null when it ran out of events. */
  readonly bound: 'maxEvents' | 'maxTimeMs' | 'queue' | 'stopAfterSeq' | null;
}
