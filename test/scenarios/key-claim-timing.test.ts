// When the key is claimed: a look-up before a separate insert (check-then-insert), a key written
// after the charge (key-after-effect) and a new key per retry (new-key-per-retry) each break on the
// fault that exposes them, while idempotency-key holds on the same run; upsert holds there too.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, RunOptions, StrategyRun } from '../../src/engine/index.ts';
import { paymentKnobs, seed } from '../support/arbitraries.ts';
import { loadEngine } from '../support/engine.ts';
import { broken, holds, runOf } from './runs.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const run = (options: RunOptions) => {
  const { runs } = engine.run(options);
  return (id: string): StrategyRun => runOf(runs, id);
};
/** One scripted case of the key-lifecycle story. */
const lifecycle = (which: string, strategies: string[]) =>
  run({ scenario: 'key-lifecycle', strategies, knobs: { case: which } });
/** The steps of each execution, in order: one list per execution. */
const stepsByExec = (r: StrategyRun) => {
  const steps = new Map<number, string[]>();
  for (const e of r.trace)
    if (e.kind === 'step') steps.set(e.exec, [...(steps.get(e.exec) ?? []), e.step]);
  return [...steps.values()];
};

// Seed 3 of the lost-response story: the network delivers attempt 1 twice, 9 ms apart.
const DUPLICATED = { scenario: 'payment-lost-response', seed: 3 } as const;

describe('check-then-insert breaks under concurrent duplicates', () => {
  test('key-lifecycle `concurrent`: two requests 5 ms apart both pass the check and both charge', () => {
    const of = lifecycle('concurrent', ['check-then-insert', 'idempotency-key']);
    const buggy = of('check-then-insert');
    expect(holds(buggy, 'one-charge-per-intent')).toBe(false);
    expect(holds(buggy, 'one-order-per-intent')).toBe(false);
    expect(buggy.effects).toMatchObject({ 'card-charged': 2, 'order-created': 2 });
    expect(broken(of('idempotency-key'))).toEqual([]);
  });

  test('a duplicated delivery: both copies look before either inserts the key', () => {
    const of = run({ ...DUPLICATED, strategies: ['check-then-insert', 'idempotency-key'] });
    const buggy = of('check-then-insert');
    expect(buggy.trace.some((e) => e.kind === 'duplicated')).toBe(true);
    expect(holds(buggy, 'one-charge-per-intent')).toBe(false);
    const ran = stepsByExec(buggy).filter((steps) => steps.includes('insert-key'));
    expect(ran).toHaveLength(2);
    const keyed = of('idempotency-key');
    expect(broken(keyed)).toEqual([]);
    expect(keyed.effects['card-charged']).toBe(1);
  });
});

describe('key-after-effect breaks when the key write comes too late', () => {
  test('key-lifecycle `crash-after-charge`: no key was written, so the retry charges again', () => {
    const of = lifecycle('crash-after-charge', ['key-after-effect', 'idempotency-key']);
    const buggy = of('key-after-effect');
    const crash = buggy.trace.find((e) => e.kind === 'crash');
    expect(crash?.kind === 'crash' && crash.afterStep).toBe('record-charge');
    expect(holds(buggy, 'one-charge-per-intent')).toBe(false);
    expect(broken(of('idempotency-key'))).toEqual([]);
    expect(of('idempotency-key').effects['card-charged']).toBe(1);
  });

  test('key-lifecycle `crash-then-retry` (crash before the charge): a second order, one charge', () => {
    const of = lifecycle('crash-then-retry', ['key-after-effect', 'idempotency-key']);
    const buggy = of('key-after-effect');
    expect(holds(buggy, 'one-order-per-intent')).toBe(false);
    expect(buggy.effects).toMatchObject({ 'order-created': 2, 'card-charged': 1 });
    expect(broken(of('idempotency-key'))).toEqual([]);
  });

  test('concurrent duplicates: the second arrives while the first pays, and finds no key', () => {
    for (const options of [
      { scenario: 'key-lifecycle', knobs: { case: 'concurrent' } },
      DUPLICATED,
    ] satisfies RunOptions[]) {
      const of = run({ ...options, strategies: ['key-after-effect', 'idempotency-key'] });
      expect(holds(of('key-after-effect'), 'one-charge-per-intent')).toBe(false);
      expect(broken(of('idempotency-key'))).toEqual([]);
    }
  });
});

describe('new-key-per-retry breaks on a lost response and a retry', () => {
  test('payment-lost-response at its story seed: the retry carries a new key and charges again', () => {
    const of = run({
      scenario: 'payment-lost-response',
      strategies: ['new-key-per-retry', 'idempotency-key'],
    });
    const buggy = of('new-key-per-retry');
    expect(holds(buggy, 'one-charge-per-intent')).toBe(false);
    expect(buggy.effects['card-charged']).toBe(2);
    const keys = buggy.trace.flatMap((e) => (e.kind === 'request' ? [e.key] : []));
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
    expect(broken(of('idempotency-key'))).toEqual([]);
  });
});

describe('upsert holds on the schedules that break the buggy strategies', () => {
  const schedules: [string, RunOptions][] = [
    ['concurrent', { scenario: 'key-lifecycle', knobs: { case: 'concurrent' } }],
    ['crash-after-charge', { scenario: 'key-lifecycle', knobs: { case: 'crash-after-charge' } }],
    ['duplicated delivery', DUPLICATED],
    ['lost response', { scenario: 'payment-lost-response' }],
  ];

  test.each(schedules)('%s: one order, one charge, every invariant', (_name, options) => {
    const of = run({ ...options, strategies: ['upsert', 'idempotency-key'] });
    const upsert = of('upsert');
    expect(holds(upsert, 'one-order-per-intent')).toBe(true);
    expect(holds(upsert, 'one-charge-per-intent')).toBe(true);
    expect(broken(upsert)).toEqual([]);
    expect(upsert.effects).toMatchObject({ 'order-created': 1, 'card-charged': 1 });
  });

  test('its limit: a crash between the insert and the charge leaves the order pending, and every repeat gets 409', () => {
    const upsert = lifecycle('crash-then-retry', ['upsert'])('upsert');
    expect(broken(upsert)).toEqual([]);
    expect(upsert.effects).toMatchObject({ 'order-created': 1, 'card-charged': 0 });
    const statuses = upsert.trace.flatMap((e) => (e.kind === 'receive' ? [e.status] : []));
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set([409]));
  });

  test('a retry after a lost response gets 200 with the order, not a replay of the 201', () => {
    const upsert = run({ scenario: 'payment-lost-response', strategies: ['upsert'] })('upsert');
    const responses = upsert.trace.flatMap((e) =>
      e.kind === 'response'
        ? [[e.attempt, e.status, e.headers['Idempotent-Replayed'] ?? null, e.body]]
        : [],
    );
    expect(responses.map((r) => r.slice(0, 3))).toEqual([
      [1, 201, null],
      [2, 200, null],
    ]);
    expect(responses[1]?.[3]).toEqual(responses[0]?.[3]);
    expect(upsert.operations).toEqual([
      { op: 1, client: 'customer-1', result: 'ok', attempts: 2, status: 200 },
    ]);
  });
});

describe('over 150 seeds of duplicated deliveries', () => {
  test('check-then-insert charges twice on some; idempotency-key and upsert on none', () => {
    let raced = 0;
    for (let seed = 0; seed < 150; seed++) {
      const of = run({
        scenario: 'payment-lost-response',
        seed,
        strategies: ['check-then-insert', 'idempotency-key', 'upsert'],
        knobs: { duplicate: 1 },
      });
      if (holds(of('check-then-insert'), 'one-charge-per-intent') === false) raced++;
      expect(broken(of('idempotency-key')), `seed ${seed}`).toEqual([]);
      expect(broken(of('upsert')), `seed ${seed}`).toEqual([]);
    }
    expect(raced).toBeGreaterThan(10);
  });
});

describe('upsert over random fault schedules', () => {
  test('never makes a second order or charge, over 300 seeds and knob settings', () => {
    fc.assert(
      fc.property(seed, paymentKnobs, (s, knobs) => {
        const upsert = run({
          scenario: 'payment-lost-response',
          seed: s,
          knobs,
          strategies: ['upsert'],
        })('upsert');
        expect(broken(upsert)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('with faults off', () => {
  test('every strategy here pays each payment once and holds every invariant: the bugs need a fault', () => {
    const strategies = ['upsert', 'check-then-insert', 'key-after-effect', 'new-key-per-retry'];
    for (let s = 0; s < 20; s++) {
      const of = run({
        scenario: 'payment-lost-response',
        seed: s,
        faults: false,
        knobs: { payments: 3 },
        strategies,
      });
      for (const id of strategies) {
        expect(broken(of(id)), `${id}, seed ${s}`).toEqual([]);
        expect(of(id).effects).toMatchObject({ 'card-charged': 3, 'order-created': 3 });
      }
    }
  });
});
