// Real sql.js for Node tests: the CommonJS build reads its wasm from node_modules.
import initSqlJs, { type SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

export function loadSql(): Promise<SqlJsStatic> {
  loading ??= initSqlJs();
  return loading;
}
