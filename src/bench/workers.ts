// Batch throughput over several bench workers: seeds partitioned, timed from the page, merged and held to one worker's result.
import * as Comlink from 'comlink';
import { mergeBatches, partitionSeeds, type BatchResult } from '../engine/index.ts';
import type { BenchApi } from '../worker/bench.worker.ts';

/** The story and strategies measured: payment-lost-response's defaults, faults on, traces off. */
export const WORKER_SCENARIO = 'payment-lost-response';
/** Seeds per timed batch: a few thousand strategy-runs, seconds on a loaded 2-core machine. */
export const WORKER_SEEDS = 2000;
/** Timed rounds; each worker count's figure is its median round, as the machine is shared. */
const ROUNDS = 3;
/** Seeds each worker runs untimed first, so the figures measure the JIT-warm engine, not its load. */
const WARM_SEEDS = 20;
/** At most this many workers, as the page spreads a batch (issue 11 item 4). */
const MAX_WORKERS = 8;

export interface WorkerRow {
  readonly workers: number;
  readonly seeds: number;
  readonly runs: number;
  /** The median round's wall time, from the first call to the merged result. */
  readonly ms: number;
  readonly runsPerSec: number;
  /** runsPerSec over one worker's. */
  readonly speedup: number;
  /** The merged result equals one worker's over the same seeds, field for field. */
  readonly sameAsOne: boolean;
}

export interface WorkerBench {
  readonly scenario: string;
  readonly hardwareConcurrency: number;
  /** The page's pool: hardwareConcurrency − 1, at least 1, at most 8. */
  readonly all: number;
  readonly rows: WorkerRow[];
}

/** The page's pool size for a machine with `cores` logical cores. */
export function poolSize(cores: number): number {
  return Math.min(MAX_WORKERS, Math.max(1, cores - 1));
}

/** A new bench worker and its Comlink proxy (the worker, to end it). */
export function startBenchWorker(): { api: Comlink.Remote<BenchApi>; worker: Worker } {
  const worker = new Worker(new URL('../worker/bench.worker.ts', import.meta.url), {
    type: 'module',
    name: 'twice-bench',
  });
  return { api: Comlink.wrap<BenchApi>(worker), worker };
}

/** One batch spread over `apis`, seeds partitioned in order; resolves with the merged result and its wall time. */
async function spread(
  apis: readonly Comlink.Remote<BenchApi>[],
  seeds: number,
): Promise<{ result: BatchResult; ms: number }> {
  const ranges = partitionSeeds({ from: 0, count: seeds }, apis.length);
  const started = performance.now();
  const parts = await Promise.all(
    ranges.map((range, i) => {
      // partitionSeeds never makes more ranges than parts asked.
      const api = apis[i];
      if (!api) throw new Error(`no worker for seeds from ${range.from}`);
      return api.batch({ scenario: WORKER_SCENARIO, seeds: range });
    }),
  );
  const result = mergeBatches(parts);
  return { result, ms: performance.now() - started };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Times the same batch in one worker, in two (the target is ≥ 1.6× one worker's) and in
 * the page's whole pool, in interleaved rounds so that a burst of load elsewhere hits them alike.
 */
export async function benchWorkers(seeds: number = WORKER_SEEDS): Promise<WorkerBench> {
  const cores = navigator.hardwareConcurrency || 1;
  const all = poolSize(cores);
  const counts = [...new Set([1, 2, all])].sort((a, b) => a - b);
  const pool = Array.from({ length: counts.at(-1) ?? 1 }, startBenchWorker);
  try {
    const apis = pool.map((p) => p.api);
    await Promise.all(
      apis.map((api) =>
        api.batch({ scenario: WORKER_SCENARIO, seeds: { from: 0, count: WARM_SEEDS } }),
      ),
    );
    const times = new Map<number, number[]>(counts.map((n) => [n, []]));
    const results = new Map<number, BatchResult>();
    for (let round = 0; round < ROUNDS; round++)
      for (const n of counts) {
        const { result, ms } = await spread(apis.slice(0, n), seeds);
        times.get(n)?.push(ms);
        results.set(n, result);
      }
    const one = JSON.stringify(results.get(1));
    const runsOf = (r: BatchResult | undefined) =>
      r?.strategies.reduce((sum, s) => sum + s.runs, 0) ?? 0;
    const rows = counts.map((n) => {
      const ms = median(times.get(n) ?? []);
      const runs = runsOf(results.get(n));
      return {
        workers: n,
        seeds,
        runs,
        ms: Math.round(ms),
        runsPerSec: Math.round((runs * 1000) / ms),
      };
    });
    const base = rows[0]?.runsPerSec ?? 1;
    return {
      scenario: WORKER_SCENARIO,
      hardwareConcurrency: cores,
      all,
      rows: rows.map((r) => ({
        ...r,
        speedup: Math.round((r.runsPerSec / base) * 100) / 100,
        sameAsOne: JSON.stringify(results.get(r.workers)) === one,
      })),
    };
  } finally {
    for (const p of pool) p.worker.terminate();
  }
}
