// The public engine contract (docs/architecture.md, The engine contract): shapes other tools rely on, and its errors.
import { beforeAll, describe, expect, test } from 'vitest';
import { scenarioInfos, type Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const SCENARIO = 'payment-lost-response';

describe('scenarios()', () => {
  test('lists each story with its strategies, knobs and story seed', () => {
    const info = engine.scenarios().find((s) => s.id === SCENARIO);
    expect(info).toMatchObject({
      id: SCENARIO,
      title: expect.any(String),
      summary: expect.any(String),
      storySeed: expect.any(Number),
    });
    expect(info?.strategies.map((s) => [s.id, s.correct])).toEqual([
      ['naive', false],
      ['idempotency-key', true],
      ['upsert', true],
      ['outbox', true],
      ['check-then-insert', false],
      ['key-after-effect', false],
      ['new-key-per-retry', false],
      ['global-key-scope', false],
      ['no-fingerprint', false],
      ['cache-5xx', false],
      ['no-lease-expiry', false],
      ['lease-no-fence', false],
    ]);
    expect(info?.defaultStrategies).toEqual(['naive', 'idempotency-key']);
    for (const knob of info?.knobs ?? []) {
      expect(['int', 'ratio', 'bool', 'choice']).toContain(knob.kind);
      expect(knob.label.length).toBeGreaterThan(0);
      if (knob.kind === 'int' || knob.kind === 'ratio')
        expect(knob.default).toBeGreaterThanOrEqual(knob.min);
      if (knob.kind === 'ratio') expect(knob.max).toBeLessThanOrEqual(1);
    }
  });

  test('is plain data (it crosses the worker boundary)', () => {
    const info = engine.scenarios();
    expect(structuredClone(info)).toEqual(info);
  });

  test('needs no database: scenarioInfos() gives the same list (the worker answers it while sql.js loads)', () => {
    expect(scenarioInfos()).toEqual(engine.scenarios());
  });
});

describe('run()', () => {
  test('defaults: the story seed, faults on, the default strategies, every knob resolved', () => {
    const result = engine.run({ scenario: SCENARIO });
    const info = engine.scenarios().find((s) => s.id === SCENARIO);
    expect(result.seed).toBe(info?.storySeed);
    expect(result.faults).toBe(true);
    expect(result.runs.map((r) => r.strategy)).toEqual(['naive', 'idempotency-key']);
    expect(Object.keys(result.knobs).sort()).toEqual(info?.knobs.map((k) => k.id).sort());
    expect(result.knobs.retries).toBe(3);
  });

  test('a knob passed in is used and reported', () => {
    expect(engine.run({ scenario: SCENARIO, knobs: { retries: 0 } }).knobs.retries).toBe(0);
  });

  test('responses carry status and headers; effects carry a name; effects are counted by name', () => {
    const result = engine.run({ scenario: SCENARIO, strategies: ['naive'] });
    const run = result.runs[0]!;
    const responses = run.trace.filter((e) => e.kind === 'response');
    expect(responses.length).toBeGreaterThan(0);
    for (const r of responses) {
      expect(typeof r.status).toBe('number');
      expect(typeof r.headers).toBe('object');
    }
    const effects = run.trace.filter((e) => e.kind === 'effect');
    const counted: Record<string, number> = {};
    for (const e of effects) counted[e.name] = (counted[e.name] ?? 0) + 1;
    expect(run.effects).toEqual(counted);
  });

  test('each strategy run carries invariants, final tables and a trace hash', () => {
    const run = engine.run({ scenario: SCENARIO, strategies: ['idempotency-key'] }).runs[0]!;
    expect(run.invariants.map((i) => i.id)).toEqual([
      'one-charge-per-intent',
      'one-order-per-intent',
      'one-row-per-key',
      'own-keys',
      'own-answers',
      'answers-match',
      'no-stored-failure',
      'leases-end',
      'no-stale-writes',
      'events-relayed',
      'published-once',
    ]);
    for (const i of run.invariants)
      expect(i).toMatchObject({
        title: expect.any(String),
        holds: true,
        detail: expect.any(String),
      });
    expect(run.tables.idempotency_keys?.columns).toContain('idem_key');
    expect(run.tables.idempotency_keys?.rows).toHaveLength(1);
    expect(run.tables.orders?.rows).toHaveLength(1);
    expect(run.traceHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a result is plain data (it crosses the worker boundary)', () => {
    const result = engine.run({ scenario: SCENARIO });
    expect(structuredClone(result)).toEqual(result);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

describe('bad input is refused with an Error naming the value and what is allowed', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'unknown scenario',
      { scenario: 'nope' },
      /Unknown scenario "nope"\. Scenarios: .*payment-lost-response/,
    ],
    ['missing scenario', {}, /Unknown scenario undefined/],
    [
      'unknown strategy',
      { scenario: SCENARIO, strategies: ['magic'] },
      /Unknown strategy "magic" .* Strategies: naive, idempotency-key/,
    ],
    ['no strategies', { scenario: SCENARIO, strategies: [] }, /non-empty/],
    ['a strategy twice', { scenario: SCENARIO, strategies: ['naive', 'naive'] }, /twice/],
    [
      'unknown knob',
      { scenario: SCENARIO, knobs: { retires: 3 } },
      /Unknown knob "retires" .*Knobs: .*retries/,
    ],
    [
      'knob above its range',
      { scenario: SCENARIO, knobs: { retries: 99 } },
      /Knob "retries" is 99; it must be an integer from 0 to 10/,
    ],
    [
      'fractional int knob',
      { scenario: SCENARIO, knobs: { retries: 1.5 } },
      /Knob "retries" is 1.5/,
    ],
    [
      'ratio above 1',
      { scenario: SCENARIO, knobs: { responseLoss: 1.2 } },
      /Knob "responseLoss" is 1.2; it must be a number from 0 to 1/,
    ],
    [
      'wrong type',
      { scenario: SCENARIO, knobs: { pspKeys: 'yes' } },
      /Knob "pspKeys" is "yes"; it must be true or false/,
    ],
    ['knobs not an object', { scenario: SCENARIO, knobs: [1] }, /knobs must be an object/],
    [
      'negative seed',
      { scenario: SCENARIO, seed: -1 },
      /Seed -1 is not allowed; a seed is an integer from 0 to 4294967295/,
    ],
    ['fractional seed', { scenario: SCENARIO, seed: 1.5 }, /Seed 1.5/],
    [
      'faults not boolean',
      { scenario: SCENARIO, faults: 'no' },
      /faults is "no"; it must be true or false/,
    ],
    ['unknown option', { scenario: SCENARIO, sed: 4 }, /Unknown run option "sed"/],
  ];
  test.each(cases)('%s', (_name, options, message) => {
    expect(() => engine.run(options as never)).toThrow(message);
  });
});

describe('scripted cases explain themselves', () => {
  test('every option of a case knob comes with a sentence for the page', () => {
    let stories = 0;
    for (const info of engine.scenarios()) {
      const knob = info.knobs.find((k) => k.id === 'case');
      if (knob?.kind !== 'choice') continue;
      stories++;
      for (const option of knob.options)
        expect(knob.optionHelp?.[option], `${info.id} ${option}`).toMatch(/^[A-Z].*\.$/);
    }
    expect(stories).toBeGreaterThanOrEqual(2);
  });
});
