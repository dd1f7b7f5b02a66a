// The key store with one flaw each (global-key-scope … new-key-per-retry), step by step beside the correct store.
import { beforeAll, describe, expect, test } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import { cache5xx } from '../../src/server/strategies/cache-5xx.ts';
import { globalKeyScope } from '../../src/server/strategies/global-key-scope.ts';
import { idempotencyKey } from '../../src/server/strategies/idempotency-key.ts';
import { leaseNoFence } from '../../src/server/strategies/lease-no-fence.ts';
import { noFingerprint } from '../../src/server/strategies/no-fingerprint.ts';
import { newKeyPerRetry } from '../../src/server/strategies/new-key-per-retry.ts';
import { noLeaseExpiry } from '../../src/server/strategies/no-lease-expiry.ts';
import type { ServerConfig, Strategy } from '../../src/server/strategy.ts';
import type { ProviderPolicy } from '../../src/sim/provider.ts';
import { loadSql } from '../support/sql.ts';
import { payment, serve } from '../support/server.ts';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSql();
});

const LEASE_MS = 90_000;
const RETENTION_MS = 86_400_000;
const config: ServerConfig = { profile: 'ietf', leaseMs: LEASE_MS, retentionMs: RETENTION_MS };

const setup = (strategy: Strategy, policy: Partial<ProviderPolicy> = {}) =>
  serve(SQL, strategy, config, policy);

const ofCustomer2 = (amount = 4200) => payment('key-1', { client: 'customer-2', amount });

describe('global-key-scope', () => {
  test("a key is one key for every client: customer-2 sending customer-1's key and payload gets customer-1's answer", () => {
    const { provider, start, db } = setup(globalKeyScope);
    const original = start().finish(0);
    const other = start(ofCustomer2());
    expect(other.finish(5000)).toEqual({
      ...original,
      headers: { ...original.headers, 'Idempotent-Replayed': 'true' },
    });
    expect(other.steps).toEqual(['claim-key']);
    expect(original.body).toMatchObject({ order: 'ord_1' });
    expect(provider.ledger).toHaveLength(1);
    expect(db.all('SELECT scope, idem_key FROM idempotency_keys')).toEqual([
      { scope: 'global', idem_key: 'key-1' },
    ]);
  });

  test("with another payload the IETF profile refuses customer-2 with 422: customer-1's key is taken", () => {
    const { start } = setup(globalKeyScope);
    start().finish(0);
    expect(start(ofCustomer2(9900)).finish(5000)).toMatchObject({
      status: 422,
      body: { title: 'Idempotency-Key is already used' },
    });
  });

  test('the correct store answers customer-2 with an order of its own', () => {
    const { start } = setup(idempotencyKey);
    start().finish(0);
    expect(start(ofCustomer2()).finish(5000)).toMatchObject({
      status: 201,
      body: { order: 'ord_2' },
    });
  });

  const SHARED_USES =
    'SELECT key_id, idem_key, holder, asker, decision, at FROM shared_key_uses ORDER BY id';
  const use = (decision: string, at: number) => ({
    key_id: 1,
    idem_key: 'key-1',
    holder: 'customer-1',
    asker: 'customer-2',
    decision,
    at,
  });

  test('every decision made from customer-1’s key for customer-2 is recorded (shared_key_uses): in flight, resumed, refused, replayed', () => {
    const { start, db } = setup(globalKeyScope);
    const first = start();
    first.step(0); // customer-1 claims key-1 and stalls with it
    expect(start(ofCustomer2()).finish(10).status).toBe(409);
    expect(start(ofCustomer2()).finish(LEASE_MS + 10).status).toBe(201); // the lease is over
    expect(start(ofCustomer2(9900)).finish(LEASE_MS + 20).status).toBe(422);
    expect(start(ofCustomer2()).finish(LEASE_MS + 30).status).toBe(201);
    expect(db.all(SHARED_USES)).toEqual([
      use('refused-in-flight', 10),
      use('resumed', LEASE_MS + 10),
      use('refused-mismatch', LEASE_MS + 20),
      use('replayed', LEASE_MS + 30),
    ]);
  });

  test('a client deciding from its own key records nothing, nor does the correct store for two clients', () => {
    for (const strategy of [globalKeyScope, idempotencyKey]) {
      const { start, db } = setup(strategy);
      start().finish(0);
      expect(start().finish(10).headers['Idempotent-Replayed']).toBe('true');
      start(ofCustomer2(9900)).finish(20);
      expect(db.all(SHARED_USES).length, strategy.id).toBe(strategy === globalKeyScope ? 1 : 0);
    }
  });
});

describe('no-fingerprint', () => {
  test('the same key with another amount gets the answer to the first payment, and nothing runs', () => {
    const { provider, start } = setup(noFingerprint);
    start().finish(0);
    const other = start(payment('key-1', { amount: 9900 }));
    expect(other.finish(5000)).toMatchObject({
      status: 201,
      headers: { 'Idempotent-Replayed': 'true' },
      body: { order: 'ord_1', amount_cents: 4200 },
    });
    expect(other.steps).toEqual(['claim-key']);
    expect(provider.ledger.map((c) => c.amountCents)).toEqual([4200]);
  });

  test('another amount while the first is in flight gets 409, not 422: the payload is never looked at', () => {
    const { start } = setup(noFingerprint);
    start().step(0);
    expect(start(payment('key-1', { amount: 9900 })).finish(10).status).toBe(409);
  });
});

describe('cache-5xx', () => {
  test('the 503 of a provider that is down is stored, and replayed after the provider is back', () => {
    const { provider, start, db } = setup(cache5xx, { outageUntilMs: 1000 });
    const first = start().finish(0);
    expect(first.status).toBe(503);
    expect(db.get('SELECT state, response_status FROM idempotency_keys')).toEqual({
      state: 'COMPLETED',
      response_status: 503,
    });
    const retry = start();
    expect(retry.finish(60_000)).toEqual({
      ...first,
      headers: { ...first.headers, 'Idempotent-Replayed': 'true' },
    });
    expect(retry.steps).toEqual(['claim-key']);
    expect(provider.ledger).toHaveLength(0);
  });

  test('the correct store (IETF profile) unlocks the key instead: the retry charges', () => {
    const { provider, start } = setup(idempotencyKey, { outageUntilMs: 1000 });
    expect(start().finish(0).status).toBe(503);
    expect(start().finish(60_000).status).toBe(201);
    expect(provider.ledger).toHaveLength(1);
  });
});

describe('no-lease-expiry', () => {
  /** An execution that claims the key, creates the order at 10 ms, and is never heard of again. */
  function abandoned(strategy: Strategy) {
    const env = setup(strategy);
    const dead = env.start();
    dead.step(0);
    dead.step(10);
    return env;
  }

  test('a request that died mid-flight leaves the key locked for its whole retention', () => {
    const { start, db } = abandoned(noLeaseExpiry);
    expect(db.get('SELECT lease_expires_at FROM idempotency_keys')).toEqual({
      lease_expires_at: 10 + RETENTION_MS,
    });
    const retry = start();
    const answer = retry.finish(100_000); // 10 s after the lease would have ended
    expect(answer.status).toBe(409);
    // Locked until 10 ms + 24 h: 86,300.01 s left, rounded up.
    expect(answer.headers['Retry-After']).toBe('86301');
    expect(retry.steps).toEqual(['claim-key']);
  });

  test('only the key expiring frees it: the retry after that is a new payment', () => {
    const { start, count } = abandoned(noLeaseExpiry);
    expect(start().finish(RETENTION_MS + 10).status).toBe(201);
    expect(count('orders')).toBe(2);
  });

  test('the correct store takes the key over once the lease is over', () => {
    const { start } = abandoned(idempotencyKey);
    const retry = start();
    expect(retry.finish(LEASE_MS + 10_000).status).toBe(201);
    expect(retry.steps).toEqual(['claim-key', 'charge-card', 'record-charge', 'finish']);
  });
});

describe('lease-no-fence', () => {
  /** The first execution stalls after creating its order; a retry takes the key over and finishes. */
  function takenOver(strategy: Strategy, policy: Partial<ProviderPolicy> = {}) {
    const env = setup(strategy, policy);
    const stale = env.start();
    stale.step(0); // claim-key: token 1
    stale.step(10); // create-order
    const takeover = env.start();
    expect(takeover.finish(100_000).status).toBe(201); // token 2
    return { ...env, stale, late: stale.finish(100_010) };
  }

  test('the stale owner goes on: it calls the provider again and its writes land on the finished key', () => {
    const { stale, late, provider, db } = takenOver(leaseNoFence);
    // Only the schema's frozen response stops its last write, with a 500.
    expect(stale.steps).toEqual([
      'claim-key',
      'create-order',
      'charge-card',
      'record-charge',
      'finish!',
    ]);
    expect(late.status).toBe(500);
    expect(provider.ledger).toHaveLength(1); // the provider recognised the derived key
    expect(db.get('SELECT state, recovery_point, lease_token FROM idempotency_keys')).toEqual({
      state: 'COMPLETED',
      recovery_point: 'charge_created',
      lease_token: 2,
    });
    expect(
      db.all(
        'SELECT writer_token, lease_token, state_before, point_before, point_after FROM stale_writes ORDER BY id',
      ),
    ).toEqual([
      {
        writer_token: 1,
        lease_token: 2,
        state_before: 'COMPLETED',
        point_before: 'finished',
        point_after: 'order_created',
      },
      {
        writer_token: 1,
        lease_token: 2,
        state_before: 'COMPLETED',
        point_before: 'order_created',
        point_after: 'charge_created',
      },
    ]);
  });

  test('with a provider that does not honour keys, the stale owner charges the card a second time', () => {
    const { provider } = takenOver(leaseNoFence, { honoursKeys: false });
    expect(provider.ledger.map((c) => c.intent)).toEqual(['pi_1', 'pi_1']);
  });

  test('the correct store fences the stale owner out before the provider: no stale write, one charge', () => {
    const { stale, late, provider, count } = takenOver(idempotencyKey, { honoursKeys: false });
    expect(stale.steps.at(-1)).toBe('charge-card!');
    expect(late.status).toBe(409);
    expect(provider.ledger).toHaveLength(1);
    expect(count('stale_writes')).toBe(0);
  });
});

describe('new-key-per-retry', () => {
  test('is the correct key store on the server; only its client is wrong', () => {
    expect(newKeyPerRetry.create).toBe(idempotencyKey.create);
    expect(newKeyPerRetry.client).toEqual({ newKeyPerAttempt: true });
    expect(newKeyPerRetry.correct).toBe(false);
  });

  test('each new key is a new request to the store: two keys, two charges', () => {
    const { provider, start } = setup(newKeyPerRetry);
    start(payment('key-1')).finish(0);
    start(payment('key-2')).finish(5000);
    expect(provider.ledger.map((c) => c.key)).toEqual(['ik-1', 'ik-2']);
  });
});
