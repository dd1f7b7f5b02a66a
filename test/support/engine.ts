// One engine per test file, on real sql.js.
import { createEngine, type Engine } from '../../src/engine/index.ts';
import { loadSql } from './sql.ts';

let engine: Promise<Engine> | undefined;

export function loadEngine(): Promise<Engine> {
  engine ??= loadSql().then(createEngine);
  return engine;
}
