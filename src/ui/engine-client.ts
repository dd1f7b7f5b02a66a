// The UI's only door to the engine: module workers behind Comlink, each replaced when it dies.
import type { RunOptions, ScenarioInfo } from '../engine/types.ts';
import type { EngineApi } from '../worker/engine.worker.ts';
import type { PackedResult, ShapedResult, ShapedRun } from '../worker/packed.ts';
import type { Diagram } from './diagram/types.ts';
import { QueryClient, type InspectorClient } from './inspector/query-client.ts';
import { BatchPool, poolSize } from './often/pool.ts';
import { Supervisor } from './supervisor.ts';
import { yieldToPage } from './tasks.ts';

export type { InspectorClient };

/** What the page needs from the engine; tests and the Playground can use any object of this shape. */
export interface EngineClient {
  scenarios(): Promise<ScenarioInfo[]>;
  /** A run, shaped for the page by the engine worker (see src/worker/packed.ts). */
  run(options: RunOptions): Promise<PackedResult>;
  /** What happens in one column of a shaped run at virtual time `at`; null once a newer run replaced it. */
  narrationAt(handle: number, column: number, at: number): Promise<string[] | null>;
}

let client: (EngineClient & InspectorClient) | undefined;

/**
 * The worker's compact result with its diagrams parsed, one column per task (a diagram holds up
 * to 5,000 rows); `stale` is asked between tasks, and a result a newer run made stale is dropped.
 */
export async function unpackResult(
  packed: PackedResult,
  stale: () => boolean = () => false,
): Promise<ShapedResult | null> {
  const runs: ShapedRun[] = [];
  for (const run of packed.runs) {
    await yieldToPage();
    if (stale()) return null;
    runs.push({ ...run, diagram: JSON.parse(run.diagram) as Diagram });
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
      // User Timing marks: the request and the answer here, 'twice:drawn' once on screen (npm run
      // bench's page figures; the e2e checks the status line's time spans all three).
      performance.mark('twice:asked');
      const packed = await engine.call((remote) => remote.run(options));
      performance.mark('twice:answer');
      return packed;
    },
    narrationAt: (handle, column, at) =>
      engine.call((remote) => remote.narrationAt(handle, column, at)),
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
