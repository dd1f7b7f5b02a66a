// The playground's Web Worker: serves createEngine and the inspector's snapshots over Comlink.
/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import type { SqlJsStatic } from 'sql.js';
import type { SnapshotOptions } from '../engine/index.ts';
import { Inspection, type QueryAnswer, type SnapshotView } from './query.ts';
import { loadSql } from './sql.ts';
import {
  createEngine,
  type Engine,
  type RunOptions,
  type RunResult,
  type ScenarioInfo,
} from '../engine/index.ts';

let ready: Promise<{ SQL: SqlJsStatic; engine: Engine }> | undefined;

function load(): Promise<{ SQL: SqlJsStatic; engine: Engine }> {
  ready ??= loadSql().then((SQL) => ({
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
};

export type EngineApi = typeof api;

// Synchronously, before anything else: a call that arrives before expose() never answers (Comlink #665).
Comlink.expose(api);

// Start fetching the wasm now rather than on the first call; that call reports any failure.
load().catch(() => undefined);
