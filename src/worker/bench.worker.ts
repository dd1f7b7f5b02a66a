// The benchmark page's own worker: the engine's benchmarks with this worker's clock, batches, and trace hashes for npm run determinism.
/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { runBenchmark, type BenchRow, type BenchSummary } from '../engine/benchmark.ts';
import { benchBatches, type BatchBenchRow } from '../engine/batch-bench.ts';
import { benchExplore, type ExploreBench } from '../engine/explore-bench.ts';
import { createEngine, type BatchOptions, type BatchResult, type Engine } from '../engine/index.ts';
import { loadSql } from './sql.ts';

/** The most seeds one traceHashes call runs: a call stays seconds long, its answer small. */
const HASH_SEEDS = 1000;

let ready: Promise<Engine> | undefined;

function engine(): Promise<Engine> {
  ready ??= loadSql().then(createEngine);
  return ready;
}

const api = {
  /** The benchmark of src/engine/benchmark.ts, timed here (npm run bench:browser). */
  async benchmark(sizes?: number[]): Promise<{ rows: BenchRow[]; summary: BenchSummary }> {
    return runBenchmark(await loadSql(), () => performance.now(), sizes);
  },
  /** Batch throughput of every story in this one worker (src/engine/batch-bench.ts). */
  async batchBenchmark(): Promise<BatchBenchRow[]> {
    return benchBatches(await loadSql(), () => performance.now());
  },
  /** The explorer's schedules per second (src/engine/explore-bench.ts). */
  async exploreBenchmark(): Promise<ExploreBench> {
    return benchExplore(await loadSql(), () => performance.now());
  },
  /** engine.batch on this worker's share of the seeds; the page times the workers and merges. */
  async batch(options: BatchOptions): Promise<BatchResult> {
    return (await engine()).batch(options);
  },
  /**
   * Each seed's trace hash per strategy, as `run` computes them (npm run determinism): only the
   * hashes cross postMessage, not the traces and tables. At most HASH_SEEDS seeds a call.
   */
  async traceHashes({ seeds, ...options }: BatchOptions): Promise<string[][]> {
    if (!(seeds.count >= 1 && seeds.count <= HASH_SEEDS))
      throw new Error(`traceHashes runs 1 to ${HASH_SEEDS} seeds a call, not ${seeds.count}`);
    const e = await engine();
    return Array.from({ length: seeds.count }, (_, i) =>
      e.run({ ...options, seed: seeds.from + i }).runs.map((r) => r.traceHash),
    );
  },
};

export type BenchApi = typeof api;

// Synchronously, before anything else: a call that arrives before expose() never answers (Comlink #665).
Comlink.expose(api);
