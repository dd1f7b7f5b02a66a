// The trace: plain JSON events a run produces, each with a pointer to the event that caused it.

import type { ChoiceValue } from './choices.ts';
import type { ForeignSystem } from './handler.ts';
import type { Params } from './http.ts';

export type Actor = 'client' | 'network' | 'gateway' | 'server' | 'psp' | 'airline' | 'sim';

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
  /** The gateway's try, when a gateway forwards the message (absent without one). */
  readonly try?: number;
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
        /** The Idempotency-Key field as sent (its wire form: quoted under the IETF draft), or null. */
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
        readonly system: ForeignSystem;
        readonly intent: string;
        readonly key: string | null;
        /** The server's retry of this call (2, 3, …); absent on the first call. */
        readonly try?: number;
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
        /** What the system did, when it answered: a charge (psp) or a booking reference (airline). */
        readonly reference: string | null;
        readonly replayed: boolean;
        /** 503 or 504 when the call failed. */
        readonly status: number | null;
      }
    | {
        readonly kind: 'job';
        readonly name: string;
        readonly note: string;
        readonly requests: number;
        /** Rows the job's table holds after the run, when the job reports it (a storage series). */
        readonly size?: number;
      }
    | ({
        readonly kind: 'response';
        readonly exec: number;
        readonly status: number;
        readonly headers: Readonly<Record<string, string>>;
        readonly body: unknown;
      } & MessageRef)
    | ({ readonly kind: 'receive'; readonly status: number } & MessageRef)
    /** The gateway forwards try `try` of a client's message to the server; `key` as sent. */
    | ({ readonly kind: 'forward'; readonly key: string | null } & MessageRef & {
          readonly try: number;
        })
    /** The gateway waited `try` out and heard nothing. */
    | ({ readonly kind: 'gateway-timeout' } & MessageRef & { readonly try: number })
    /** The gateway tries again after `delayMs`. */
    | ({ readonly kind: 'gateway-retry'; readonly delayMs: number } & MessageRef & {
          readonly try: number;
        })
    /** The gateway answers the client, after `tries` tries. */
    | ({ readonly kind: 'relay'; readonly status: number; readonly tries: number } & MessageRef)
    | ({ readonly kind: 'ignored'; readonly reason: 'late' | 'duplicate' | 'done' } & MessageRef)
    | {
        readonly kind: 'timeout';
        readonly op: number;
        readonly attempt: number;
        /** Set when the client noticed a server crash rather than waited its timeout out. */
        readonly reason?: 'server-crash';
      }
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
  /** Whether the simulation traces each choice it asks as a `choice` event (the engine's runs do). */
  readonly choices: boolean;
  readonly events: TraceEvent[] = [];
  #seq = 0;

  constructor(enabled: boolean, options: { readonly choices?: boolean } = {}) {
    this.enabled = enabled;
    this.choices = options.choices ?? false;
  }

  get count(): number {
    return this.#seq;
  }

  /** Numbers an event without keeping it: what emit() does in a disabled trace. */
  skip(): number {
    return this.#seq++;
  }

  emit(event: NewTraceEvent): number {
    const seq = this.#seq++;
    if (this.enabled) this.events.push({ seq, ...event } as TraceEvent);
    return seq;
  }
}
