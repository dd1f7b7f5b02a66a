// What a simulation runs on: the operations clients want done, every actor's policy, the
// faults a story pins, the bounds, and what a run hands back.

import type { ClientPolicy } from './client.ts';
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
}

export interface ServerPolicy {
  /** Time one handler step (one transaction) takes. */
  readonly stepMs: number;
  /** Chance that the server process crashes right after a step commits. */
  readonly crash: number;
  readonly restartMs: number;
}

export interface Bounds {
  readonly maxEvents: number;
  readonly maxTimeMs: number;
  readonly maxQueue: number;
}

export interface World {
  readonly operations: readonly Operation[];
  readonly client: ClientPolicy;
  readonly network: NetworkPolicy;
  readonly server: ServerPolicy;
  readonly provider: ProviderPolicy;
  readonly bounds: Bounds;
  readonly pinned?: PinnedFaults;
}

export interface OperationResult {
  readonly op: number;
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

export interface SimulationResult {
  readonly effects: Record<string, number>;
  /** Every effect in order: what happened to whom, and when. */
  readonly effectLog: readonly EffectRecord[];
  readonly ledger: readonly Charge[];
  readonly answers: readonly Answer[];
  readonly operations: readonly OperationResult[];
  readonly events: number;
  readonly endedAt: number;
  readonly bound: 'maxEvents' | 'maxTimeMs' | 'queue' | null;
}
