// The Db port on real sql.js: transactions, the statement cache and the SQL log.
import { beforeAll, describe, expect, test } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import type { SqlLogEntry } from '../../src/server/db.ts';
import { loadSql } from '../support/sql.ts';
import { freshDb } from '../support/server.ts';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSql();
});

const INSERT = `INSERT INTO orders (scope, intent, amount_cents, status, created_at) VALUES ($scope, 'pi_1', 100, 'pending', 0)`;

describe('Db', () => {
  test('a transaction commits its writes together', () => {
    const db = freshDb(SQL);
    db.transaction(() => {
      db.run(INSERT, { $scope: 'a' });
      db.run(INSERT, { $scope: 'b' });
    });
    expect(db.all('SELECT scope FROM orders ORDER BY id')).toEqual([
      { scope: 'a' },
      { scope: 'b' },
    ]);
  });

  test('a throw rolls the whole transaction back and is rethrown', () => {
    const db = freshDb(SQL);
    expect(() =>
      db.transaction(() => {
        db.run(INSERT, { $scope: 'a' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.get('SELECT count(*) AS n FROM orders')).toEqual({ n: 0 });
  });

  test('transactions do not nest', () => {
    const db = freshDb(SQL);
    expect(() => db.transaction(() => db.transaction(() => 1))).toThrow(/already inside/);
    expect(db.transaction(() => 2)).toBe(2);
  });

  test('run returns the rows changed; get returns undefined for no row', () => {
    const db = freshDb(SQL);
    db.run(INSERT, { $scope: 'a' });
    expect(db.run(`UPDATE orders SET status = 'paid' WHERE scope = $scope`, { $scope: 'a' })).toBe(
      1,
    );
    expect(db.run(`UPDATE orders SET status = 'paid' WHERE scope = $scope`, { $scope: 'zz' })).toBe(
      0,
    );
    expect(db.get('SELECT id FROM orders WHERE scope = $s', { $s: 'zz' })).toBeUndefined();
  });

  test('the journal lives in memory (sql.js commits are expensive otherwise)', () => {
    expect(freshDb(SQL).get('PRAGMA journal_mode')).toEqual({ journal_mode: 'memory' });
  });

  test('the log holds every statement with its parameters and every transaction boundary', () => {
    const log: SqlLogEntry[] = [];
    const db = freshDb(SQL, log);
    db.transaction(() => db.run(INSERT, { $scope: 'a' }));
    expect(() => db.transaction(() => db.run('INSERT INTO nowhere VALUES (1)'))).toThrow(/nowhere/);
    expect(log.map((e) => e.op)).toEqual(['begin', 'sql', 'commit', 'begin', 'sql', 'rollback']);
    expect(log[1]).toEqual({ op: 'sql', sql: INSERT, params: { $scope: 'a' } });
  });
});

describe('Db parameters', () => {
  test('a named parameter used twice binds one value; a missing one is a clear error', async () => {
    const db = freshDb(await loadSql());
    expect(db.get('SELECT $a + $a AS twice, $b AS b', { $a: 2, $b: 'x' })).toEqual({
      twice: 4,
      b: 'x',
    });
    expect(() => db.get('SELECT $a AS a, $b AS b', { $a: 1 })).toThrow(
      'SQL parameter $b has no value',
    );
  });
});
