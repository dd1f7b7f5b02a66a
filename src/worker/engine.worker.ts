// The playground's Web Worker: serves createEngine and the inspector's snapshots over Comlink.
/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import {
  createEngine,
  type Engine,
  type RunOptions,
  type ScenarioInfo,
  type Snapshot,
  type SnapshotOptions,
} from '../engine/index.ts';
import { packResult, type PackedResult } from './packed.ts';
import { loadSql } from './sql.ts';

let ready: Promise<Engine> | undefined;

function engine(): Promise<Engine> {
  ready ??= loadSql().then(createEngine);
  return ready;
}

const api = {
  async scenarios(): Promise<ScenarioInfo[]> {
    return (await engine()).scenarios();
  },
  /** A run for the page, in its compact form (see packed.ts); RunResult itself is the engine's contract. */
  async run(options: RunOptions): Promise<PackedResult> {
    return packResult((await engine()).run(options));
  },
  /** The inspector: one strategy's tables and file right after trace event `seq`; the file is handed over. */
  async snapshot(options: SnapshotOptions): Promise<Snapshot> {
    const snapshot = (await engine()).snapshot(options);
    return Comlink.transfer(snapshot, [snapshot.bytes.buffer]);
  },
};

export type EngineApi = typeof api;

// Synchronously, before anything else: a call that arrives before expose() never answers (Comlink #665).
Comlink.expose(api);

// Start fetching the wasm now rather than on the first call; that call reports any failure.
engine().catch(() => undefined);
