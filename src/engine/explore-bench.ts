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
  /** Explorations timed: one is a few dozen schedules, too short to time alone. */
  readonly passes: number;
  readonly ms: number;
  readonly schedulesPerSec: number;
}

/** Timed explorations after the warm-up: one takes tens of ms, about a clock's noise on a busy machine. */
export const EXPLORE_BENCH_PASSES = 20;

/** Explores the target case (one payment, naive and the key store, ≤ 2 faults); the caller brings the clock. */
export async function benchExplore(
  SQL: SqlJsStatic,
  now: () => number,
  passes: number = EXPLORE_BENCH_PASSES,
): Promise<ExploreBench> {
  const options = {
    scenario: 'payment-lost-response',
    strategies: ['naive', 'idempotency-key'],
    maxFaults: 2,
  };
  // The databases an engine keeps, one per strategy. The warm-up pass opens them, as an engine's
  // first call does, and compiles the code: the figure is a warm engine's steady state.
  const dbs = new ReusedDbs(SQL, schemaImage(SQL));
  let result: ExploreResult;
  let ms: number;
  try {
    result = await runExplore(dbs, options);
    const start = now();
    for (let pass = 0; pass < passes; pass++) result = await runExplore(dbs, options);
    ms = now() - start;
  } finally {
    dbs.close();
  }
  const schedules = result.strategies.reduce((sum, s) => sum + s.schedules, 0);
  return {
    scenario: result.scenario,
    maxFaults: result.maxFaults,
    schedules,
    complete: result.complete,
    passes,
    ms: Math.round(ms),
    schedulesPerSec: Math.round((schedules * passes * 1000) / Math.max(ms, 1)),
  };
}
