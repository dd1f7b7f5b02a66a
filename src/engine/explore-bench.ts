// The explorer's throughput for `npm run bench`: schedules per second exploring payment-lost-response with 2 faults.

import type { SqlJsStatic } from 'sql.js';
import { runExplore } from './explore.ts';
import { schemaImage } from './run-strategy.ts';

export interface ExploreBench {
  readonly scenario: string;
  readonly maxFaults: number;
  readonly schedules: number;
  readonly complete: boolean;
  readonly ms: number;
  readonly schedulesPerSec: number;
}

/** Explores the target case (one payment, naive and the key store, ≤ 2 faults); the caller brings the clock. */
export async function benchExplore(SQL: SqlJsStatic, now: () => number): Promise<ExploreBench> {
  const image = schemaImage(SQL);
  const options = {
    scenario: 'payment-lost-response',
    strategies: ['naive', 'idempotency-key'],
    maxFaults: 2,
  };
  // One warm-up pass, so the figure is the steady state rather than the first compile.
  await runExplore(SQL, image, options);
  const start = now();
  const result = await runExplore(SQL, image, options);
  const ms = now() - start;
  const schedules = result.strategies.reduce((sum, s) => sum + s.schedules, 0);
  return {
    scenario: result.scenario,
    maxFaults: result.maxFaults,
    schedules,
    complete: result.complete,
    ms: Math.round(ms),
    schedulesPerSec: Math.round((schedules * 1000) / Math.max(ms, 1)),
  };
}
