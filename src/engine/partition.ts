// Splits a batch's seeds over workers and merges their summaries into the one a single worker gives.

import { findScenario } from './validate.ts';
import { StrategyTally } from './tally.ts';
import type { BatchResult, SeedRange } from './types.ts';

/** `parts` contiguous ranges covering `seeds` in order, sizes within one of each other; none empty. */
export function partitionSeeds(seeds: SeedRange, parts: number): SeedRange[] {
  if (!Number.isInteger(parts) || parts < 1)
    throw new Error(`parts is ${JSON.stringify(parts)}; it must be an integer of at least 1`);
  const n = Math.min(parts, seeds.count);
  const size = Math.floor(seeds.count / n);
  const larger = seeds.count % n;
  const ranges: SeedRange[] = [];
  let from = seeds.from;
  for (let i = 0; i < n; i++) {
    const count = size + (i < larger ? 1 : 0);
    ranges.push({ from, count });
    from += count;
  }
  return ranges;
}

/**
 * One summary from batches of the same story, knobs, faults and strategies over disjoint seed
 * ranges, in any order. Complete parts must cover one contiguous range. After a cancel (a part
 * `partial`) the seeds run may have gaps: then `seeds.count` counts them from the lowest `from`.
 */
export function mergeBatches(parts: readonly BatchResult[]): BatchResult {
  const sorted = [...parts].sort((a, b) => a.seeds.from - b.seeds.from);
  const first = sorted[0];
  if (!first) throw new Error('mergeBatches needs at least one batch');
  const same = (b: BatchResult) =>
    b.scenario === first.scenario &&
    b.faults === first.faults &&
    JSON.stringify(b.knobs) === JSON.stringify(first.knobs) &&
    b.strategies.map((s) => s.strategy).join() === first.strategies.map((s) => s.strategy).join();
  const other = sorted.find((b) => !same(b));
  if (other)
    throw new Error(
      `cannot merge batches of different runs: ${other.scenario} ${JSON.stringify(other.knobs)} and ${first.scenario} ${JSON.stringify(first.knobs)}`,
    );
  const partial = sorted.some((b) => b.partial);
  for (const [i, b] of sorted.entries()) {
    const previous = sorted[i - 1];
    if (!previous) continue;
    const end = previous.seeds.from + previous.seeds.count;
    if (b.seeds.from < end || (!partial && b.seeds.from !== end))
      throw new Error(
        `cannot merge seeds from ${b.seeds.from} after seeds ${previous.seeds.from} to ${end - 1}: ranges must be disjoint and, when complete, contiguous`,
      );
  }
  const effects = findScenario(first.scenario).effects.map((e) => e.name);
  const strategies = first.strategies.map((s) => {
    const tally = new StrategyTally(s.strategy, s.invariants, effects);
    for (const b of sorted) {
      const summary = b.strategies.find((x) => x.strategy === s.strategy);
      if (summary) tally.absorb(summary);
    }
    return tally.summary();
  });
  return {
    scenario: first.scenario,
    knobs: first.knobs,
    faults: first.faults,
    seeds: { from: first.seeds.from, count: sorted.reduce((n, b) => n + b.seeds.count, 0) },
    strategies,
    ...(partial ? { partial: true as const } : {}),
  };
}
