// The inspector's read-only console on real sql.js: reads run, writes are refused, errors come back.
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database, SqlJsStatic } from 'sql.js';
import {
  MAX_BYTES,
  MAX_ROWS,
  READ_ONLY_MESSAGE,
  TEXT_CHARS,
  createQueryApi,
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

describe('big values stay in the worker', () => {
  test('a blob longer than a hash comes back as its size, never its bytes', () => {
    expect(runQuery(database, 'SELECT zeroblob(100000) AS b, 7 AS n')).toEqual({
      columns: ['b', 'n'],
      rows: [[{ clipped: 'blob', bytes: 100_000, head: '' }, 7]],
      truncated: false,
      note: null,
    });
  });

  test('a long text comes back cut, with its whole size', () => {
    const result = runQuery(database, "SELECT printf('%.*c', 100000, 'é') AS t");
    expect(result).toMatchObject({
      rows: [[{ clipped: 'text', bytes: 200_000, head: 'é'.repeat(TEXT_CHARS) }]],
    });
  });

  test('a blob bigger than the heap limit fails with words, and the database still answers', () => {
    for (const sql of ['SELECT zeroblob(1000000000)', 'SELECT hex(zeroblob(100000000))'])
      expect(runQuery(database, sql), sql).toEqual({
        error: expect.stringMatching(/^The query needs more than 64 MB of memory/),
      });
    // Its size alone is cheap: SQLite counts a zeroblob without making it.
    expect(runQuery(database, 'SELECT length(zeroblob(1000000000)) AS n')).toMatchObject({
      rows: [[1_000_000_000]],
    });
    // The limit only ever goes down.
    expect(runQuery(database, 'PRAGMA hard_heap_limit = 0')).toHaveProperty('error');
    expect(count()).toBe(2);
  });

  test('a wide result stops at the byte budget before the row cap, and says so', () => {
    const wide =
      "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x, printf('%.*c', 900, 'y') AS a, printf('%.*c', 900, 'z') AS b FROM n";
    const result = runQuery(database, wide);
    expect(result).toMatchObject({ truncated: true });
    const rows = 'rows' in result ? result.rows : [];
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.length).toBeLessThan(MAX_ROWS);
    expect(JSON.stringify(rows).length).toBeLessThanOrEqual(MAX_BYTES);
    expect('note' in result && result.note).toMatch(/cut at 1 MB/);
  });

  test('wrapping keeps order, duplicate names, WITH, VALUES and trailing comments', () => {
    expect(
      runQuery(database, 'SELECT id, id AS id FROM orders ORDER BY id DESC -- newest first'),
    ).toMatchObject({
      columns: ['id', 'id'],
      rows: [
        [2, 2],
        [1, 1],
      ],
    });
    expect(
      runQuery(database, 'WITH x(v) AS (VALUES (1.5), (NULL)) SELECT v FROM x;'),
    ).toMatchObject({
      rows: [[1.5], [null]],
    });
  });
});

describe('createQueryApi: the console worker’s one open snapshot', () => {
  const at = (seq: number) =>
    engine.snapshot({ scenario: 'payment-lost-response', seed: 12, strategy: 'naive', seq }).bytes;

  test('answers for the latest snapshot it was given', async () => {
    const api = createQueryApi(loadSql);
    // A new worker holds no snapshot: the page must open one first.
    expect(api.query('SELECT 1', 1)).toBeNull();
    await api.open(1, at(7));
    expect(api.query('SELECT count(*) FROM orders', 1)).toMatchObject({ rows: [[1]] });
    await api.open(2, at(1_000_000));
    expect(api.query('SELECT count(*) FROM orders', 1)).toBeNull();
    expect(api.query('SELECT count(*) FROM orders', 2)).toMatchObject({ rows: [[2]] });
    expect(api.query('DELETE FROM orders', 2)).toHaveProperty('error');
  });
});
