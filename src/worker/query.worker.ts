// The SQL console's own worker: one read-only snapshot database; the page terminates it when a query overruns.
/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { createQueryApi } from './query.ts';

let ready: Promise<SqlJsStatic> | undefined;

// Loaded once; a failed load fails every query, and the page's supervisor starts a new worker.
function load(): Promise<SqlJsStatic> {
  ready ??= initSqlJs({ locateFile: () => wasmUrl });
  return ready;
}

// Synchronously, before anything else: a call that arrives before expose() never answers (Comlink #665).
Comlink.expose(createQueryApi(load));

// Fetch the wasm now rather than on the first query, so the time limit measures the query.
load().catch(() => undefined);
