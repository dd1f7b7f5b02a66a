// Batch throughput: strategy-runs per second for each story's default strategies, traces off. The
// caller passes the clock (Node's or a worker's), so the engine stays free of wall time.

import type { SqlJsStatic } from 'sql.js';
import { SCENARIOS } from '../scenarios/index.ts';
import { runBatch } from './batch.ts';
import { ReusedDbs } from './reused-db.ts';
import { schemaImage } from './run-strategy.ts';

export interface BatchBenchRow {
  readonly scenario: string;
  readonly strategies: number;
  readonly runs: number;
  readonly ms: number;
  readonly runsPerSec: number;
}

/** Seeds per story: a few hundred strategy-runs each, a few seconds in all on a small machine. */
export const BATCH_BENCH_SEEDS = 100;

/**
 * One timed batch per story after untimed warm-up batches of every story: warmed one story at a
 * time, the first stories measured the JIT compiling the shared engine (the first came out at
 * half the rate of the same story measured later), not their own cost.
 */
export async function benchBatches(
  SQL: SqlJsStatic,
  now: () => number,
  seeds: number = BATCH_BENCH_SEEDS,
): Promise<BatchBenchRow[]> {
  // The databases an engine keeps (one per strategy): the warm-up opens them, as an engine's
  // first calls do, so the figures are a warm engine's.
  const dbs = new ReusedDbs(SQL, schemaImage(SQL));
  try {
    const rows: BatchBenchRow[] = [];
    for (const scenario of SCENARIOS.values())
      await runBatch(dbs, { scenario: scenario.id, seeds: { from: 0, count: 5 } });
    for (const scenario of SCENARIOS.values()) {
      const started = now();
      const result = await runBatch(dbs, {
        scenario: scenario.id,
        seeds: { from: 0, count: seeds },
      });
      const ms = now() - started;
      const runs = result.strategies.reduce((n, s) => n + s.runs, 0);
      rows.push({
        scenario: scenario.id,
        strategies: result.strategies.length,
        runs,
        ms: Math.round(ms),
        runsPerSec: Math.round((runs * 1000) / ms),
      });
    }
    return rows;
  } finally {
    dbs.close();
  }
}

export function formatBatchTable(rows: readonly BatchBenchRow[]): string {
  const header = ['story', 'strategies', 'strategy-runs', 'ms', 'runs/s'];
  const body = rows.map((r) => [r.scenario, r.strategies, r.runs, r.ms, r.runsPerSec].map(String));
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

/** The JSON line's field: strategy-runs per second by story. */
export function batchRunsPerSec(rows: readonly BatchBenchRow[]): Record<string, number> {
  return Object.fromEntries(rows.map((r) => [r.scenario, r.runsPerSec]));
}
