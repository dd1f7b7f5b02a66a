// The inspector's read-only console on real sql.js: reads run, writes are refused, errors come back.
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database, SqlJsStatic } from 'sql.js';
import {
  Inspection,
  MAX_ROWS,
  READ_ONLY_MESSAGE,
  openReadOnly,
  refusal,
  runQuery,
} from '../../src/worker/query.ts';
import type { Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../support/engine.ts';
import { loadSql } from '../support/sql.ts';

let SQL: SqlJsStatic;
let engine: Engine;
let bytes: Uint8Array;
let database: Database;

beforeAll(async () => {
  SQL = await loadSql();
  engine = await loadEngine();
  // The payment story's naive run at its end: two orders for one intent.
  bytes = engine.snapshot({
    scenario: 'payment-lost-response',
    seed: 12,
    strategy: 'naive',
    seq: 1_000_000,
  }).bytes;
});

beforeEach(() => {
  database = openReadOnly(SQL, bytes);
});

afterEach(() => {
  database.close();
});

function count(): unknown {
  return database.exec('SELECT count(*) FROM orders')[0]?.values[0]?.[0];
}

describe('runQuery', () => {
  test('a SELECT returns its columns and rows', () => {
    expect(runQuery(database, 'SELECT id, psp_charge_id FROM orders ORDER BY id')).toEqual({
      columns: ['id', 'psp_charge_id'],
      rows: [
        [1, 'ch_1'],
        [2, 'ch_2'],
      ],
      truncated: false,
      note: null,
    });
  });

  test('WITH, VALUES, EXPLAIN and reading PRAGMAs run', () => {
    for (const sql of [
      'WITH o AS (SELECT * FROM orders) SELECT count(*) FROM o',
      'VALUES (1, 2)',
      'EXPLAIN QUERY PLAN SELECT * FROM orders',
      'PRAGMA table_info(orders)',
      'pragma main.table_info("orders")',
      'PRAGMA user_version',
      '-- the orders\n/* all */ select * from orders;',
      "SELECT * FROM pragma_table_info('orders')",
    ])
      expect(runQuery(database, sql), sql).toHaveProperty('columns');
  });

  test.each([
    'INSERT INTO orders (scope, intent, amount_cents, status, created_at) VALUES (1, 2, 3, 4, 5)',
    'UPDATE orders SET status = 0',
    'DELETE FROM orders',
    '  delete from orders',
    '/* sneaky */ DELETE FROM orders',
    'DROP TABLE orders',
    'CREATE TABLE t (x)',
    "ATTACH ':memory:' AS m",
    'PRAGMA query_only = OFF',
    'PRAGMA query_only(0)',
    'PRAGMA user_version = 7',
    'PRAGMA optimize',
    'VACUUM',
    'BEGIN',
    'REINDEX',
    'SELECT 1; DELETE FROM orders',
    'PRAGMA query_only = OFF; DELETE FROM orders',
    'WITH gone AS (SELECT 1) DELETE FROM orders',
    'EXPLAIN PRAGMA query_only = OFF',
    'EXPLAIN QUERY PLAN DELETE FROM orders',
    'SELECT 1; /* then */ PRAGMA foreign_keys(0)',
  ])('refuses %s with the read-only message, and changes nothing', (sql) => {
    const result = runQuery(database, sql);
    expect(result).toHaveProperty('error');
    expect('error' in result && result.error.startsWith(READ_ONLY_MESSAGE)).toBe(true);
    expect(count()).toBe(2);
    expect(database.exec('PRAGMA query_only')[0]?.values).toEqual([[1]]);
  });

  test('bad SQL gives SQLite’s own words', () => {
    expect(runQuery(database, 'SELEC 1')).toEqual({ error: 'near "SELEC": syntax error' });
    expect(runQuery(database, 'SELECT * FROM nope')).toEqual({ error: 'no such table: nope' });
    expect(runQuery(database, 'SELECT 1; SELECT * FROM nope')).toEqual({
      error: 'no such table: nope',
    });
    expect(runQuery(database, '  -- nothing\n')).toEqual({
      error: expect.stringMatching(/^Nothing to run/),
    });
    // The database is still there for the next query.
    expect(runQuery(database, 'SELECT count(*) AS n FROM orders')).toMatchObject({ rows: [[2]] });
  });

  test('caps the rows, even of a query that never ends', () => {
    const endless =
      'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n';
    const result = runQuery(database, endless);
    expect(result).toMatchObject({ columns: ['x'], truncated: true });
    expect('rows' in result && result.rows).toHaveLength(MAX_ROWS);
    expect('note' in result && result.note).toMatch(/first 500 rows/);
    expect(runQuery(database, 'SELECT 1 UNION ALL SELECT 2', 1)).toMatchObject({
      rows: [[1]],
      truncated: true,
    });
  });

  test('several statements: the last one’s result, and a note saying so', () => {
    expect(runQuery(database, 'SELECT 1; SELECT 2 AS two')).toEqual({
      columns: ['two'],
      rows: [[2]],
      truncated: false,
      note: "Ran 2 statements; showing the last one's result.",
    });
  });

  test('blobs come back as bytes', () => {
    expect(runQuery(database, "SELECT x'00ff' AS b")).toEqual({
      columns: ['b'],
      rows: [[new Uint8Array([0, 255])]],
      truncated: false,
      note: null,
    });
  });
});

describe('refusal', () => {
  test('names the refused statement', () => {
    expect(refusal('DELETE FROM orders')).toContain('“DELETE FROM”');
    expect(refusal('SELECT 1')).toBeNull();
  });
});

describe('Inspection: the worker’s one open snapshot', () => {
  const at = (seq: number) =>
    engine.snapshot({ scenario: 'payment-lost-response', seed: 12, strategy: 'naive', seq });

  test('answers for the latest snapshot and closes the one it replaces', () => {
    const inspection = new Inspection(SQL);
    expect(inspection.query('SELECT 1')).toEqual({
      error: expect.stringMatching(/^No snapshot yet/),
      snapshot: null,
    });
    expect(() => inspection.download()).toThrow(/No snapshot/);

    const first = inspection.open(at(7));
    expect(first).toMatchObject({ id: 1, seq: 7, strategy: 'naive', size: expect.any(Number) });
    expect(first).not.toHaveProperty('bytes');
    expect(inspection.query('SELECT count(*) FROM orders')).toMatchObject({
      rows: [[1]],
      snapshot: 1,
    });

    const later = at(1_000_000);
    const second = inspection.open(later);
    expect(second.id).toBe(2);
    expect(inspection.query('SELECT count(*) FROM orders')).toMatchObject({
      rows: [[2]],
      snapshot: 2,
    });
    expect(inspection.query('DELETE FROM orders')).toMatchObject({ snapshot: 2 });

    // The download is the snapshot's file, a copy the page may own.
    const file = inspection.download();
    expect(Buffer.from(file).equals(Buffer.from(later.bytes))).toBe(true);
    expect(file.buffer).not.toBe(later.bytes.buffer);

    inspection.close();
    expect(inspection.query('SELECT 1')).toMatchObject({ snapshot: null });
  });
});
