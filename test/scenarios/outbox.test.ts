// The transactional outbox inside whole runs: every completed payment's event reaches the
// broker, and a relay that dies between publishing and marking publishes it again.
import { beforeAll, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const verdict = (run: StrategyRun, id: string) => run.invariants.find((i) => i.id === id);
const outboxRun = (seed: number, knobs: Record<string, unknown>, faults = true) =>
  engine.run({ scenario: 'payment-lost-response', seed, faults, strategies: ['outbox'], knobs })
    .runs[0]!;

test('with nothing going wrong, each completed payment is published once, after its commit', () => {
  const run = outboxRun(0, { payments: 3 }, false);
  expect(run.effects['event-published']).toBe(3);
  const outbox = run.tables.outbox!;
  const published = outbox.columns.indexOf('published_at');
  expect(outbox.rows.map((r) => r[published] !== null)).toEqual([true, true, true]);
  const committed = run.trace
    .filter((e) => e.kind === 'step' && e.step === 'finish')
    .map((e) => e.at);
  const publishes = run.trace
    .filter((e) => e.kind === 'effect' && e.name === 'event-published')
    .map((e) => e.at);
  publishes.forEach((at, i) => expect(at).toBeGreaterThan(committed[i]!));
});

test('a relay that crashes after publishing publishes again: at least once, so downstream must dedupe', () => {
  const seed = [...Array(300).keys()].find((s) =>
    outboxRun(s, { crash: 0.2, payments: 3 }).trace.some(
      (e) => e.kind === 'crash' && e.afterStep === 'publish',
    ),
  );
  expect(seed).toBeDefined();
  const run = outboxRun(seed!, { crash: 0.2, payments: 3 });
  expect(verdict(run, 'published-once')?.holds).toBe(false);
  expect(verdict(run, 'events-relayed')?.holds).toBe(true);
  expect(verdict(run, 'one-charge-per-intent')?.holds).toBe(true);
});

test('a crash right after the payment commits loses no event: it was written in the same transaction', () => {
  const seed = [...Array(300).keys()].find((s) =>
    outboxRun(s, { crash: 0.2 }).trace.some((e) => e.kind === 'crash' && e.afterStep === 'finish'),
  );
  expect(seed).toBeDefined();
  const run = outboxRun(seed!, { crash: 0.2 });
  expect(verdict(run, 'events-relayed')?.holds).toBe(true);
  expect(run.effects['event-published']).toBeGreaterThanOrEqual(1);
});
