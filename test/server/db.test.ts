// The Db port on real sql.js: transactions, the statement cache and the SQL log.
import { beforeAll, describe, expect, test } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import type { SqlLogEntry } from '../../src/server/db.ts';
import { CLAIM } from '../../src/server/key-store/sql.ts';
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

describe('Db hold and undo', () => {
  const scopes = (db: ReturnType<typeof freshDb>) =>
    db.all('SELECT id, scope FROM orders ORDER BY id').map((r) => `${r.id}:${r.scope}`);

  test('held, a transaction commits into the held one and a throw undoes only its own writes', () => {
    const db = freshDb(SQL);
    db.hold();
    db.transaction(() => db.run(INSERT, { $scope: 'a' }));
    expect(() =>
      db.transaction(() => {
        db.run(INSERT, { $scope: 'b' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    db.transaction(() => db.run(INSERT, { $scope: 'c' }));
    // b's id was handed out and rolled back with it, as on an unheld database.
    expect(scopes(db)).toEqual(['1:a', '2:c']);
  });

  test('undo takes back everything since hold, AUTOINCREMENT counters included, and holds again', () => {
    const db = freshDb(SQL);
    const claim = (key: string) =>
      db.get(CLAIM, {
        $scope: 's',
        $client: 's',
        $key: key,
        $method: 'POST',
        $path: '/payments',
        $fingerprint: 'f',
        $params: '{}',
        $owner: 'x1',
        $now: 0,
        $lease: 1,
        $retention: 1,
      })?.id;
    db.run(INSERT, { $scope: 'before' });
    expect(claim('k0')).toBe(1);
    db.hold();
    db.transaction(() => db.run(INSERT, { $scope: 'a' }));
    db.run(INSERT, { $scope: 'b' });
    expect(db.transaction(() => claim('k1'))).toBe(2);
    db.undo();
    expect(scopes(db)).toEqual(['1:before']);
    // AUTOINCREMENT would never hand out 2 again had sqlite_sequence kept the undone claim.
    expect(db.transaction(() => claim('k2'))).toBe(2);
    db.transaction(() => db.run(INSERT, { $scope: 'c' }));
    expect(scopes(db)).toEqual(['1:before', '2:c']);
    db.undo();
    expect(scopes(db)).toEqual(['1:before']);
    expect(
      db.get('SELECT seq FROM sqlite_sequence WHERE name = $t', { $t: 'idempotency_keys' }),
    ).toEqual({ seq: 1 });
  });

  test('hold does not nest, undo needs a hold, and neither runs inside a transaction', () => {
    const db = freshDb(SQL);
    expect(() => db.undo()).toThrow(/nothing is held/);
    expect(() => db.transaction(() => db.hold())).toThrow(/inside a transaction/);
    db.hold();
    expect(() => db.hold()).toThrow(/already held/);
    expect(() => db.transaction(() => db.undo())).toThrow(/inside a transaction/);
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
