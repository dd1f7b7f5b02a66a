// A strategy's counts over many runs: verdicts, failing seeds and effect histograms; adds runs and merges summaries.

import type { EffectSummary, InvariantResult, StrategySummary } from './types.ts';

/** How many failing seeds a summary lists per invariant: the first ones, ascending. */
export const FAILING_SEEDS_SHOWN = 20;

interface InvariantCount {
  readonly id: string;
  readonly title: string;
  broken: number;
  seeds: number[];
}

/**
 * Counts for one strategy. Effects are kept as histograms (value → runs) with a run that lacks
 * an effect counted at 0, so that the mean is an exact integer sum over runs whatever the order
 * or split: one worker and eight give the same figures.
 */
export class StrategyTally {
  runs = 0;
  violated = 0;
  private readonly invariants: InvariantCount[];
  private readonly histograms = new Map<string, Map<number, number>>();
  readonly strategy: string;
  /** The story's effects: listed first, in this order, even when never counted. */
  private readonly storyEffects: readonly string[];

  constructor(
    strategy: string,
    /** The invariants `run` checks under these knobs, in its order. */
    invariants: readonly { readonly id: string; readonly title: string }[],
    storyEffects: readonly string[],
  ) {
    this.strategy = strategy;
    this.storyEffects = storyEffects;
    this.invariants = invariants.map(({ id, title }) => ({ id, title, broken: 0, seeds: [] }));
  }

  /** One run's verdicts and effect counts, as `run` reports them. */
  add(seed: number, invariants: readonly InvariantResult[], effects: Record<string, number>): void {
    const broken = invariants.filter((i) => !i.holds);
    this.count(
      1,
      broken.length > 0 ? 1 : 0,
      invariants.map(({ id, title, holds }) => ({
        id,
        title,
        broken: holds ? 0 : 1,
        seeds: holds ? [] : [seed],
      })),
      Object.entries(effects).map(([name, value]) => [name, [[value, 1]]]),
    );
  }

  /** Another tally's summary over other seeds of the same strategy, story and knobs. */
  absorb(summary: StrategySummary): void {
    if (summary.strategy !== this.strategy)
      throw new Error(`cannot merge strategy "${summary.strategy}" into "${this.strategy}"`);
    this.count(
      summary.runs,
      summary.violated,
      summary.invariants,
      Object.entries(summary.effects).map(([name, e]) => [name, e.histogram]),
    );
  }

  private count(
    runs: number,
    violated: number,
    invariants: readonly InvariantCount[],
    effects: readonly [string, readonly (readonly [number, number])[]][],
  ): void {
    if (invariants.length !== this.invariants.length)
      throw new Error(
        `${this.strategy}: runs checked [${invariants.map((i) => i.id).join(', ')}], this tally counts [${this.invariants.map((i) => i.id).join(', ')}]`,
      );
    for (const given of invariants) {
      const mine = this.invariants.find((i) => i.id === given.id);
      if (!mine) throw new Error(`${this.strategy}: invariant "${given.id}" is not checked here`);
      mine.broken += given.broken;
      // Bounded: at most twice FAILING_SEEDS_SHOWN before the cut.
      if (given.seeds.length > 0)
        mine.seeds = [...mine.seeds, ...given.seeds.slice(0, FAILING_SEEDS_SHOWN)]
          .sort((a, b) => a - b)
          .slice(0, FAILING_SEEDS_SHOWN);
    }
    for (const [name, histogram] of effects) {
      let mine = this.histograms.get(name);
      if (!mine) {
        // Runs counted before this effect first showed up had none of it.
        mine = new Map(this.runs > 0 ? [[0, this.runs]] : []);
        this.histograms.set(name, mine);
      }
      for (const [value, n] of histogram) mine.set(value, (mine.get(value) ?? 0) + n);
    }
    // Effects these runs lacked and earlier ones had: these runs had none of them.
    const named = new Set(effects.map(([name]) => name));
    for (const [name, mine] of this.histograms)
      if (!named.has(name)) mine.set(0, (mine.get(0) ?? 0) + runs);
    this.runs += runs;
    this.violated += violated;
  }

  summary(): StrategySummary {
    const rest = [...this.histograms.keys()].filter((n) => !this.storyEffects.includes(n)).sort();
    const effects: Record<string, EffectSummary> = {};
    for (const name of [...this.storyEffects, ...rest]) {
      const counted = this.histograms.get(name) ?? new Map([[0, this.runs]]);
      effects[name] = effectSummary(counted, this.runs);
    }
    return {
      strategy: this.strategy,
      runs: this.runs,
      violated: this.violated,
      invariants: this.invariants.map((i) => ({ ...i, seeds: [...i.seeds] })),
      effects,
    };
  }
}

function effectSummary(counted: ReadonlyMap<number, number>, runs: number): EffectSummary {
  const histogram = [...counted]
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a - b)
    .map(([value, n]): [number, number] => [value, n]);
  if (histogram.length === 0 || runs === 0) return { mean: 0, min: 0, max: 0, histogram };
  // Effect counts are small integers: the sum is exact, so the mean does not depend on order.
  const sum = histogram.reduce((total, [value, n]) => total + value * n, 0);
  return {
    mean: sum / runs,
    min: histogram[0]?.[0] ?? 0,
    max: histogram[histogram.length - 1]?.[0] ?? 0,
    histogram,
  };
}
