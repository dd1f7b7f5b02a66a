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

/**
 * The lookups over one trace. Requests and executions are read at once; the maps by seq and by
 * cause are built on first use, since a narrator over a 100,000-event run needs neither.
 */
export function indexTrace(trace: readonly TraceEvent[]): TraceIndex {
  const requests = new Map<string, RequestEvent>();
  const execs = new Map<number, DeliverEvent>();
  const ops = new Set<number>();
  for (const event of trace) {
    if (event.kind === 'request') {
      requests.set(attemptKey(event.op, event.attempt), event);
      ops.add(event.op);
    }
    if (event.kind === 'deliver') execs.set(event.exec, event);
  }
  let bySeq: Map<number, TraceEvent> | undefined;
  let children: Map<number, TraceEvent[]> | undefined;
  return {
    get bySeq() {
      bySeq ??= new Map(trace.map((event) => [event.seq, event]));
      return bySeq;
    },
    get children() {
      if (children) return children;
      children = new Map();
      for (const event of trace) {
        if (event.cause === undefined) continue;
        const list = children.get(event.cause);
        if (list) list.push(event);
        else children.set(event.cause, [event]);
      }
      return children;
    },
    requests,
    execs,
    operations: ops.size,
  };
}
