// Lookups over one trace that the diagram, the narration and the divergence all need.

import type { TraceEvent } from '../../sim/trace.ts';

export type RequestEvent = Extract<TraceEvent, { kind: 'request' }>;
export type DeliverEvent = Extract<TraceEvent, { kind: 'deliver' }>;

/** A trace event whose kind this build may not know yet: read it defensively. */
export interface LooseEvent {
  readonly seq: number;
  readonly at: number;
  readonly actor: string;
  readonly kind: string;
  readonly cause?: number;
}

export interface TraceIndex {
  readonly bySeq: ReadonlyMap<number, TraceEvent>;
  /** Events each event caused, in trace order. */
  readonly children: ReadonlyMap<number, readonly TraceEvent[]>;
  /** The request event of each attempt, keyed "op/attempt". */
  readonly requests: ReadonlyMap<string, RequestEvent>;
  /** The delivery that started each execution. */
  readonly execs: ReadonlyMap<number, DeliverEvent>;
  /** How many distinct operations the clients started. */
  readonly operations: number;
}

export const attemptKey = (op: number, attempt: number): string => `${op}/${attempt}`;

export function indexTrace(trace: readonly TraceEvent[]): TraceIndex {
  const bySeq = new Map<number, TraceEvent>();
  const children = new Map<number, TraceEvent[]>();
  const requests = new Map<string, RequestEvent>();
  const execs = new Map<number, DeliverEvent>();
  const ops = new Set<number>();
  for (const event of trace) {
    bySeq.set(event.seq, event);
    if (event.cause !== undefined) {
      const list = children.get(event.cause);
      if (list) list.push(event);
      else children.set(event.cause, [event]);
    }
    if (event.kind === 'request') {
      requests.set(attemptKey(event.op, event.attempt), event);
      ops.add(event.op);
    }
    if (event.kind === 'deliver') execs.set(event.exec, event);
  }
  return { bySeq, children, requests, execs, operations: ops.size };
}
