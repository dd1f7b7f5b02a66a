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

/** The last event of a trace at or before virtual time `at` (-1 when none is). */
export function seqAt(trace: readonly TraceEvent[], at: number): number {
  // Traces are ordered by time: binary search for the last event with e.at <= at.
  let lo = 0;
  let hi = trace.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((trace[mid]?.at ?? Infinity) <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
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

/** Virtual time in words a reader can compare: 80 ms, 1.2 s, 7 min 3 s, 2 h 5 min, 3 d 1 h. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1).replace(/\.?0+$/, '')} s`;
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const parts: string[] = [];
  let rest = ms;
  for (const [size, name] of units) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    if (n > 0 || parts.length > 0) parts.push(`${n} ${name}`);
    rest -= n * size;
  }
  return parts.filter((p) => !p.startsWith('0 ')).join(' ');
}
