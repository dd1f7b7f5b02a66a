// The transactional outbox inside whole runs: every completed payment's event reaches the
// broker, and a relay that dies between publishing and marking publishes it again.
import { beforeAll, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import { loadEngine } from '../support/engine.ts';
import { verdict } from './runs.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

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

// The relay's crashes are drawn, not pinned (a pinned crash names an operation's step; the relay
// runs as a job), so these cases are literal seeds of a 20 % crash chance. Each test first checks
// that its crash is there: if a change to the simulation moves it, the test fails rather than
// quietly reading a run without the case.
const crashAfter = (run: StrategyRun, step: string) =>
  run.trace.some((e) => e.kind === 'crash' && e.afterStep === step);

test('a relay that crashes after publishing publishes again: at least once, so downstream must dedupe', () => {
  // Seed 25, 3 payments: at 1000 ms the relay crashes after publishing, before it marks the rows.
  const run = outboxRun(25, { crash: 0.2, payments: 3 });
  expect(crashAfter(run, 'publish')).toBe(true);
  expect(verdict(run, 'published-once')?.holds).toBe(false);
  expect(verdict(run, 'events-relayed')?.holds).toBe(true);
  expect(verdict(run, 'one-charge-per-intent')?.holds).toBe(true);
});

test('a crash right after the payment commits loses no event: it was written in the same transaction', () => {
  // Seed 3: the server crashes right after the payment's `finish` step commits, before it answers.
  const run = outboxRun(3, { crash: 0.2 });
  expect(crashAfter(run, 'finish')).toBe(true);
  expect(verdict(run, 'events-relayed')?.holds).toBe(true);
  expect(run.effects['event-published']).toBeGreaterThanOrEqual(1);
});

test('an attempt that finishes after its client gave up still gets its event relayed', () => {
  // Both attempts stall after claiming the key; every retry meets the held lease (409) and the
  // client gives up. The second stalled attempt then finishes alone, long after the client, and
  // writes its event: the relay must look once more after the server's last execution ends.
  const knobs = { case: 'lease-expired-takeover' };
  const schedule = 'v1~s.o1.a1.c0.pclaim-key~s.o2.a1.c0.pclaim-key';
  const run = engine.run({ scenario: 'key-lifecycle', knobs, strategies: ['outbox'], schedule })
    .runs[0]!;
  // The last answer to a client (the relay's own executions are operation 0).
  const lastAnswer = run.trace.findLast((e) => e.kind === 'response' && e.op > 0);
  const gaveUp = run.trace.filter((e) => e.kind === 'outcome' && e.result === 'gave-up');
  expect(gaveUp).toHaveLength(2);
  expect(lastAnswer?.at).toBeGreaterThan(Math.max(...gaveUp.map((e) => e.at)));
  const published = run.trace.find((e) => e.kind === 'effect' && e.name === 'event-published');
  expect(published?.at).toBeGreaterThan(lastAnswer?.at ?? Infinity);
  expect(verdict(run, 'events-relayed')?.holds).toBe(true);
  expect(verdict(run, 'published-once')?.holds).toBe(true);
});
