// engine.batch: one story over a range of seeds for several strategies, traces off, counted per strategy.

import type { KnobValues, Scenario } from '../scenarios/types.ts';
import { Pacer } from './pacer.ts';
import type { ReusedDbs } from './reused-db.ts';
import { StrategyTally } from './tally.ts';
import type { BatchHooks, BatchOptions, BatchResult, SeedRange, StrategySummary } from './types.ts';
import { MAX_SEED, validateRun, type ValidRun } from './validate.ts';

/** The most seeds one batch (or one sweep point) runs: bounds the work one call can ask for. */
export const MAX_BATCH_SEEDS = 100_000;

const BATCH_OPTIONS = ['scenario', 'faults', 'strategies', 'knobs', 'seeds'];

export interface ValidBatch extends Omit<ValidRun, 'seed'> {
  readonly seeds: SeedRange;
}

function validateSeeds(seeds: unknown): SeedRange {
  if (typeof seeds !== 'object' || seeds === null)
    throw new Error(
      `seeds is ${JSON.stringify(seeds)}; it must be { from, count }, e.g. { from: 0, count: 1000 }`,
    );
  const { from, count } = seeds as Record<string, unknown>;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0 || from > MAX_SEED)
    throw new Error(
      `seeds.from ${JSON.stringify(from)} is not allowed; it is an integer from 0 to ${MAX_SEED}`,
    );
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_BATCH_SEEDS)
    throw new Error(
      `seeds.count ${JSON.stringify(count)} is not allowed; a batch runs 1 to ${MAX_BATCH_SEEDS} seeds`,
    );
  if (from + count - 1 > MAX_SEED)
    throw new Error(
      `seeds ${from} to ${from + count - 1} go past the last seed, ${MAX_SEED}; start lower or run fewer`,
    );
  return { from, count };
}

/** Checks batch options as `run` checks its own; `extra` names options a caller (sweep) adds. */
export function validateBatch(options: BatchOptions, extra: readonly string[] = []): ValidBatch {
  if (typeof options !== 'object' || options === null)
    throw new Error(
      'batch() takes an options object: { scenario, seeds: { from, count }, faults?, strategies?, knobs? }',
    );
  const names = [...BATCH_OPTIONS, ...extra];
  for (const name of Object.keys(options)) {
    if (name === 'seed') throw new Error('A batch takes seeds: { from, count }, not one seed');
    if (!names.includes(name))
      throw new Error(`Unknown batch option "${name}". Options: ${names.join(', ')}`);
  }
  const { scenario, faults, strategies, knobs } = options;
  const run = validateRun({
    scenario,
    ...(faults === undefined ? {} : { faults }),
    ...(strategies === undefined ? {} : { strategies }),
    ...(knobs === undefined ? {} : { knobs }),
  });
  return {
    scenario: run.scenario,
    faults: run.faults,
    strategies: run.strategies,
    knobs: run.knobs,
    seeds: validateSeeds(options.seeds),
  };
}

/** What `checkInvariants` will check under these knobs, so a tally lists each even before a run. */
function checked(scenario: Scenario, knobs: KnobValues) {
  return scenario.invariants.filter((spec) => spec.appliesTo?.(knobs) ?? true);
}

/** The batch loop, seed by seed (every strategy of a seed before the next, so a cancel leaves whole seeds). */
export async function batchWith(
  dbs: ReusedDbs,
  batch: ValidBatch,
  pacer: Pacer,
): Promise<{ ran: number; strategies: StrategySummary[] }> {
  const { scenario, faults, knobs, seeds } = batch;
  const invariants = checked(scenario, knobs);
  const effects = scenario.effects.map((e) => e.name);
  const tallies = batch.strategies.map((s) => new StrategyTally(s, invariants, effects));
  let ran = 0;
  // The engine's database per strategy, rolled back between runs (see reused-db.ts). Each run is
  // read before the next await, so a batch running beside another on the same engine is safe.
  while (ran < seeds.count && !pacer.cancelled) {
    const seed = seeds.from + ran;
    for (const tally of tallies) {
      const job = { scenario, strategy: tally.strategy, seed, faults, knobs, trace: false };
      const { outcome, invariants } = dbs.run(job);
      tally.add(seed, invariants, outcome.simulation.effects);
    }
    ran += 1;
    await pacer.seedDone(tallies.length);
  }
  return { ran, strategies: tallies.map((t) => t.summary()) };
}

export async function runBatch(
  dbs: ReusedDbs,
  options: BatchOptions,
  hooks: BatchHooks = {},
): Promise<BatchResult> {
  const batch = validateBatch(options);
  const pacer = new Pacer(hooks, batch.seeds.count);
  const { ran, strategies } = await batchWith(dbs, batch, pacer);
  pacer.finish();
  return {
    scenario: batch.scenario.id,
    knobs: batch.knobs,
    faults: batch.faults,
    seeds: { from: batch.seeds.from, count: ran },
    strategies,
    ...(ran < batch.seeds.count ? { partial: true as const } : {}),
  };
}
