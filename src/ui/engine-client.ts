// The UI's only door to the engine: a module worker behind Comlink, with worker crashes turned into errors.
import * as Comlink from 'comlink';
import type { RunOptions, RunResult, ScenarioInfo } from '../engine/types.ts';
import type { EngineApi } from '../worker/engine.worker.ts';
import type { QueryAnswer, SnapshotView } from '../worker/query.ts';
import type { SnapshotOptions } from '../engine/types.ts';

/** What the page needs from the engine; tests and the Playground can use any object of this shape. */
export interface EngineClient {
  scenarios(): Promise<ScenarioInfo[]>;
  run(options: RunOptions): Promise<RunResult>;
}

/** What the inspector needs: a snapshot at the cursor, read-only SQL on it, its file. */
export interface InspectorClient {
  snapshot(options: SnapshotOptions): Promise<SnapshotView>;
  query(sql: string): Promise<QueryAnswer>;
  download(): Promise<Uint8Array>;
}

let client: (EngineClient & InspectorClient) | undefined;

/** One shared worker for the page, created on first use. */
export function engineClient(): EngineClient & InspectorClient {
  client ??= connect();
  return client;
}

function connect(): EngineClient & InspectorClient {
  const worker = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'twice-engine',
  });
  const remote = Comlink.wrap<EngineApi>(worker);
  // A worker that fails to load or throws outside a call never answers Comlink, so pending calls
  // would hang forever; race every call against the first such failure instead.
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      reject(new Error(`The engine worker failed: ${event.message || 'it could not be loaded'}`));
    });
    worker.addEventListener('messageerror', () => {
      reject(new Error('The engine worker sent a message that could not be read.'));
    });
  });
  crashed.catch(() => undefined);
  return {
    scenarios: () => Promise.race([remote.scenarios(), crashed]),
    run: (options) => Promise.race([remote.run(options), crashed]),
    snapshot: (options) => Promise.race([remote.snapshot(options), crashed]),
    query: (sql) => Promise.race([remote.query(sql), crashed]),
    download: () => Promise.race([remote.download(), crashed]),
  };
}
