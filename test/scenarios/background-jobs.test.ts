// The key store's background jobs inside whole runs: brandur's completer finishes what a crash
// abandoned after the client gave up; without it, the key stays unfinished.
import { beforeAll, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const knobs = { crash: 0.3, retries: 0 } as const;
const keyStates = (profile: string, seed: number) => {
  const run = engine.run({
    scenario: 'payment-lost-response',
    seed,
    strategies: ['idempotency-key'],
    knobs: { ...knobs, profile },
  }).runs[0]!;
  const state = run.tables.idempotency_keys!.columns.indexOf('state');
  return { run, states: run.tables.idempotency_keys!.rows.map((row) => row[state]) };
};

/**
 * Seed 0 with a 30 % crash chance and no retries: the server crashes right after charging the
 * card, and the client, with no retry left, gives up. A literal seed, because the crash is drawn:
 * the first assertions check the case is there, so a change that moves it fails the test instead
 * of leaving it nothing to read.
 */
const ABANDONED = 0;

test("brandur's completer re-drives a key its client abandoned, and finishes it once", () => {
  const ietf = keyStates('ietf', ABANDONED);
  const crash = ietf.run.trace.find((e) => e.kind === 'crash');
  expect(crash?.kind === 'crash' && crash.afterStep).toBe('charge-card');
  expect(ietf.run.operations[0]?.result).toBe('gave-up');
  expect(ietf.states).toContain('IN_PROGRESS');
  expect(ietf.run.trace.some((e) => e.kind === 'job')).toBe(false);

  const brandur = keyStates('brandur', ABANDONED);
  const jobs = brandur.run.trace.filter((e) => e.kind === 'job' && e.name === 'completer');
  expect(jobs.length).toBeGreaterThan(0);
  expect(jobs[0]!.at).toBeGreaterThanOrEqual(5 * 60_000); // brandur's threshold: 5 minutes old
  expect(brandur.states).toEqual(['COMPLETED']);
  expect(brandur.run.effects['card-charged']).toBe(1);
  expect(brandur.run.invariants.filter((i) => !i.holds)).toEqual([]);
  // The completer's execution answers nobody: its response is recorded, not sent.
  const background = brandur.run.trace.filter((e) => e.kind === 'response' && e.op === 0);
  expect(background.map((e) => e.kind === 'response' && e.status)).toEqual([201]);
});
