// The engine's Web Worker: boots sql.js with the bundled wasm and serves createEngine over Comlink.
/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import type { SqlJsStatic } from 'sql.js';
import { runBenchmark, type BenchSummary } from '../bench/benchmark.ts';
import type { BenchRow } from '../bench/format.ts';
import type { Snapshot, SnapshotOptions } from '../engine/index.ts';
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

const api = {
  async scenarios(): Promise<ScenarioInfo[]> {
    return (await engine()).scenarios();
  },
  async run(options: RunOptions): Promise<RunResult> {
    return (await engine()).run(options);
  },
  /** The inspector: one strategy's tables and file right after trace event `seq`; the file is handed over. */
  async snapshot(options: SnapshotOptions): Promise<Snapshot> {
    const snapshot = (await engine()).snapshot(options);
    return Comlink.transfer(snapshot, [snapshot.bytes.buffer]);
  },
  /** The benchmark of src/bench, timed with this worker's clock (npm run bench:browser). */
  async benchmark(sizes?: number[]): Promise<{ rows: BenchRow[]; summary: BenchSummary }> {
    const { SQL } = await load();
    return runBenchmark(SQL, () => performance.now(), sizes);
  },
};

export type EngineApi = typeof api;

// Synchronously, before anything else: a call that arrives before expose() never answers (Comlink #665).
Comlink.expose(api);

// Start fetching the wasm now rather than on the first call; that call reports any failure.
load().catch(() => undefined);
