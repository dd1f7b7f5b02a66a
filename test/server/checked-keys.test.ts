// check-then-insert and key-after-effect, the strategies on the unconstrained checked_keys table, step by step.
import { beforeAll, describe, expect, test } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import { checkThenInsert } from '../../src/server/strategies/check-then-insert.ts';
import { keyAfterEffect } from '../../src/server/strategies/key-after-effect.ts';
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

describe('check-then-insert', () => {
  test('two interleaved requests with one key both pass the check: two key rows, two orders, two charges', () => {
    const { provider, start, count } = setup(checkThenInsert);
    const a = start();
    const b = start();
    expect(a.step(0)).toBe('check-key');
    expect(b.step(1)).toBe('check-key'); // a has looked, but not written yet
    expect(a.step(10)).toBe('insert-key');
    expect(b.step(11)).toBe('insert-key');
    expect(a.finish(20).status).toBe(201);
    expect(b.finish(21).status).toBe(201);
    expect(count('checked_keys')).toBe(2);
    expect(count('orders')).toBe(2);
    expect(provider.ledger.map((c) => c.intent)).toEqual(['pi_1', 'pi_1']);
  });

  test('a duplicate that looks after the insert gets 409 and does nothing', () => {
    const { provider, start } = setup(checkThenInsert);
    const a = start();
    a.step(0);
    a.step(10); // insert-key
    const b = start();
    expect(b.finish(11)).toMatchObject({
      status: 409,
      body: { title: 'A request is outstanding for this Idempotency-Key' },
    });
    expect(b.steps).toEqual(['check-key']);
    a.finish(20);
    expect(provider.ledger).toHaveLength(1);
  });

  test('a retry after completion replays the stored answer with its Location, and runs nothing', () => {
    const { provider, start } = setup(checkThenInsert);
    const first = start();
    const original = first.finish(0);
    expect(first.steps).toEqual([
      'check-key',
      'insert-key',
      'create-order',
      'charge-card',
      'record-charge',
      'store-response',
    ]);
    const retry = start();
    const replay = retry.finish(5000);
    expect(retry.steps).toEqual(['check-key']);
    expect(replay).toEqual({
      status: original.status,
      headers: { ...original.headers, 'Idempotent-Replayed': 'true' },
      body: original.body,
    });
    expect(provider.ledger).toHaveLength(1);
  });

  test('the same key with another amount is refused with 422, never answered with the old response', () => {
    const { start } = setup(checkThenInsert);
    start().finish(0);
    expect(start(payment('key-1', { amount: 9900 })).finish(100).status).toBe(422);
  });

  test('a failed charge frees the key: the retry runs again once the provider is back', () => {
    const { provider, start, count } = setup(checkThenInsert, { outageUntilMs: 1000 });
    expect(start().finish(0).status).toBe(503);
    expect(count('checked_keys')).toBe(0);
    expect(start().finish(2000).status).toBe(201);
    expect(provider.ledger).toHaveLength(1);
  });
});

describe('key-after-effect', () => {
  test('the key row is written only in the last step, after the charge', () => {
    const { start, count } = setup(keyAfterEffect);
    const first = start();
    for (const step of ['check-key', 'create-order', 'charge-card', 'record-charge']) {
      expect(first.step(0)).toBe(step);
      expect(count('checked_keys')).toBe(0);
    }
    expect(first.step(0)).toBe('store-key');
    expect(first.response?.status).toBe(201);
    expect(count('checked_keys')).toBe(1);
  });

  test('an execution lost after recording the charge leaves no key: the retry charges again', () => {
    const { provider, start, count } = setup(keyAfterEffect);
    const crashed = start();
    while (crashed.steps.at(-1) !== 'record-charge') crashed.step(0);
    const retry = start();
    expect(retry.finish(100_000).status).toBe(201);
    expect(retry.steps[0]).toBe('check-key');
    expect(retry.steps).toContain('charge-card');
    expect(count('orders')).toBe(2);
    expect(provider.ledger).toHaveLength(2);
  });

  test('once the key is written, a retry replays and runs nothing', () => {
    const { provider, start } = setup(keyAfterEffect);
    start().finish(0);
    const retry = start();
    expect(retry.finish(5000).headers['Idempotent-Replayed']).toBe('true');
    expect(retry.steps).toEqual(['check-key']);
    expect(provider.ledger).toHaveLength(1);
  });
});
