// The UI's only door to the engine: module workers behind Comlink, each replaced when it dies.
import type { RunOptions, RunResult, ScenarioInfo } from '../engine/types.ts';
import type { TraceEvent } from '../sim/trace.ts';
import type { EngineApi } from '../worker/engine.worker.ts';
import type { PackedResult } from '../worker/packed.ts';
import { QueryClient, type InspectorClient } from './inspector/query-client.ts';
import { BatchPool, poolSize } from './often/pool.ts';
import { Supervisor } from './supervisor.ts';
import { yieldToPage } from './tasks.ts';

export type { InspectorClient };

/** What the page needs from the engine; tests and the Playground can use any object of this shape. */
export interface EngineClient {
  scenarios(): Promise<ScenarioInfo[]>;
  run(options: RunOptions): Promise<RunResult>;
}

let client: (EngineClient & InspectorClient) | undefined;

/** The worker's compact result as the engine's RunResult: one trace parsed per task. */
export async function unpackResult(packed: PackedResult): Promise<RunResult> {
  const runs: RunResult['runs'] = [];
  for (const run of packed.runs) {
    await yieldToPage();
    runs.push({ ...run, trace: JSON.parse(run.trace) as TraceEvent[] });
  }
  return { ...packed, runs };
}

/** One shared engine worker for the page, created on first use, and the SQL console's own worker. */
export function engineClient(): EngineClient & InspectorClient {
  client ??= connect();
  return client;
}

function connect(): EngineClient & InspectorClient {
  // A crashed engine fails the call in flight with words; the page keeps its state, and the next
  // run starts a new worker.
  const engine = new Supervisor<EngineApi>(
    () =>
      new Worker(new URL('../worker/engine.worker.ts', import.meta.url), {
        type: 'module',
        name: 'twice-engine',
      }),
    'engine',
  );
  // The console's queries run in a worker of their own: the engine never waits on one.
  const inspector = new QueryClient(
    (options) => engine.call((remote) => remote.snapshot(options)),
    () =>
      new Worker(new URL('../worker/query.worker.ts', import.meta.url), {
        type: 'module',
        name: 'twice-sql-console',
      }),
  );
  return {
    scenarios: () => engine.call((remote) => remote.scenarios()),
    run: async (options) => {
      const packed = await engine.call((remote) => remote.run(options));
      // User Timing marks: the answer here, 'twice:drawn' once on screen (npm run bench's page figures).
      performance.mark('twice:answer');
      return unpackResult(packed);
    },
    snapshot: (options) => inspector.snapshot(options),
    query: (sql) => inspector.query(sql),
    download: () => inspector.download(),
  };
}

let pool: BatchPool | undefined;

/**
 * "How often?": a pool of batch workers of its own, so the engine worker stays free for runs and
 * the inspector. cores − 1 of them (1 to 8); each starts on its first batch, not with the page.
 */
export function batchPool(): BatchPool {
  pool ??= new BatchPool(
    () =>
      new Worker(new URL('../worker/batch.worker.ts', import.meta.url), {
        type: 'module',
        name: 'twice-batch',
      }),
    poolSize(navigator.hardwareConcurrency),
  );
  return pool;
}
