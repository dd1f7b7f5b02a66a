// engine.explore: every schedule with at most maxFaults faults (and every ordering of events due together), fewest faults first.

import { limitApplies } from '../scenarios/knobs.ts';
import { STRATEGIES } from '../server/strategies/index.ts';
import { Pacer } from './pacer.ts';
import type { ReusedDbs } from './reused-db.ts';
import type { StrategyJob } from './run-strategy.ts';
import {
  ForcingChoices,
  exploreWorld,
  formatSchedule,
  type ChoicePoint,
  type Decision,
  type Schedule,
} from './schedule.ts';
import { describeSchedule } from './schedule-words.ts';
import type {
  BatchHooks,
  Counterexample,
  ExploreOptions,
  ExploreResult,
  InvariantResult,
  StrategyExploration,
} from './types.ts';
import { validateRun, type ValidRun } from './validate.ts';

/** The most faults one schedule may hold: past 3 the count of schedules grows beyond a page's patience. */
export const MAX_EXPLORE_FAULTS = 3;
/** Schedules one strategy's exploration runs when the caller does not say. */
export const DEFAULT_EXPLORE_SCHEDULES = 10_000;
/** The most schedules one strategy's exploration may run: bounds the work one call can ask for. */
export const MAX_EXPLORE_SCHEDULES = 100_000;

const EXPLORE_OPTIONS = ['scenario', 'strategies', 'knobs', 'seed', 'maxFaults', 'maxSchedules'];

interface ValidExplore extends ValidRun {
  readonly maxFaults: number;
  readonly maxSchedules: number;
}

function boundedInt(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new Error(
      `${name} ${JSON.stringify(value)} is not allowed; it is an integer from ${min} to ${max}`,
    );
  return value;
}

export function validateExplore(options: ExploreOptions): ValidExplore {
  if (typeof options !== 'object' || options === null)
    throw new Error(
      'explore() takes an options object: { scenario, maxFaults, strategies?, knobs?, seed?, maxSchedules? }',
    );
  for (const name of Object.keys(options)) {
    if (!EXPLORE_OPTIONS.includes(name))
      throw new Error(`Unknown explore option "${name}". Options: ${EXPLORE_OPTIONS.join(', ')}`);
  }
  const { scenario, strategies, knobs, seed } = options;
  const run = validateRun({
    scenario,
    ...(strategies === undefined ? {} : { strategies }),
    ...(knobs === undefined ? {} : { knobs }),
    ...(seed === undefined ? {} : { seed }),
  });
  return {
    ...run,
    maxFaults: boundedInt('maxFaults', options.maxFaults, 0, MAX_EXPLORE_FAULTS),
    maxSchedules: boundedInt(
      'maxSchedules',
      options.maxSchedules ?? DEFAULT_EXPLORE_SCHEDULES,
      1,
      MAX_EXPLORE_SCHEDULES,
    ),
  };
}

/** What one schedule's run showed: the invariants, and the choice points it met, in order. */
export interface ScheduleRun {
  readonly invariants: InvariantResult[];
  readonly points: readonly ChoicePoint[];
}

/**
 * Runs one strategy under one schedule (traces off) on the engine's database for that strategy,
 * rolled back between runs, as a batch runs a seed (reused-db.ts): a fresh database per schedule
 * (the image deserialised, every statement and the facts schemas prepared again) cost half of a
 * schedule's time. A schedule that names a choice
 * the run never reached does not fit: an Error that says which.
 */
export function runSchedule(dbs: ReusedDbs, job: StrategyJob, schedule: Schedule): ScheduleRun {
  const choices = new ForcingChoices(job.seed, schedule);
  const forced = { ...job, explore: { choices, world: exploreWorld } };
  const { invariants } = dbs.run(forced);
  assertFits(choices, job);
  return { invariants, points: choices.points };
}

/** Throws when a schedule forced a choice its run never asked. */
export function assertFits(choices: ForcingChoices, job: StrategyJob): void {
  const unused = choices.unused();
  if (unused.length > 0)
    throw new Error(
      `The schedule does not fit story "${job.scenario.id}" under strategy "${job.strategy}": the run never reached ${unused.map((l) => `"${l}"`).join(', ')}`,
    );
}

/** A schedule waiting to run: its decisions, its faults, and the index of its last decision's point. */
interface Node {
  readonly schedule: Schedule;
  readonly faults: number;
  readonly after: number;
}

/**
 * Explores one strategy, breadth-first by faults. Each run is the fault-free run with a forced
 * prefix of decisions; its later choice points are the children (a child decides only after its
 * parent's last decision, so each schedule is made once). Orderings keep the fault count, a
 * forced fault adds one, so every schedule with f faults runs before any with f + 1: the first
 * counterexample of each invariant is a minimal one.
 */
async function exploreStrategy(
  dbs: ReusedDbs,
  run: ValidExplore,
  strategy: string,
  pacer: Pacer,
): Promise<StrategyExploration> {
  const { scenario, seed, knobs, maxFaults, maxSchedules } = run;
  const job: StrategyJob = { scenario, strategy, seed, faults: true, knobs, trace: false };
  const correct = STRATEGIES.get(strategy)?.correct ?? false;
  const limits = (scenario.limits ?? []).filter(
    (l) => l.strategy === strategy && limitApplies(l, knobs),
  );
  const found = new Map<string, Counterexample>();
  let schedules = 0;
  let broken = 0;
  let complete = true;
  // A queue never holds more schedules than could still run: past that the bound cuts them.
  const enqueue = (queue: Node[], node: Node) => {
    if (queue.length < maxSchedules) queue.push(node);
    else complete = false;
  };
  let level: Node[] = [{ schedule: [], faults: 0, after: -1 }];
  let stopped = false;
  for (let faults = 0; faults <= maxFaults && level.length > 0 && !stopped; faults++) {
    const deeper: Node[] = [];
    // The level grows while it runs: orderings found on the way keep this many faults.
    for (let i = 0; i < level.length; i++) {
      if (schedules >= maxSchedules || pacer.cancelled) {
        complete = false;
        stopped = true;
        break;
      }
      const node = level[i] as Node;
      const { invariants, points } = runSchedule(dbs, job, node.schedule);
      schedules += 1;
      const failed = invariants.filter((inv) => !inv.holds);
      if (failed.length > 0) broken += 1;
      for (const inv of failed) {
        if (found.has(inv.id)) continue;
        const limit = correct && limits.some((l) => l.invariant === inv.id);
        found.set(inv.id, {
          invariant: inv.id,
          faults: node.faults,
          schedule: formatSchedule(node.schedule),
          summary: describeSchedule(node.schedule),
          detail: inv.detail,
          ...(limit ? { limit: true as const } : {}),
        });
      }
      for (let at = node.after + 1; at < points.length; at++) {
        const point = points[at] as ChoicePoint;
        const child = (value: Decision['value']): Node => ({
          schedule: [...node.schedule, { label: point.label, value }],
          faults: node.faults + (value === true ? 1 : 0),
          after: at,
        });
        if (point.kind === 'order') {
          for (let k = 1; k < point.width; k++) enqueue(level, child(k));
        } else if (faults < maxFaults) enqueue(deeper, child(true));
      }
      await pacer.seedDone(1);
    }
    level = deeper;
  }
  const counterexamples = [...found.values()];
  return {
    strategy,
    schedules,
    broken,
    holds: counterexamples.every((c) => c.limit === true),
    complete,
    counterexamples,
  };
}

export async function runExplore(
  dbs: ReusedDbs,
  options: ExploreOptions,
  hooks: BatchHooks = {},
): Promise<ExploreResult> {
  const run = validateExplore(options);
  const pacer = new Pacer(hooks, run.maxSchedules * run.strategies.length);
  const strategies: StrategyExploration[] = [];
  for (const strategy of run.strategies) {
    if (pacer.cancelled) break;
    strategies.push(await exploreStrategy(dbs, run, strategy, pacer));
  }
  pacer.finish();
  return {
    scenario: run.scenario.id,
    seed: run.seed,
    knobs: run.knobs,
    maxFaults: run.maxFaults,
    complete: strategies.length === run.strategies.length && strategies.every((s) => s.complete),
    strategies,
  };
}
