// naive and idempotency-key on real sql.js, driven step by step: the IETF decision table case by case.
import { beforeAll, describe, expect, test } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import { idempotencyKey } from '../../src/server/strategies/idempotency-key.ts';
import { naive } from '../../src/server/strategies/naive.ts';
import type { ServerConfig } from '../../src/server/strategy.ts';
import { loadSql } from '../support/sql.ts';
import { payment, serve } from '../support/server.ts';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSql();
});

const config: ServerConfig = { profile: 'ietf', leaseMs: 90_000, retentionMs: 86_400_000 };

function setup(strategy = idempotencyKey) {
  return serve(SQL, strategy, config);
}

describe('naive', () => {
  test('charges the card for every request, whatever its key', () => {
    const { provider, start, db } = setup(naive);
    expect(start().finish(0).status).toBe(201);
    expect(start().finish(10).status).toBe(201);
    expect(provider.ledger.map((c) => c.key)).toEqual([null, null]);
    expect(db.get('SELECT count(*) AS n FROM orders')).toEqual({ n: 2 });
  });
});

describe('idempotency-key', () => {
  test('a first request claims the key, creates the order, charges once with a derived key, and stores the answer', () => {
    const { provider, start, db } = setup();
    const first = start();
    const response = first.finish(0);
    expect(first.steps).toEqual([
      'claim-key',
      'create-order',
      'charge-card',
      'record-charge',
      'finish',
    ]);
    expect(response).toMatchObject({
      status: 201,
      headers: { Location: '/payments/ord_1' },
      body: { charge: 'ch_1', status: 'paid' },
    });
    expect(provider.ledger).toEqual([
      { id: 'ch_1', intent: 'pi_1', amountCents: 4200, key: 'ik-1', at: 0 },
    ]);
    expect(db.get('SELECT state, recovery_point, response_status FROM idempotency_keys')).toEqual({
      state: 'COMPLETED',
      recovery_point: 'finished',
      response_status: 201,
    });
  });

  test('a retry after completion replays the stored answer with Idempotent-Replayed and runs nothing', () => {
    const { provider, start } = setup();
    const original = start().finish(0);
    const retry = start();
    const replay = retry.finish(5000);
    expect(retry.steps).toEqual(['claim-key']);
    expect(replay.status).toBe(original.status);
    expect(replay.body).toEqual(original.body);
    expect(replay.headers).toEqual({
      'Content-Type': 'application/json',
      Location: '/payments/ord_1',
      'Idempotent-Replayed': 'true',
    });
    expect(provider.ledger).toHaveLength(1);
  });

  test('a duplicate while the first is in flight gets 409 with Retry-After, and does nothing', () => {
    const { provider, start } = setup();
    const first = start();
    first.step(0); // claim-key
    const duplicate = start().finish(1000);
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers['Retry-After']).toBe('89');
    expect(duplicate.body).toMatchObject({
      title: 'A request is outstanding for this Idempotency-Key',
    });
    first.finish(1100);
    expect(provider.ledger).toHaveLength(1);
  });

  test('the same key with another amount is refused with 422, never answered with the old response', () => {
    const { start } = setup();
    start().finish(0);
    const other = start(payment('key-1', { amount: 9900 })).finish(100);
    expect(other.status).toBe(422);
    expect(other.headers['Content-Type']).toBe('application/problem+json');
  });

  test('keys are scoped per client: the same key from another client is a new request', () => {
    const { provider, start } = setup();
    start().finish(0);
    expect(
      start(payment('key-1', { client: 'customer-2' })).finish(10).headers['Idempotent-Replayed'],
    ).toBeUndefined();
    expect(provider.ledger).toHaveLength(2);
  });

  test('a missing or malformed key is a 400 problem and claims nothing', () => {
    const { start, db } = setup();
    expect(start(payment(undefined)).finish(0)).toMatchObject({
      status: 400,
      body: { title: 'Idempotency-Key is missing' },
    });
    expect(start(payment('')).finish(0)).toMatchObject({
      status: 400,
      body: { title: 'Idempotency-Key is malformed' },
    });
    expect(start(payment('k'.repeat(256))).finish(0).status).toBe(400);
    expect(db.get('SELECT count(*) AS n FROM idempotency_keys')).toEqual({ n: 0 });
  });

  test('after the lease expires a retry takes over at the recovery point, and the stale owner is fenced out', () => {
    const { provider, start, db } = setup();
    const stale = start();
    stale.step(0); // claim-key
    stale.step(10); // create-order: recovery point order_created
    const takeover = start();
    const answer = takeover.finish(100_000);
    expect(takeover.steps).toEqual(['claim-key', 'charge-card', 'record-charge', 'finish']);
    expect(answer.status).toBe(201);
    // The stale owner wakes up: its next write carries token 1, the row has token 2.
    const late = stale.finish(100_010);
    expect(stale.steps.at(-1)).toBe('charge-card!');
    expect(late.status).toBe(409);
    expect(provider.ledger).toHaveLength(1);
    expect(db.get('SELECT lease_token, attempts FROM idempotency_keys')).toEqual({
      lease_token: 2,
      attempts: 2,
    });
  });

  test('a provider call repeated after a takeover carries the same derived key, so the card is charged once', () => {
    const { provider, start } = setup();
    const stale = start();
    stale.step(0);
    stale.step(10);
    stale.step(20); // charge-card: the provider charged with ik-1, but the reply never got recorded
    expect(provider.ledger).toHaveLength(1);
    const takeover = start();
    takeover.finish(100_000);
    expect(takeover.steps).toEqual(['claim-key', 'charge-card', 'record-charge', 'finish']);
    expect(provider.ledger).toHaveLength(1);
  });

  test('a retry after the key expired runs again (shown, not hidden)', () => {
    const { provider, start } = setup();
    start().finish(0);
    const late = start();
    late.finish(config.retentionMs + 1);
    expect(late.steps[0]).toBe('claim-key');
    expect(late.steps).toHaveLength(5);
    expect(provider.ledger).toHaveLength(2);
  });
});
