// The playground's Web Worker: serves createEngine's runs shaped for the page, and the inspector's snapshots, over Comlink.
/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import {
  createEngine,
  scenarioInfos,
  type Engine,
  type RunOptions,
  type ScenarioInfo,
  type Snapshot,
  type SnapshotOptions,
} from '../engine/index.ts';
import type { PackedResult } from './packed.ts';
import { RunShaper } from './shape.ts';
import { loadSql } from './sql.ts';

let ready: Promise<Engine> | undefined;

/** The engine, once sql.js has loaded; a load that failed says so in words the page shows. */
function engine(): Promise<Engine> {
  ready ??= loadSql().then(createEngine, (error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`The engine could not start: ${reason}. Reload the page to try again`);
  });
  return ready;
}

const shaper = new RunShaper();
/** The stories, described once: each run is shaped with its story's words. */
let infos: ScenarioInfo[] | undefined;

/** The buffers of a shaped result's typed arrays: handed over, not copied. */
function buffers(result: PackedResult): ArrayBuffer[] {
  const arrays = [
    result.ticks,
    ...result.runs.flatMap((run) => [run.times, ...run.effects.values()]),
  ];
  return arrays.map((array) => array.buffer as ArrayBuffer);
}

const api = {
  /** Answered without waiting for sql.js: the page draws the stories while the wasm loads. */
  scenarios(): ScenarioInfo[] {
    infos ??= scenarioInfos();
    return infos;
  },
  /**
   * A run for the page, shaped here (layout, indexes, divergence, chains) into its compact form
   * (see packed.ts), so no pass over a long run happens on the page's thread; RunResult itself
   * is the engine's contract.
   */
  async run(options: RunOptions): Promise<PackedResult> {
    const ready = await engine();
    const result = ready.run(options);
    infos ??= scenarioInfos();
    const info = infos.find((s) => s.id === result.scenario);
    if (!info) throw new Error(`Unknown story ${result.scenario}.`);
    const shaped = shaper.shape(info, result);
    return Comlink.transfer(shaped, buffers(shaped));
  },
  /** The narration of one column at virtual time `at`, for a moment past the drawn rows; null once a newer run replaced it. */
  narrationAt(handle: number, column: number, at: number): string[] | null {
    return shaper.narrationAt(handle, column, at);
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
