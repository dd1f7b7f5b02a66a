// Reading the runs of a story in tests: one strategy's run, its broken invariants, one verdict.
import type { InvariantResult, StrategyRun } from '../../src/engine/index.ts';

/** The run of `strategy`; throws when it was not run, so a test cannot read nothing. */
export function runOf(runs: readonly StrategyRun[], strategy: string): StrategyRun {
  const found = runs.find((r) => r.strategy === strategy);
  if (!found) throw new Error(`no run for ${strategy}`);
  return found;
}

/** The ids of the invariants the run broke, in the story's order. */
export const broken = (run: StrategyRun): string[] =>
  run.invariants.filter((i) => !i.holds).map((i) => i.id);

/** The verdict on one invariant; undefined when the story does not check it under these knobs. */
export const verdict = (run: StrategyRun, invariant: string): InvariantResult | undefined =>
  run.invariants.find((i) => i.id === invariant);

/** Whether the invariant holds; undefined when it is not checked. */
export const holds = (run: StrategyRun, invariant: string): boolean | undefined =>
  verdict(run, invariant)?.holds;
