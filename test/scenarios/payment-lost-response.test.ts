// The lost-response story: on its story seed the lesson shows at once; without faults nothing diverges.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import type { TraceEvent } from '../../src/sim/trace.ts';
import { loadEngine } from '../support/engine.ts';
import { runOf } from './runs.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const firstIndex = (trace: TraceEvent[], match: (e: TraceEvent) => boolean) =>
  trace.findIndex(match);

describe('payment-lost-response', () => {
  test('on its story seed the response to attempt 1 is lost after the charge: naive charges twice', () => {
    const { runs } = engine.run({ scenario: 'payment-lost-response' });
    const naive = runOf(runs, 'naive');
    const charged = firstIndex(
      naive.trace,
      (e) => e.kind === 'effect' && e.name === 'card-charged',
    );
    const lost = firstIndex(
      naive.trace,
      (e) => e.kind === 'lost' && e.message === 'response' && e.attempt === 1,
    );
    expect(charged).toBeGreaterThanOrEqual(0);
    expect(lost).toBeGreaterThan(charged);
    expect(naive.effects['card-charged']).toBe(2);
    expect(naive.invariants.find((i) => i.id === 'one-charge-per-intent')).toMatchObject({
      holds: false,
      detail: 'pi_1 was charged 2 times (ch_1, ch_2).',
    });
  });

  test('on the same schedule idempotency-key charges once and replays the first answer', () => {
    const { runs } = engine.run({ scenario: 'payment-lost-response' });
    const keyed = runOf(runs, 'idempotency-key');
    expect(keyed.effects['card-charged']).toBe(1);
    expect(keyed.invariants.every((i) => i.holds)).toBe(true);
    const responses = keyed.trace.filter((e) => e.kind === 'response');
    expect(
      responses.map(
        (r) =>
          r.kind === 'response' && [r.attempt, r.status, r.headers['Idempotent-Replayed'] ?? null],
      ),
    ).toEqual([
      [1, 201, null],
      [2, 201, 'true'],
    ]);
    expect(keyed.operations).toEqual([
      { op: 1, client: 'customer-1', result: 'ok', attempts: 2, status: 201 },
    ]);
  });

  test('both strategies meet the same fault schedule', () => {
    const { runs } = engine.run({ scenario: 'payment-lost-response' });
    const fates = (run: StrategyRun) =>
      run.trace.flatMap((e) =>
        e.kind === 'choice' && e.label.startsWith('net/') ? [`${e.label}=${e.value}`] : [],
      );
    const naive = fates(runOf(runs, 'naive'));
    const keyed = new Set(fates(runOf(runs, 'idempotency-key')));
    expect(naive.length).toBeGreaterThan(0);
    for (const fate of naive) expect(keyed.has(fate)).toBe(true);
  });

  test('with faults off nothing is lost and both strategies do the same', () => {
    const { runs } = engine.run({
      scenario: 'payment-lost-response',
      faults: false,
      knobs: { payments: 5 },
    });
    for (const run of runs) {
      expect(run.invariants.every((i) => i.holds)).toBe(true);
      expect(
        run.trace.some((e) => e.kind === 'lost' || e.kind === 'timeout' || e.kind === 'duplicated'),
      ).toBe(false);
      expect(run.effects).toEqual({ 'card-charged': 5, 'order-created': 5 });
    }
  });
});
