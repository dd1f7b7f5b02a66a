// The explorer's throughput for `npm run bench`: schedules per second exploring payment-lost-response with 2 faults.

import type { SqlJsStatic } from 'sql.js';
import { runExplore } from './explore.ts';
import { ReusedDbs } from './reused-db.ts';
import { schemaImage } from './run-strategy.ts';
import type { ExploreResult } from './types.ts';

export interface ExploreBench {
  readonly scenario: string;
  readonly maxFaults: number;
  /** Schedules one exploration runs (both strategies). */
  readonly schedules: number;
  readonly complete: boolean;
  /** Untimed explorations first: they open the databases and let the JIT compile the hot paths. */
  readonly warmups: number;
  /** Explorations timed: one is a few dozen schedules, too short to time alone. */
  readonly passes: number;
  /** Wall time of the timed passes. */
  readonly ms: number;
  readonly schedulesPerSec: number;
  /** CPU time of the timed passes, when the caller brings a CPU clock (not in a browser). */
  readonly cpuMs?: number;
  readonly schedulesPerCpuSec?: number;
}

export interface ExploreBenchOptions {
  readonly passes?: number;
  readonly warmups?: number;
  /**
   * The process's CPU time in ms (Node: process.cpuUsage(), every thread of the process, the
   * garbage collector's included). On a machine other work shares, wall time counts the waits
   * for a core; CPU time counts the work.
   */
  readonly cpu?: () => number;
}

/**
 * Timed explorations: 50 of 35 schedules take about 1.3 s on an idle core, long enough that a
 * clock's tick or one stray pause is lost in it.
 */
export const EXPLORE_BENCH_PASSES = 50;
/** Untimed explorations before: one pass left the JIT's work in the timed ones (the first 35 schedules ran at half speed). */
export const EXPLORE_BENCH_WARMUPS = 10;

/** Explores the target case (one payment, naive and the key store, ≤ 2 faults); the caller brings the clocks. */
export async function benchExplore(
  SQL: SqlJsStatic,
  now: () => number,
  { passes = EXPLORE_BENCH_PASSES, warmups = EXPLORE_BENCH_WARMUPS, cpu }: ExploreBenchOptions = {},
): Promise<ExploreBench> {
  const options = {
    scenario: 'payment-lost-response',
    strategies: ['naive', 'idempotency-key'],
    maxFaults: 2,
  };
  // The databases an engine keeps, one per strategy. The first warm-up pass opens them, as an
  // engine's first call does: the figure is a warm engine's steady state.
  const dbs = new ReusedDbs(SQL, schemaImage(SQL));
  let result: ExploreResult | undefined;
  let ms: number;
  let cpuMs: number | undefined;
  try {
    for (let pass = 0; pass < warmups; pass++) await runExplore(dbs, options);
    const start = now();
    const cpuStart = cpu?.();
    for (let pass = 0; pass < passes; pass++) result = await runExplore(dbs, options);
    ms = now() - start;
    if (cpu && cpuStart !== undefined) cpuMs = cpu() - cpuStart;
  } finally {
    dbs.close();
  }
  if (!result) throw new Error('benchExplore: passes must be at least 1');
  const schedules = result.strategies.reduce((sum, s) => sum + s.schedules, 0);
  const perSec = (spent: number) => Math.round((schedules * passes * 1000) / Math.max(spent, 1));
  return {
    scenario: result.scenario,
    maxFaults: result.maxFaults,
    schedules,
    complete: result.complete,
    warmups,
    passes,
    ms: Math.round(ms),
    schedulesPerSec: perSec(ms),
    ...(cpuMs === undefined ? {} : { cpuMs: Math.round(cpuMs), schedulesPerCpuSec: perSec(cpuMs) }),
  };
}
