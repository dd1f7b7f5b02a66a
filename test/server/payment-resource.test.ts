// GET and DELETE of one payment under every payment strategy: idempotent by definition, served
// plainly whatever key they carry, except by the key store under the Powertools profile.
import type { SqlJsStatic } from 'sql.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { PROFILES, type ProfileId } from '../../src/server/profiles.ts';
import { PAYMENT_STRATEGY_IDS, STRATEGIES } from '../../src/server/strategies/index.ts';
import type { ServerConfig, Strategy } from '../../src/server/strategy.ts';
import type { HttpRequest } from '../../src/sim/http.ts';
import { loadSql } from '../support/sql.ts';
import { payment, serve } from '../support/server.ts';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSql();
});

const config = (profile: ProfileId): ServerConfig => ({
  profile,
  leaseMs: PROFILES[profile].leaseMs,
  retentionMs: PROFILES[profile].retentionMs,
});

/** A request for one payment; `key` is the Idempotency-Key it carries, if any. */
function onPayment(
  method: 'GET' | 'DELETE',
  key?: string,
  overrides: Partial<HttpRequest> = {},
): HttpRequest {
  return { ...payment(key, { method, path: '/payments/ord_1' }), body: {}, ...overrides };
}

function strategy(id: string): Strategy {
  const found = STRATEGIES.get(id);
  if (!found) throw new Error(`no strategy ${id}`);
  return found;
}

/** A paid order ord_1, then the server, ready for requests about it. */
function paid(id: string, profile: ProfileId) {
  const served = serve(SQL, strategy(id), config(profile));
  expect(served.start(payment('key_5e1f0c3a9b7d2468')).finish(0).status).toBe(201);
  return served;
}

describe.each(PAYMENT_STRATEGY_IDS)('%s', (id) => {
  test('GET reads the payment; DELETE deletes it once, and a second DELETE finds nothing (404)', () => {
    const { start, db, count } = paid(id, 'stripe');
    const keysBefore = count('idempotency_keys') + count('checked_keys');
    const read = start(onPayment('GET', 'key_read')).finish(1000);
    expect(read).toMatchObject({ status: 200, body: { order: 'ord_1', status: 'paid' } });
    expect(start(onPayment('DELETE', 'key_gone')).finish(2000)).toMatchObject({
      status: 200,
      body: { order: 'ord_1', deleted: true },
    });
    // The same key again is not a replay: the key has no effect, and the payment is gone.
    const again = start(onPayment('DELETE', 'key_gone'));
    expect(again.finish(3000).status).toBe(404);
    expect(again.steps).toHaveLength(1);
    expect(start(onPayment('GET', 'key_read')).finish(4000).status).toBe(404);
    // The same state either way: one order, deleted, and no key stored for any of them.
    expect(db.get('SELECT count(*) AS n, max(status) AS status FROM orders')).toEqual({
      n: 1,
      status: 'deleted',
    });
    expect(count('idempotency_keys') + count('checked_keys')).toBe(keysBefore);
  });

  test('another client, or an id that is no order, finds no payment (404)', () => {
    const { start } = paid(id, 'stripe');
    expect(start(onPayment('GET', undefined, { client: 'customer-2' })).finish(0).status).toBe(404);
    expect(start(onPayment('DELETE', undefined, { client: 'customer-2' })).finish(0).status).toBe(
      404,
    );
    expect(start(onPayment('GET', undefined, { path: '/payments/ord_x' })).finish(0).status).toBe(
      404,
    );
    expect(start(onPayment('GET')).finish(0).status).toBe(200);
  });
});

describe('the key store, by profile', () => {
  test.each(['ietf', 'stripe', 'brandur'] as const)(
    '%s: a key on GET or DELETE is not read: no claim, no row, no key required',
    (profile) => {
      const { start, count } = paid('idempotency-key', profile);
      // Not even a malformed key (too short for brandur, a bare token for the IETF draft) matters.
      for (const request of [onPayment('GET', 'k'), onPayment('GET'), onPayment('DELETE', 'k')]) {
        const execution = start(request, { asSent: true });
        expect(execution.finish(1000).status).toBe(200);
        expect(execution.steps).toEqual([
          request.method === 'GET' ? 'no-key:read-payment' : 'no-key:delete-payment',
        ]);
      }
      expect(count('idempotency_keys')).toBe(1);
    },
  );

  test('powertools: the decorator wraps every method, so a DELETE with a key is stored and its retry replayed', () => {
    const { start, count } = paid('idempotency-key', 'powertools');
    const first = start(onPayment('DELETE', 'key_gone'));
    expect(first.finish(1000).status).toBe(200);
    expect(first.steps).toEqual(['claim-key', 'delete-payment']);
    const retry = start(onPayment('DELETE', 'key_gone'));
    expect(retry.finish(2000)).toMatchObject({ status: 200, body: { deleted: true } });
    expect(retry.steps).toEqual(['claim-key']);
    expect(count('idempotency_keys')).toBe(2);
    // Without a key it runs without idempotency, as every Powertools request does.
    expect(start(onPayment('DELETE')).finish(3000).status).toBe(404);
  });
});
