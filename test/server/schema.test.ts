// The schema backs the invariants where SQLite can: unique keys, legal transitions, frozen responses, stale writes.
import { beforeAll, describe, expect, test } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import { loadSql } from '../support/sql.ts';
import { freshDb } from '../support/server.ts';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSql();
});

const KEY = `INSERT INTO idempotency_keys (scope, client, idem_key, method, path, fingerprint, request_params,
  lease_owner, lease_expires_at, created_at, last_run_at, expires_at)
VALUES ($scope, $scope, $key, 'POST', '/payments', 'fp', '{}', 'x1', 100, 0, 0, 1000)`;
const COMPLETE = `UPDATE idempotency_keys SET state = 'COMPLETED', response_status = 201, response_body = '{}',
  lease_owner = NULL, lease_expires_at = NULL WHERE idem_key = $key`;

describe('schema', () => {
  test('one row per (scope, key); the same key in another scope is another row', () => {
    const db = freshDb(SQL);
    db.run(KEY, { $scope: 'a', $key: 'k' });
    db.run(KEY, { $scope: 'b', $key: 'k' });
    expect(() => db.run(KEY, { $scope: 'a', $key: 'k' })).toThrow(/UNIQUE/);
  });

  test('keys are 1 to 255 characters', () => {
    const db = freshDb(SQL);
    expect(() => db.run(KEY, { $scope: 'a', $key: '' })).toThrow(/CHECK/);
    expect(() => db.run(KEY, { $scope: 'a', $key: 'k'.repeat(256) })).toThrow(/CHECK/);
    expect(db.run(KEY, { $scope: 'a', $key: 'k'.repeat(255) })).toBe(1);
  });

  test('a completed key never goes back to in progress', () => {
    const db = freshDb(SQL);
    db.run(KEY, { $scope: 'a', $key: 'k' });
    db.run(COMPLETE, { $key: 'k' });
    expect(() =>
      db.run(
        `UPDATE idempotency_keys SET state = 'IN_PROGRESS', lease_owner = 'x2', lease_expires_at = 5`,
      ),
    ).toThrow(/illegal idempotency key state transition/);
  });

  test('a completed response is frozen', () => {
    const db = freshDb(SQL);
    db.run(KEY, { $scope: 'a', $key: 'k' });
    db.run(COMPLETE, { $key: 'k' });
    expect(() => db.run(`UPDATE idempotency_keys SET response_status = 500`)).toThrow(/immutable/);
  });

  test('a completed key holds a response and no lease', () => {
    const db = freshDb(SQL);
    db.run(KEY, { $scope: 'a', $key: 'k' });
    expect(() => db.run(`UPDATE idempotency_keys SET state = 'COMPLETED'`)).toThrow(/CHECK/);
  });
});

describe('stale_writes (schema)', () => {
  const TAKE_OVER = `UPDATE idempotency_keys SET lease_token = 2, written_by_token = 2, lease_owner = 'x2'`;
  const write = (token: number) =>
    `UPDATE idempotency_keys SET recovery_point = 'order_created', written_by_token = ${token}`;

  function takenOver() {
    const db = freshDb(SQL);
    db.run(KEY, { $scope: 'a', $key: 'k' });
    db.run(TAKE_OVER);
    return db;
  }

  test("a write by a token below the row's is recorded, and goes through", () => {
    const db = takenOver();
    expect(db.run(write(1))).toBe(1);
    expect(
      db.all('SELECT key_id, scope, idem_key, writer_token, lease_token FROM stale_writes'),
    ).toEqual([{ key_id: 1, scope: 'a', idem_key: 'k', writer_token: 1, lease_token: 2 }]);
  });

  test("the takeover itself and a write by the row's own token are not", () => {
    const db = takenOver();
    db.run(write(2));
    expect(db.all('SELECT * FROM stale_writes')).toEqual([]);
  });

  test('a stale write that rolls back leaves no record: only committed writes count', () => {
    const db = takenOver();
    expect(() =>
      db.transaction(() => {
        db.run(write(1));
        throw new Error('the step failed after its write');
      }),
    ).toThrow('the step failed');
    expect(db.all('SELECT * FROM stale_writes')).toEqual([]);
  });
});
