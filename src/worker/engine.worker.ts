// The engine's Web Worker: boots sql.js with the bundled wasm and serves createEngine over Comlink.
/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import type { SqlJsStatic } from 'sql.js';
import { runBenchmark, type BenchSummary } from '../bench/benchmark.ts';
import type { BenchRow } from '../bench/format.ts';
import { benchBatches, type BatchBenchRow } from '../engine/batch-bench.ts';
import type { SnapshotOptions } from '../engine/index.ts';
import { Inspection, type QueryAnswer, type SnapshotView } from './query.ts';
import {
  createEngine,
  type Engine,
  type RunOptions,
  type RunResult,
  type ScenarioInfo,
} from '../engine/index.ts';

let ready: Promise<{ SQL: SqlJsStatic; engine: Engine }> | undefined;

// Loaded once. A failed load is not retried here: sql.js keeps its first initSqlJs() promise,
// rejected or not, so only a new worker (a page reload) can try again.
function load(): Promise<{ SQL: SqlJsStatic; engine: Engine }> {
  ready ??= initSqlJs({ locateFile: () => wasmUrl }).then((SQL) => ({
    SQL,
    engine: createEngine(SQL),
  }));
  return ready;
}

async function engine(): Promise<Engine> {
  return (await load()).engine;
}

let inspection: Inspection | undefined;

async function inspect(): Promise<Inspection> {
  const { SQL } = await load();
  inspection ??= new Inspection(SQL);
  return inspection;
}

const api = {
  async scenarios(): Promise<ScenarioInfo[]> {
    return (await engine()).scenarios();
  },
  async run(options: RunOptions): Promise<RunResult> {
    return (await engine()).run(options);
  },
  /** The inspector: one strategy's tables right after trace event `seq`; its file stays here. */
  async snapshot(options: SnapshotOptions): Promise<SnapshotView> {
    const inspection = await inspect();
    try {
      return inspection.open((await engine()).snapshot(options));
    } catch (error) {
      inspection.close();
      throw error;
    }
  },
  /** Read-only SQL against the latest snapshot; errors come back as values, never thrown. */
  async query(sql: string): Promise<QueryAnswer> {
    return (await inspect()).query(sql);
  },
  /** The latest snapshot as a .sqlite file, handed over (transferred, not copied). */
  async download(): Promise<Uint8Array> {
    const bytes = (await inspect()).download();
    return Comlink.transfer(bytes, [bytes.buffer]);
  },
  /** The benchmark of src/bench, timed with this worker's clock (npm run bench:browser). */
  async benchmark(sizes?: number[]): Promise<{ rows: BenchRow[]; summary: BenchSummary }> {
    const { SQL } = await load();
    return runBenchmark(SQL, () => performance.now(), sizes);
  },
  /** Batch throughput of every story in this one worker (src/engine/batch-bench.ts). */
  async batchBenchmark(): Promise<BatchBenchRow[]> {
    const { SQL } = await load();
    return benchBatches(SQL, () => performance.now());
  },
};

export type EngineApi = typeof api;

// Synchronously, before anything else: a call that arrives before expose() never answers (Comlink #665).
Comlink.expose(api);

// Start fetching the wasm now rather than on the first call; that call reports any failure.
load().catch(() => undefined);
