// createEngine(SQL): the public, DOM-free API. Runs a story for several strategies on the same
// seed (so the same fault schedule), in Node and in the worker alike.

import type { SqlJsStatic } from 'sql.js';
import { SCENARIOS } from '../scenarios/index.ts';
import type { Scenario } from '../scenarios/types.ts';
import { STRATEGIES } from '../server/strategies/index.ts';
import { runBatch } from './batch.ts';
import { EXPOSED_IN } from './exposed-in.ts';
import { assertFits, runExplore } from './explore.ts';
import { traceHash } from './hash.ts';
import { ReusedDbs } from './reused-db.ts';
import { schemaImage } from './run-strategy.ts';
import { takeSnapshot } from './snapshot.ts';
import { runSweep } from './sweep.ts';
import { scheduleFor, tracedJob } from './schedule.ts';
import type {
  BatchHooks,
  BatchOptions,
  BatchResult,
  ExploreOptions,
  ExploreResult,
  RunOptions,
  RunResult,
  ScenarioInfo,
  Snapshot,
  SnapshotOptions,
  StrategyRun,
  SweepOptions,
  SweepResult,
} from './types.ts';
import { validateRun } from './validate.ts';

export type * from './types.ts';
// Pure helpers for hosts of batches: split seeds over workers and merge; rates with intervals.
export { mergeBatches, partitionSeeds } from './partition.ts';
export { wilson, type Interval } from './stats.ts';
export { MAX_BATCH_SEEDS } from './batch.ts';
export { MAX_SWEEP_VALUES } from './sweep.ts';
export { MAX_EXPLORE_FAULTS, MAX_EXPLORE_SCHEDULES, DEFAULT_EXPLORE_SCHEDULES } from './explore.ts';
export { formatSchedule, parseSchedule, type Decision, type Schedule } from './schedule.ts';
export { describeSchedule } from './schedule-words.ts';
export { limitApplies } from '../scenarios/knobs.ts';
// Exports of a counterexample: pure text a page offers for download.
export { exportSteps } from './export/steps.ts';
export { exportHttp, type HttpExportHeader } from './export/http.ts';
export { exportVitest, type VitestExport } from './export/vitest.ts';

export interface Engine {
  scenarios(): ScenarioInfo[];
  run(options: RunOptions): RunResult;
  /** One strategy's server database right after trace event `seq`: the inspector's view. */
  snapshot(options: SnapshotOptions): Snapshot;
  /** `run` over seeds `from` … `from + count - 1`, traces off, counted per strategy; async so progress and cancel get through. */
  batch(options: BatchOptions, hooks?: BatchHooks): Promise<BatchResult>;
  /** One batch per value of one knob. */
  sweep(options: SweepOptions, hooks?: BatchHooks): Promise<SweepResult>;
  /** Every schedule with at most `maxFaults` faults, per strategy, fewest faults first; progress and cancel as for batches. */
  explore(options: ExploreOptions, hooks?: BatchHooks): Promise<ExploreResult>;
}

function describe(scenario: Scenario): ScenarioInfo {
  return {
    id: scenario.id,
    title: scenario.title,
    summary: scenario.summary,
    storySeed: scenario.storySeed,
    prose: scenario.prose,
    demonstrates: scenario.demonstrates,
    limits: scenario.limits ?? [],
    strategies: scenario.strategies.map((id) => {
      const s = STRATEGIES.get(id);
      if (!s) throw new Error(`scenario "${scenario.id}" names unknown strategy "${id}"`);
      return {
        id: s.id,
        title: s.title,
        correct: s.correct,
        summary: s.summary,
        exposedBy: s.exposedBy,
        exposedIn: EXPOSED_IN[s.id] ?? { scenario: scenario.id },
      };
    }),
    defaultStrategies: [...scenario.defaultStrategies],
    knobs: scenario.knobs,
    effects: scenario.effects,
    invariants: scenario.invariants.map(({ id, title, sql }) => ({ id, title, sql })),
  };
}

/** The stories, described: no database is needed, so a page can list them while sql.js loads. */
export function scenarioInfos(): ScenarioInfo[] {
  return [...SCENARIOS.values()].map(describe);
}

export function createEngine(SQL: SqlJsStatic): Engine {
  const image = schemaImage(SQL);
  // One database per strategy for the engine's life, rolled back between runs (reused-db.ts):
  // run, batch, sweep and explore all use it; a snapshot, which exports its file, opens its own.
  const dbs = new ReusedDbs(SQL, image);
  return {
    scenarios: scenarioInfos,
    run(options) {
      const { scenario, seed, faults, strategies, knobs } = validateRun(options);
      const schedule = scheduleFor(options.schedule, faults);
      const runs = strategies.map((strategy): StrategyRun => {
        const job = tracedJob({ scenario, seed, faults, knobs }, strategy, schedule);
        // Everything is read out of the database before the next run rolls it back.
        const { outcome, invariants, tables: read } = dbs.run(job);
        if (job.explore) assertFits(job.explore.choices, job);
        const tables = read();
        // The story's effects first, in its order, zeros included; anything else after, by name.
        const counted = outcome.simulation.effects;
        const names = [...scenario.effects.map((e) => e.name), ...Object.keys(counted).sort()];
        const effects = Object.fromEntries(names.map((name) => [name, counted[name] ?? 0]));
        return {
          strategy,
          trace: outcome.trace.events,
          invariants,
          effects,
          tables,
          operations: outcome.simulation.operations,
          jobRuns: outcome.simulation.jobRuns,
          traceHash: traceHash(outcome.trace.events),
        };
      });
      return { scenario: scenario.id, seed, faults, knobs, runs };
    },
    snapshot: (options) => takeSnapshot(SQL, image, options),
    batch: (options, hooks) => runBatch(dbs, options, hooks),
    sweep: (options, hooks) => runSweep(dbs, options, hooks),
    explore: (options, hooks) => runExplore(dbs, options, hooks),
  };
}
