// The explorer's own Web Worker: engine.explore with progress and cancel, and the exports, so the engine worker stays free for runs.
/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { createEngine, type Engine } from '../engine/index.ts';
import { createExploreApi } from './explore.ts';
import { loadSql } from './sql.ts';

let ready: Promise<Engine> | undefined;

function engine(): Promise<Engine> {
  ready ??= loadSql().then(createEngine);
  return ready;
}

// A macrotask between slices lets the page's cancel call in; the clock only paces slices.
const api = createExploreApi(engine, {
  pause: () => new Promise((resolve) => setTimeout(resolve, 0)),
  now: () => performance.now(),
});

// Synchronously, before anything else: a call that arrives before expose() never answers (Comlink #665).
Comlink.expose(api);

// Start fetching the wasm now rather than on the first call; that call reports any failure.
engine().catch(() => undefined);
