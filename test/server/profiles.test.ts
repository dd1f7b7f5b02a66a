// The key store under each profile: what happens to a key when the provider fails, and the
// background jobs (reaper, brandur's completer). Real sql.js, driven step by step.
import { beforeAll, describe, expect, test } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import { PROFILES, type ProfileId } from '../../src/server/profiles.ts';
import { idempotencyKey } from '../../src/server/strategies/idempotency-key.ts';
import type { ProviderPolicy } from '../../src/sim/provider.ts';
import { loadSql } from '../support/sql.ts';
import { Execution, payment, serve } from '../support/server.ts';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSql();
});

const KEY = 'key_0123456789abcdef'; // 20 characters: fits every profile

function setup(profile: ProfileId, provider: Partial<ProviderPolicy> = {}) {
  const { leaseMs, retentionMs } = PROFILES[profile];
  const env = serve(SQL, idempotencyKey, { profile, leaseMs, retentionMs }, provider);
  const start = () => env.start(payment(KEY));
  const count = (sql: string) => Number(env.db.get(sql)?.n);
  return { ...env, psp: env.provider, start, count };
}

describe('when the provider is down (503, nothing charged) and then recovers', () => {
  test('ietf unlocks the key: the retry resumes where it stopped and succeeds', () => {
    for (const profile of ['ietf'] as const) {
      const { start, db, psp, count } = setup(profile, { outageUntilMs: 1000 });
      const first = start().finish(0);
      expect(first.status).toBe(503);
      expect(db.get('SELECT state, recovery_point FROM idempotency_keys')).toEqual({
        state: 'FAILED_RETRYABLE',
        recovery_point: 'order_created',
      });
      const retry = start();
      expect(retry.finish(2000).status).toBe(201);
      expect(retry.steps).toEqual(['claim-key', 'charge-card', 'record-charge', 'finish']);
      expect([count('SELECT count(*) AS n FROM orders'), psp.ledger.length]).toEqual([1, 1]);
    }
  });

  // rocket-rides-atomic api.rb: `rescue Stripe::StripeError` → Response.new(503, …), which
  // moves the key to `finished`; its completer ignores finished keys (completer_spec.rb).
  test('brandur api.rb, Stripe::StripeError: a 503 stored at recovery point finished, replayed to every retry', () => {
    const { start, db, psp, handler } = setup('brandur', { outageUntilMs: 1000 });
    const first = start().finish(0);
    expect(first).toMatchObject({
      status: 503,
      body: { error: 'Error from payment processor. Please contact support.' },
    });
    expect(db.get('SELECT state, recovery_point FROM idempotency_keys')).toEqual({
      state: 'COMPLETED',
      recovery_point: 'finished',
    });
    const retry = start().finish(60_000);
    expect([retry.status, retry.body]).toEqual([first.status, first.body]);
    const completer = handler.jobs.find((j) => j.name === 'completer');
    expect(completer?.run(10 * 60_000).requests).toEqual([]);
    expect(psp.ledger).toHaveLength(0);
  });

  test('stripe stores the 500 and replays it forever, although the provider has recovered', () => {
    const { start, psp } = setup('stripe', { outageUntilMs: 1000 });
    const first = start().finish(0);
    expect(first).toMatchObject({ status: 503, body: { error: { type: 'api_error' } } });
    const retry = start().finish(60_000);
    expect(retry.status).toBe(first.status);
    expect(retry.headers['Idempotent-Replayed']).toBe('true');
    expect(psp.ledger).toHaveLength(0);
  });

  test('powertools deletes the record: the retry runs the whole function again', () => {
    const { start, psp, count } = setup('powertools', { outageUntilMs: 1000 });
    expect(start().finish(0)).toMatchObject({ status: 500, body: { errorType: 'Error' } });
    expect(count('SELECT count(*) AS n FROM idempotency_keys')).toBe(0);
    const retry = start();
    expect(retry.finish(2000).status).toBe(201);
    expect(retry.steps[1]).toBe('create-order');
    expect([count('SELECT count(*) AS n FROM orders'), psp.ledger.length]).toEqual([2, 1]);
  });
});

describe('when the provider charges but its answer is lost (504, unknown outcome)', () => {
  function lostOnce(profile: ProfileId) {
    const env = setup(profile);
    const first = env.start();
    first.step(0);
    first.step(10);
    first.step(20); // charge-card: the provider charges with the derived key…
    // …and the server hears nothing back: the reply it gets is a 504.
    const result = env.handler.run('record-charge', {
      exec: first.exec,
      request: first.request,
      now: 30,
      locals: first.locals,
      reply: { ok: false, status: 504, reason: 'the payment provider did not answer in time' },
    });
    expect(result.outcome.kind).toBe('respond');
    env.start().finish(100_000);
    return env;
  }

  test('ietf retries the provider with the same derived key: one charge', () => {
    expect(lostOnce('ietf').psp.ledger).toHaveLength(1);
  });

  test('powertools deleted the record, so the retry gets a new row and a new provider key: two charges', () => {
    const { psp } = lostOnce('powertools');
    expect(psp.ledger.map((c) => c.key)).toEqual(['ik-1', 'ik-2']);
  });
});

describe('background jobs', () => {
  test('the reaper deletes expired keys, and only those', () => {
    const { start, handler, count } = setup('ietf');
    start().finish(0);
    const reaper = handler.jobs.find((j) => j.name === 'reaper');
    expect(reaper?.run(PROFILES.ietf.retentionMs - 1)).toMatchObject({ changed: false });
    expect(count('SELECT count(*) AS n FROM idempotency_keys')).toBe(1);
    expect(reaper?.run(PROFILES.ietf.retentionMs)).toMatchObject({
      changed: true,
      note: 'deleted 1 expired key',
    });
    expect(count('SELECT count(*) AS n FROM idempotency_keys')).toBe(0);
  });

  test("brandur's completer re-drives a key abandoned mid-flight; the others have no completer", () => {
    expect(setup('ietf').handler.jobs.map((j) => j.name)).toEqual(['reaper']);
    const { start, handler, psp, db } = setup('brandur');
    const abandoned = start();
    abandoned.step(0);
    abandoned.step(10); // the order exists; then the process died
    const completer = handler.jobs.find((j) => j.name === 'completer');
    expect(completer?.run(60_000).requests).toEqual([]); // too young, by brandur's thresholds
    const { requests } = completer?.run(6 * 60_000) ?? { requests: [] };
    expect(requests).toEqual([payment(KEY)]);
    const redrive = new Execution(handler, psp, requests[0]!, 99);
    expect(redrive.finish(6 * 60_000).status).toBe(201);
    expect(db.get('SELECT state FROM idempotency_keys')).toEqual({ state: 'COMPLETED' });
    expect(psp.ledger).toHaveLength(1);
  });
});
