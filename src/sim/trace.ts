// The trace: plain JSON events a run produces, each with a pointer to the event that caused it.

import type { ChoiceValue } from './choices.ts';
import type { Params } from './http.ts';

export type Actor = 'client' | 'network' | 'server' | 'psp' | 'sim';

interface Base {
  readonly seq: number;
  /** Virtual time, integer ms since the run began. */
  readonly at: number;
  readonly actor: Actor;
  /** seq of the event that led to this one. */
  readonly cause?: number;
}

/** Where a message belongs: operation, attempt, and which copy when the network duplicated it. */
export interface MessageRef {
  readonly op: number;
  readonly attempt: number;
  readonly copy: number;
}

export type TraceEvent = Base &
  (
    | { readonly kind: 'choice'; readonly label: string; readonly value: ChoiceValue }
    | {
        readonly kind: 'request';
        readonly op: number;
        readonly attempt: number;
        readonly method: string;
        readonly path: string;
        readonly key: string | null;
        readonly body: Params;
      }
    | ({
        readonly kind: 'lost';
        readonly message: 'request' | 'response';
        readonly reason: string;
      } & MessageRef)
    | ({ readonly kind: 'duplicated' } & MessageRef)
    | ({ readonly kind: 'deliver'; readonly exec: number } & MessageRef)
    | {
        readonly kind: 'step';
        readonly exec: number;
        readonly step: string;
        readonly result: 'next' | 'call' | 'respond' | 'ack' | 'done' | 'error';
        readonly error?: string;
      }
    | {
        readonly kind: 'call';
        readonly exec: number;
        readonly system: 'psp';
        readonly intent: string;
        readonly key: string | null;
      }
    | {
        readonly kind: 'effect';
        readonly name: string;
        readonly subject: string;
        readonly ref?: string;
      }
    | {
        readonly kind: 'reply';
        readonly exec: number;
        readonly ok: boolean;
        /** The charge, when the provider answered with one. */
        readonly chargeId: string | null;
        readonly replayed: boolean;
        /** 503 or 504 when the call failed. */
        readonly status: number | null;
      }
    | {
        readonly kind: 'job';
        readonly name: string;
        readonly note: string;
        readonly requests: number;
      }
    | ({
        readonly kind: 'response';
        readonly exec: number;
        readonly status: number;
        readonly headers: Readonly<Record<string, string>>;
        readonly body: unknown;
      } & MessageRef)
    | ({ readonly kind: 'receive'; readonly status: number } & MessageRef)
    | ({ readonly kind: 'ignored'; readonly reason: 'late' | 'duplicate' | 'done' } & MessageRef)
    | { readonly kind: 'timeout'; readonly op: number; readonly attempt: number }
    | {
        readonly kind: 'retry';
        readonly op: number;
        readonly attempt: number;
        readonly delayMs: number;
      }
    | {
        readonly kind: 'outcome';
        readonly op: number;
        readonly result: 'ok' | 'failed' | 'gave-up';
        readonly attempts: number;
        readonly status: number | null;
      }
    | {
        readonly kind: 'crash';
        readonly afterStep: string;
        readonly exec: number;
        readonly lost: readonly number[];
      }
    | { readonly kind: 'restart' }
    | {
        readonly kind: 'bound-reached';
        readonly bound: 'maxEvents' | 'maxTimeMs' | 'queue';
        readonly limit: number;
      }
  );

/** A trace event before the trace numbers it. */
export type NewTraceEvent = TraceEvent extends infer E
  ? E extends TraceEvent
    ? Omit<E, 'seq'>
    : never
  : never;

/**
 * Trace numbers events and, when enabled, keeps them. Disabled traces (batch runs) still
 * number events, so causes stay meaningful, but keep nothing.
 */
export class Trace {
  readonly enabled: boolean;
  readonly events: TraceEvent[] = [];
  /** The simulation's clock and the event being handled: where recorded choices belong. */
  now = 0;
  cause: number | undefined = undefined;
  #seq = 0;

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  get count(): number {
    return this.#seq;
  }

  emit(event: NewTraceEvent): number {
    const seq = this.#seq++;
    if (this.enabled) this.events.push({ seq, ...event } as TraceEvent);
    return seq;
  }
}
