// The benchmark page's own worker: runs the engine's benchmark with this worker's clock.
/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { runBenchmark, type BenchRow, type BenchSummary } from '../engine/benchmark.ts';
import { benchBatches, type BatchBenchRow } from '../engine/batch-bench.ts';
import { loadSql } from './sql.ts';

const api = {
  /** The benchmark of src/engine/benchmark.ts, timed here (npm run bench:browser). */
  async benchmark(sizes?: number[]): Promise<{ rows: BenchRow[]; summary: BenchSummary }> {
    return runBenchmark(await loadSql(), () => performance.now(), sizes);
  },
  /** Batch throughput of every story in this one worker (src/engine/batch-bench.ts). */
  async batchBenchmark(): Promise<BatchBenchRow[]> {
    return benchBatches(await loadSql(), () => performance.now());
  },
};

export type BenchApi = typeof api;

// Synchronously, before anything else: a call that arrives before expose() never answers (Comlink #665).
Comlink.expose(api);
