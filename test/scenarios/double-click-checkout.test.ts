// The double-click story: a look-up followed by a write races two near-simultaneous clicks, an
// atomic claim does not, and a key minted per click defeats even the atomic claim.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import { SCENARIOS } from '../../src/scenarios/index.ts';
import type { TraceEvent } from '../../src/sim/trace.ts';
import { loadEngine } from '../support/engine.ts';
import { holds } from './runs.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const STORY = 'double-click-checkout';
const storySeed = SCENARIOS.get(STORY)!.storySeed;

function play(strategies: string[], knobs = {}, seed = storySeed): StrategyRun[] {
  return engine.run({ scenario: STORY, seed, strategies, knobs }).runs;
}
/** When each execution ran a step, in trace order: "exec:step". */
const steps = (trace: TraceEvent[]) =>
  trace.flatMap((e) => (e.kind === 'step' ? [`${e.exec}:${e.step}`] : []));
const requestKeys = (run: StrategyRun) =>
  run.trace.flatMap((e) => (e.kind === 'request' ? [e.key] : []));

describe(STORY, () => {
  test('on the story seed both clicks look the key up before either writes it: check-then-insert pays twice', () => {
    const [racy] = play(['check-then-insert']);
    const order = steps(racy!.trace);
    // Both look-ups come before the first insert: the gap a second click walks through.
    const firstInsert = order.findIndex((s) => s.endsWith(':insert-key'));
    expect(order.slice(0, firstInsert)).toEqual(['1:check-key', '2:check-key']);
    expect(racy!.effects).toMatchObject({ 'card-charged': 2, 'order-created': 2 });
    expect(holds(racy!, 'one-charge-per-intent')).toBe(false);
    // Two rows for one key: the table has no unique constraint to stop the second insert.
    expect(holds(racy!, 'one-row-per-key')).toBe(false);
  });

  test('on the same schedule the atomic claim answers the second click 409, then replays the order', () => {
    const [keyed] = play(['idempotency-key']);
    const answers = keyed!.trace.flatMap((e) =>
      e.kind === 'response' ? [[e.op, e.status, e.headers['Idempotent-Replayed'] ?? null]] : [],
    );
    expect(answers[0]).toEqual([2, 409, null]);
    expect(answers).toContainEqual([1, 201, null]);
    expect(answers.at(-1)).toEqual([2, 201, 'true']);
    expect(keyed!.effects).toMatchObject({ 'card-charged': 1, 'order-created': 1 });
    expect(keyed!.tables.idempotency_keys?.rows).toHaveLength(1);
    expect(keyed!.invariants.filter((i) => !i.holds)).toEqual([]);
  });

  test('both clicks send the form’s key; minted per click, they send two keys and the store charges twice', () => {
    const [perForm] = play(['idempotency-key']);
    expect(new Set(requestKeys(perForm!)).size).toBe(1);
    const [perClick, upsert] = play(['idempotency-key', 'upsert'], { keyMintedAt: 'click' });
    expect(new Set(requestKeys(perClick!)).size).toBe(2);
    expect(perClick!.effects['card-charged']).toBe(2);
    expect(perClick!.tables.idempotency_keys?.rows).toHaveLength(2);
    // The natural key (the payment intent, made with the page) still holds.
    expect(upsert!.effects['card-charged']).toBe(1);
  });

  test('clicks far enough apart never race check-then-insert, on any seed; naive always pays twice', () => {
    for (let seed = 0; seed < 20; seed++) {
      const [racy, naive] = play(['check-then-insert', 'naive'], { clickGapMs: 500 }, seed);
      expect(racy!.effects['card-charged'], `seed ${seed}`).toBe(1);
      expect(naive!.effects['card-charged'], `seed ${seed}`).toBe(2);
    }
  });

  test('key-after-effect leaves a window as long as the charge: a click 150 ms later pays again', () => {
    const [late, racy] = play(['key-after-effect', 'check-then-insert'], { clickGapMs: 150 });
    const order = steps(late!.trace);
    // The second click's look-up comes after the first one charged, but before it stored its key.
    expect(order.indexOf('2:check-key')).toBeGreaterThan(order.indexOf('1:charge-card'));
    expect(order.indexOf('2:check-key')).toBeLessThan(order.indexOf('1:store-key'));
    expect(late!.effects['card-charged']).toBe(2);
    expect(racy!.effects['card-charged']).toBe(1);
  });

  test('with faults off the customer clicks once and every strategy charges once', () => {
    const { runs } = engine.run({
      scenario: STORY,
      faults: false,
      strategies: ['naive', 'check-then-insert', 'idempotency-key'],
    });
    for (const run of runs) {
      expect(run.operations, run.strategy).toHaveLength(1);
      expect(run.effects, run.strategy).toMatchObject({ 'card-charged': 1, 'order-created': 1 });
    }
  });
});
