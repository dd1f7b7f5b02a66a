// One strategy's run shaped for drawing (in the engine worker): verdict, effects, faults met; and
// its effect counts at a cursor (kept apart, so moving the cursor never rebuilds a column).
import type { InvariantResult, RunResult, ScenarioInfo, StrategyRun } from '../engine/types.ts';
import { lastAtOrBefore } from './timeline.ts';

type OperationResult = StrategyRun['operations'][number];

export interface EffectCount {
  readonly name: string;
  readonly label: string;
  /** How many happen in the whole run. */
  readonly total: number;
  /** True when another strategy produced a different total: where the eye should go. */
  readonly diverges: boolean;
}

export interface FaultCount {
  readonly label: string;
  readonly count: number;
}

export interface Column {
  readonly id: string;
  readonly title: string;
  readonly correct: boolean;
  readonly summary: string;
  readonly verdict: 'ok' | 'violated';
  readonly broken: number;
  readonly effects: readonly EffectCount[];
  readonly operations: readonly OperationResult[];
  readonly faults: readonly FaultCount[];
  readonly invariants: readonly InvariantResult[];
  readonly traceHash: string;
  /** Effect counts over the whole run, by name: the story's effects first, zeros included. */
  readonly totals: Readonly<Record<string, number>>;
  /** How many events the run's trace holds. */
  readonly events: number;
  /** A table's size over time, as a background job reports it (the key table under the reaper). */
  readonly sizes: readonly { readonly at: number; readonly size: number }[];
}

/** The sizes a job reports in the trace, in time order. */
function sizesOf(run: StrategyRun): { at: number; size: number }[] {
  return run.trace.flatMap((e) =>
    e.kind === 'job' && e.size !== undefined ? [{ at: e.at, size: e.size }] : [],
  );
}

function faultsOf(run: StrategyRun): FaultCount[] {
  const count = (test: (e: StrategyRun['trace'][number]) => boolean) =>
    run.trace.filter(test).length;
  return [
    { label: 'request lost', count: count((e) => e.kind === 'lost' && e.message === 'request') },
    { label: 'response lost', count: count((e) => e.kind === 'lost' && e.message === 'response') },
    { label: 'delivered twice', count: count((e) => e.kind === 'duplicated') },
    { label: 'client timeout', count: count((e) => e.kind === 'timeout') },
    { label: 'server crash', count: count((e) => e.kind === 'crash') },
  ].filter((f) => f.count > 0);
}

/**
 * Each effect's events by seq, in trace order: built once per run (in the engine worker), so a
 * count at a cursor is a search; typed arrays, so it crosses to the page as a copy of bytes.
 */
export type EffectIndex = ReadonlyMap<string, Int32Array>;

export function indexEffects(run: StrategyRun): EffectIndex {
  const seqs = new Map<string, number[]>();
  for (const e of run.trace) {
    if (e.kind !== 'effect') continue;
    const list = seqs.get(e.name);
    if (list) list.push(e.seq);
    else seqs.set(e.name, [e.seq]);
  }
  return new Map([...seqs].map(([name, list]) => [name, Int32Array.from(list)]));
}

/** Effect events per name up to and including `seq` (all of them when seq is null): O(log n) each. */
export function effectsUpTo(index: EffectIndex, seq: number | null): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [name, seqs] of index) {
    const n = seq === null ? seqs.length : lastAtOrBefore(seqs, (s) => s, seq) + 1;
    if (n > 0) counts[name] = n;
  }
  return counts;
}

/** Pairs each run with its strategy's description and the story's effect labels. */
export function columnsOf(info: ScenarioInfo, result: RunResult): Column[] {
  const differs = (name: string) => {
    const counts = result.runs.map((r) => r.effects[name] ?? 0);
    return counts.some((count) => count !== counts[0]);
  };
  return result.runs.map((run) => {
    const strategy = info.strategies.find((s) => s.id === run.strategy);
    const broken = run.invariants.filter((inv) => !inv.holds).length;
    return {
      id: run.strategy,
      title: strategy?.title ?? run.strategy,
      correct: strategy?.correct ?? false,
      summary: strategy?.summary ?? '',
      verdict: broken > 0 ? 'violated' : 'ok',
      broken,
      effects: info.effects.map(({ name, label }) => ({
        name,
        label,
        total: run.effects[name] ?? 0,
        diverges: differs(name),
      })),
      operations: run.operations,
      faults: faultsOf(run),
      invariants: run.invariants,
      traceHash: run.traceHash,
      totals: run.effects,
      events: run.trace.length,
      sizes: sizesOf(run),
    };
  });
}
