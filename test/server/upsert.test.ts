// upsert, the natural key (client, payment intent) claimed before anything happens, on real sql.js.
import { beforeAll, describe, expect, test } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import { naive } from '../../src/server/strategies/naive.ts';
import { upsert } from '../../src/server/strategies/upsert.ts';
import type { Strategy, ServerConfig } from '../../src/server/strategy.ts';
import type { ProviderPolicy } from '../../src/sim/provider.ts';
import { loadSql } from '../support/sql.ts';
import { payment, serve } from '../support/server.ts';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSql();
});

const config: ServerConfig = { profile: 'ietf', leaseMs: 90_000, retentionMs: 86_400_000 };

function setup(strategy: Strategy, policy: Partial<ProviderPolicy> = {}) {
  return serve(SQL, strategy, config, policy);
}

describe('upsert', () => {
  test('the first request claims the intent, creates the order and charges with a key derived from it', () => {
    const { provider, start, db } = setup(upsert);
    const first = start(payment(undefined));
    expect(first.finish(0)).toMatchObject({
      status: 201,
      headers: { Location: '/payments/ord_1' },
      body: { order: 'ord_1', status: 'paid', charge: 'ch_1' },
    });
    expect(first.steps).toEqual(['create-order', 'charge-card', 'record-charge']);
    expect(provider.ledger.map((c) => c.key)).toEqual(['order-1']);
    expect(db.get('SELECT scope, intent, order_id FROM intent_orders')).toEqual({
      scope: 'customer-1',
      intent: 'pi_1',
      order_id: 1,
    });
  });

  test('a repeat gets the existing order with 200: no stored answer, so no replay header', () => {
    const { provider, start } = setup(upsert);
    const original = start().finish(0);
    const repeat = start(payment('another-key')).finish(5000);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(original.body);
    expect(repeat.headers['Idempotent-Replayed']).toBeUndefined();
    expect(provider.ledger).toHaveLength(1);
  });

  test('a repeat while the first is still paying gets 409, and does nothing', () => {
    const { provider, start, count } = setup(upsert);
    const first = start();
    first.step(0); // create-order
    expect(start().finish(5).status).toBe(409);
    expect(first.finish(10).status).toBe(201);
    expect(count('orders')).toBe(1);
    expect(provider.ledger).toHaveLength(1);
  });

  test('the same intent with another amount is refused with 422', () => {
    const { start } = setup(upsert);
    start().finish(0);
    expect(start(payment('key-1', { amount: 9900 })).finish(100).status).toBe(422);
  });

  test('the intent is the natural key per client: another client with the same intent pays on its own', () => {
    const { provider, start } = setup(upsert);
    start().finish(0);
    expect(start(payment('key-1', { client: 'customer-2' })).finish(10).status).toBe(201);
    expect(provider.ledger.map((c) => c.key)).toEqual(['order-1', 'order-2']);
  });

  test('after a failed charge exactly one repeat charges again, with the same provider key', () => {
    const { provider, start, count } = setup(upsert, { outageUntilMs: 1000 });
    expect(start().finish(0).status).toBe(503);
    const a = start();
    const b = start();
    a.step(2000); // create-order: takes the failed charge over
    expect(b.finish(2001).status).toBe(409);
    expect(a.finish(2002).status).toBe(201);
    expect(a.steps).toEqual(['create-order', 'charge-card', 'record-charge']);
    expect(count('orders')).toBe(1);
    expect(provider.ledger.map((c) => c.key)).toEqual(['order-1']);
  });

  test('its table leaves orders unconstrained: naive on the same schema still makes two orders', () => {
    const { start, count } = setup(naive);
    start().finish(0);
    start().finish(10);
    expect(count('orders')).toBe(2);
    expect(count('intent_orders')).toBe(0);
  });
});
