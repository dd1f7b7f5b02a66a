// What a claimed key must keep to: its client's scope (global-key-scope), its request's
// fingerprint (no-fingerprint), no stored failure (cache-5xx), a lease that ends (no-lease-expiry)
// and a fence against its stale holder (lease-no-fence). Each buggy store breaks the invariant its
// fault exposes, through the public engine, while idempotency-key holds on the same run.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, RunOptions, StrategyRun } from '../../src/engine/index.ts';
import { loadEngine } from '../support/engine.ts';
import { broken, runOf, verdict as invariant } from './runs.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const KEY = 'key_5e1f0c3a9b7d2468'; // the key-lifecycle story's key

/** Runs one key-lifecycle case with the buggy strategy and the correct store side by side. */
function lifecycle(which: string, buggy: string, knobs: RunOptions['knobs'] = {}) {
  const { runs } = engine.run({
    scenario: 'key-lifecycle',
    strategies: [buggy, 'idempotency-key'],
    knobs: { ...knobs, case: which },
  });
  return { buggy: runOf(runs, buggy), keyed: runOf(runs, 'idempotency-key') };
}
/** What the client of operation `op` was told, attempt by attempt. */
const statuses = (r: StrategyRun, op: number) =>
  r.trace.flatMap((e) => (e.kind === 'receive' && e.op === op ? [e.status] : []));

describe('global-key-scope: two clients send one key', () => {
  // Powertools keys its records by the hashed key alone (persistence/dynamodb.py `_get_key`) and
  // checks no payload by default: under its profile the correct store leaks exactly like the bug.
  test('shared-key, Powertools profile (no scope, no payload check): customer-2 is told about customer-1’s order, by the bug and by Powertools itself', () => {
    const { buggy, keyed } = lifecycle('shared-key', 'global-key-scope', { profile: 'powertools' });
    for (const run of [buggy, keyed]) {
      expect(invariant(run, 'own-keys')).toMatchObject({
        holds: false,
        detail: `customer-2 was sent the answer stored with key payments#a934441f89d8547df4643a67fc766f69 of customer-1.`,
      });
      expect(invariant(run, 'own-answers')).toMatchObject({
        holds: false,
        detail: 'customer-2 was told about ord_1, an order of customer-1.',
      });
      expect(invariant(run, 'answers-match')).toMatchObject({
        holds: false,
        detail:
          'request 2 asked to pay 4200 cents for pi_2 and was told about ord_1: 4200 cents for pi_1.',
      });
      expect(run.effects).toEqual({ 'order-created': 1, 'card-charged': 1 });
    }
  });

  test('shared-key, brandur profile (scoped per user): the correct store pays customer-2 once, the bug keeps refusing it (409) for a key that is not its own', () => {
    const { buggy, keyed } = lifecycle('shared-key', 'global-key-scope', { profile: 'brandur' });
    expect(buggy.operations[1]).toMatchObject({ op: 2, result: 'gave-up' });
    expect(new Set(statuses(buggy, 2))).toEqual(new Set([409]));
    // Every one of its 4 attempts was refused for customer-1's key, and said so.
    expect(invariant(buggy, 'own-keys')).toMatchObject({
      holds: false,
      detail: `customer-2 was refused because of key ${KEY} of customer-1 (4 times).`,
    });
    expect(broken(keyed)).toEqual([]);
    expect(keyed.effects).toEqual({ 'order-created': 2, 'card-charged': 2 });
  });

  test('shared-key, IETF profile: the payloads differ, so customer-2 is refused with 422 for customer-1’s key: own-keys breaks', () => {
    const { buggy, keyed } = lifecycle('shared-key', 'global-key-scope');
    expect(buggy.operations[1]).toEqual({
      op: 2,
      client: 'customer-2',
      result: 'failed',
      attempts: 1,
      status: 422,
    });
    expect(broken(buggy)).toEqual(['own-keys']);
    expect(invariant(buggy, 'own-keys')).toMatchObject({
      holds: false,
      detail: `customer-2 was refused because of key ${KEY} of customer-1.`,
    });
    expect(keyed.operations[1]).toEqual({
      op: 2,
      client: 'customer-2',
      result: 'ok',
      attempts: 1,
      status: 201,
    });
    expect(broken(keyed)).toEqual([]);
  });
});

describe('no-fingerprint: the same key with a different amount', () => {
  test('mismatch: the old answer comes back to the new question', () => {
    const { buggy, keyed } = lifecycle('mismatch', 'no-fingerprint');
    expect(invariant(buggy, 'answers-match')).toMatchObject({
      holds: false,
      detail:
        'request 2 asked to pay 9900 cents for pi_1 and was told about ord_1: 4200 cents for pi_1.',
    });
    expect(buggy.operations[1]).toMatchObject({ result: 'ok', status: 201 });
    expect(buggy.effects).toEqual({ 'order-created': 1, 'card-charged': 1 });
    expect(broken(keyed)).toEqual([]);
    expect(keyed.operations[1]).toMatchObject({ result: 'failed', status: 422 });
  });
});

describe('cache-5xx: the provider is down, then recovers', () => {
  test('provider-recovers: the stored 503 is all the client ever gets, and nothing is charged', () => {
    const { buggy, keyed } = lifecycle('provider-recovers', 'cache-5xx');
    expect(invariant(buggy, 'no-stored-failure')).toMatchObject({
      holds: false,
      detail: `key ${KEY} of customer-1 stores a 503 that every retry gets back.`,
    });
    expect(new Set(statuses(buggy, 2))).toEqual(new Set([503]));
    expect(buggy.operations[1]).toMatchObject({ result: 'gave-up' });
    expect(buggy.effects['card-charged'] ?? 0).toBe(0);
    expect(broken(keyed)).toEqual([]);
    expect(statuses(keyed, 2)).toEqual([201]);
    expect(keyed.effects).toEqual({ 'order-created': 1, 'card-charged': 1 });
  });

  test('the outage is the case’s own fault: with faults off both pay at once', () => {
    const { runs } = engine.run({
      scenario: 'key-lifecycle',
      strategies: ['cache-5xx', 'idempotency-key'],
      faults: false,
      knobs: { case: 'provider-recovers' },
    });
    for (const run of runs) {
      expect(run.invariants.filter((i) => !i.holds)).toEqual([]);
      expect(statuses(run, 1)).toEqual([201]);
    }
  });

  test('under the Stripe profile storing the 503 is the documented policy, and not checked', () => {
    const { buggy, keyed } = lifecycle('provider-recovers', 'cache-5xx', { profile: 'stripe' });
    for (const run of [buggy, keyed]) {
      expect(invariant(run, 'no-stored-failure')).toBeUndefined();
      expect(broken(run)).toEqual([]);
      expect(statuses(run, 2)).toEqual([503, 503, 503, 503]);
    }
  });
});

describe('no-lease-expiry: a crash mid-flight', () => {
  test('crash-then-retry: the key stays locked, every retry gets 409', () => {
    const { buggy, keyed } = lifecycle('crash-then-retry', 'no-lease-expiry');
    expect(invariant(buggy, 'leases-end')).toMatchObject({
      holds: false,
      detail: `key ${KEY} of customer-1 is locked for 24 h; the lease is 90 s.`,
    });
    expect(new Set(statuses(buggy, 2))).toEqual(new Set([409]));
    expect(buggy.effects['card-charged'] ?? 0).toBe(0);
    expect(broken(keyed)).toEqual([]);
    expect(statuses(keyed, 2)).toEqual([201]);
  });
});

describe('lease-no-fence: a pause longer than the lease', () => {
  const STALE_DETAIL =
    `key ${KEY} of customer-1: the owner with token 1 wrote after token 2 took over (COMPLETED at finished → COMPLETED at order_created); ` +
    `key ${KEY} of customer-1: the owner with token 1 wrote after token 2 took over (COMPLETED at order_created → COMPLETED at charge_created).`;
  /** Provider calls in the run: the stale owner's second one is the damage a fence prevents. */
  const calls = (r: StrategyRun) => r.trace.filter((e) => e.kind === 'call').length;

  test('lease-expired-takeover: the stale owner wakes up, calls the provider again and writes to the finished key', () => {
    const { buggy, keyed } = lifecycle('lease-expired-takeover', 'lease-no-fence');
    expect(invariant(buggy, 'no-stale-writes')).toMatchObject({
      holds: false,
      detail: STALE_DETAIL,
    });
    expect(calls(buggy)).toBe(2);
    expect(broken(keyed)).toEqual([]);
    expect(calls(keyed)).toBe(1);
  });

  test('with a provider that does not honour keys, that second call is a second charge', () => {
    const { buggy, keyed } = lifecycle('lease-expired-takeover', 'lease-no-fence', {
      pspKeys: false,
    });
    expect(invariant(buggy, 'one-charge-per-intent')).toMatchObject({
      holds: false,
      detail: 'pi_1 was charged 2 times (ch_1, ch_2).',
    });
    expect(broken(buggy)).toEqual(['one-charge-per-intent', 'no-stale-writes']);
    expect(broken(keyed)).toEqual([]);
    expect(keyed.effects['card-charged']).toBe(1);
  });

  test('beyond the scripted case: a lease and a client timeout shorter than the provider’s round trip, over 60 seeds', () => {
    let stale = 0;
    for (let seed = 0; seed < 60; seed++) {
      const { runs } = engine.run({
        scenario: 'payment-lost-response',
        seed,
        strategies: ['lease-no-fence', 'idempotency-key'],
        knobs: { leaseMs: 300, pspLatencyMs: 1500, timeoutMs: 500 },
      });
      const [buggy, keyed] = runs as [StrategyRun, StrategyRun];
      if (invariant(buggy, 'no-stale-writes')?.holds === false) stale++;
      expect(invariant(keyed, 'no-stale-writes')?.holds, `seed ${seed}`).toBe(true);
    }
    // On most seeds a retry takes the key over while the first execution waits on the provider.
    expect(stale).toBeGreaterThan(30);
  });
});

describe('with faults off', () => {
  test('each of the five pays every payment once and holds every invariant: the bugs need a fault', () => {
    const strategies = [
      'global-key-scope',
      'no-fingerprint',
      'cache-5xx',
      'no-lease-expiry',
      'lease-no-fence',
    ];
    for (let seed = 0; seed < 10; seed++) {
      const { runs } = engine.run({
        scenario: 'payment-lost-response',
        seed,
        faults: false,
        knobs: { payments: 3 },
        strategies,
      });
      for (const run of runs) {
        expect(broken(run), `${run.strategy}, seed ${seed}`).toEqual([]);
        expect(run.effects).toEqual({ 'card-charged': 3, 'order-created': 3 });
      }
    }
  });
});
