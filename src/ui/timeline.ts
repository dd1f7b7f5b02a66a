// The shared cursor: one timeline of moments (distinct virtual times) across every column, and
// where each column's trace stands at a moment. Stepping is exact because the runs are.
import type { TraceEvent } from '../sim/trace.ts';

/** Choices are bookkeeping, not moments a reader steps through. */
const visible = (e: TraceEvent) => e.kind !== 'choice';

/** The distinct virtual times at which anything visible happens in any of the traces, in order. */
export function ticksOf(traces: readonly (readonly TraceEvent[])[]): number[] {
  const times = new Set<number>();
  for (const trace of traces) for (const e of trace) if (visible(e)) times.add(e.at);
  return [...times].sort((a, b) => a - b);
}

/** The cursor as a tick index, with null meaning "the end", kept inside the timeline. */
export function clampTick(t: number | null, ticks: readonly number[]): number {
  const last = Math.max(0, ticks.length - 1);
  return t === null ? last : Math.min(Math.max(0, t), last);
}

/**
 * The index of the last item whose key is at or before `value` (-1 when none is), for items in
 * key order: a binary search. The one search behind the cursor, in traces and in diagram rows.
 */
export function lastAtOrBefore<T>(
  items: ArrayLike<T>,
  key: (item: T) => number,
  value: number,
): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const item = items[mid];
    if (item !== undefined && key(item) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The last event of a trace at or before virtual time `at` (-1 when none is). */
export function seqAt(trace: readonly TraceEvent[], at: number): number {
  return lastAtOrBefore(trace, (e) => e.at, at);
}

/** The visible events that happen exactly at virtual time `at`: what a step to it reveals. */
export function eventsAt(trace: readonly TraceEvent[], at: number): TraceEvent[] {
  const end = seqAt(trace, at);
  const found: TraceEvent[] = [];
  for (let i = end; i >= 0; i--) {
    const e = trace[i];
    if (!e || e.at !== at) break;
    if (visible(e)) found.push(e);
  }
  return found.reverse();
}
