// sql.js booted once per worker with the bundled wasm: shared by the engine and the bench workers.
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';

let ready: Promise<SqlJsStatic> | undefined;

/**
 * Loaded once. A failed load is not retried here: sql.js keeps its first initSqlJs() promise,
 * rejected or not, so only a new worker (a page reload) can try again.
 */
export function loadSql(): Promise<SqlJsStatic> {
  ready ??= initSqlJs({ locateFile: () => wasmUrl });
  return ready;
}
