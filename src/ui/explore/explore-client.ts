// The explorer's door: its own worker behind a supervisor (the engine worker stays free for runs), progress as a Comlink proxy, cancel as a call.
import * as Comlink from 'comlink';
import type { ExploreOptions } from '../../engine/types.ts';
import type { Exploration, ExploreApi, ExportRequest, ExportedFile } from '../../worker/explore.ts';
import { Supervisor, type WorkerLike } from '../supervisor.ts';

export type { Exploration, ExportRequest, ExportedFile };

/** What the explorer panel needs; tests pass one over a MessageChannel. */
export interface ExploreClient {
  explore(
    options: ExploreOptions,
    onProgress: (done: number, total: number) => void,
  ): Promise<Exploration>;
  /** Asks the exploration in flight to stop; it resolves with what ran (complete: false). */
  cancel(): Promise<void>;
  exportFile(request: ExportRequest): Promise<ExportedFile>;
  /** A schedule's text in words. */
  describe(schedule: string): Promise<string>;
}

/** An AbortSignal cannot cross Comlink: a cancel is a call of its own, and progress a proxied callback. */
export function createExploreClient(spawn: () => WorkerLike): ExploreClient {
  const worker = new Supervisor<ExploreApi>(spawn, 'explorer');
  return {
    explore: (options, onProgress) =>
      worker.call((remote) => remote.explore(options, Comlink.proxy(onProgress))),
    cancel: () => worker.call((remote) => remote.cancel()),
    exportFile: (request) => worker.call((remote) => remote.exportFile(request)),
    describe: (schedule) => worker.call((remote) => remote.describe(schedule)),
  };
}

let shared: ExploreClient | undefined;

/** The page's one explorer worker, started on first use. */
export function exploreClient(): ExploreClient {
  shared ??= createExploreClient(
    () =>
      new Worker(new URL('../../worker/explore.worker.ts', import.meta.url), {
        type: 'module',
        name: 'twice-explorer',
      }),
  );
  return shared;
}
