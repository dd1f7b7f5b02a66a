// The key-retention story: the key table's size over time, the reaper deleting, and a retry after expiry that runs again.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import type { TraceEvent } from '../../src/sim/trace.ts';
import { loadEngine } from '../support/engine.ts';
import { runOf } from './runs.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const HOUR_MS = 3_600_000;
type JobEvent = Extract<TraceEvent, { kind: 'job' }>;
const reaperRuns = (run: StrategyRun) =>
  run.trace.filter((e): e is JobEvent => e.kind === 'job' && e.name === 'reaper');

describe('key-retention', () => {
  test('the key table grows 2 keys an hour, then the reaper holds it at 12 (2 an hour × 6 h)', () => {
    const { runs } = engine.run({ scenario: 'key-retention', strategies: ['idempotency-key'] });
    const series = reaperRuns(runs[0]!);
    // Every reaper run is traced, every 15 min, each with the table's size.
    expect(series.length).toBeGreaterThan(30);
    expect(series.every((e, i) => e.at === (i + 1) * 15 * 60_000)).toBe(true);
    const sizes = series.map((e) => e.size);
    expect(Math.max(...(sizes as number[]))).toBe(12);
    expect(sizes.at(-1)).toBe(12);
    // It deletes from hour 6 on: every key older than its retention goes.
    const deleting = runs[0]!.jobRuns.filter((j) => j.name === 'reaper' && j.count > 0);
    expect(deleting.length).toBeGreaterThan(0);
    expect(deleting[0]!.at).toBeGreaterThan(6 * HOUR_MS);
    expect(runs[0]!.tables.idempotency_keys?.rows.length).toBe(12);
  });

  test('retention 3 h: the reaper deletes payment 1’s key, and its last retry charges again', () => {
    const { runs } = engine.run({
      scenario: 'key-retention',
      knobs: { retentionHours: 3 },
      strategies: ['idempotency-key'],
    });
    const run = runs[0]!;
    const lastAttempt = run.trace.find(
      (e) => e.kind === 'request' && e.op === 1 && e.attempt === 4,
    );
    const firstDeletion = run.jobRuns.find((j) => j.name === 'reaper' && j.count === 1);
    expect(lastAttempt && firstDeletion).toBeTruthy();
    expect(firstDeletion!.at).toBeLessThan(lastAttempt!.at);
    expect(lastAttempt!.at).toBeGreaterThan(3 * HOUR_MS);
    const charges = run.trace.filter(
      (e) => e.kind === 'effect' && e.name === 'card-charged' && e.subject === 'pi_1',
    );
    expect(charges).toHaveLength(2);
    expect(run.invariants.find((i) => i.id === 'one-charge-per-intent')).toMatchObject({
      holds: false,
    });
    // The late retry is answered 201 as a new payment, not replayed.
    const responses = run.trace.filter((e) => e.kind === 'response' && e.op === 1);
    const last = responses.at(-1);
    expect(last?.kind === 'response' && last.headers['Idempotent-Replayed']).toBeFalsy();
  });

  // stories.test.ts holds the key store to every invariant on the story seed; this says why it
  // holds there (its random-seed property exempts the retention limit, so it cannot).
  test('the default 6 h retention outlives payment 1’s retries: its last attempt, about 3.5 h in, is replayed', () => {
    const { runs } = engine.run({ scenario: 'key-retention', strategies: ['idempotency-key'] });
    const run = runs[0]!;
    const attempts = run.trace.filter((e) => e.kind === 'request' && e.op === 1);
    expect(attempts).toHaveLength(4);
    const lastAt = attempts.at(-1)!.at;
    expect(lastAt).toBeGreaterThan(3 * HOUR_MS);
    expect(lastAt).toBeLessThan(6 * HOUR_MS);
    const responses = run.trace.filter((e) => e.kind === 'response' && e.op === 1);
    const last = responses.at(-1);
    expect(last?.kind === 'response' && last.headers['Idempotent-Replayed']).toBe('true');
    expect(run.invariants.find((i) => i.id === 'one-charge-per-intent')?.holds).toBe(true);
  });

  test('the naive server charges payment 1 on each of its 4 attempts; the key store replays', () => {
    const { runs } = engine.run({ scenario: 'key-retention' });
    const count = (run: StrategyRun) =>
      run.trace.filter(
        (e) => e.kind === 'effect' && e.name === 'card-charged' && e.subject === 'pi_1',
      ).length;
    expect(count(runOf(runs, 'naive'))).toBe(4);
    expect(count(runOf(runs, 'idempotency-key'))).toBe(1);
  });

  test('storage reporting is off by default: other stories trace the reaper only when it deletes', () => {
    const { runs } = engine.run({
      scenario: 'payment-lost-response',
      knobs: { payments: 5 },
      strategies: ['idempotency-key'],
    });
    expect(reaperRuns(runs[0]!).some((e) => e.size !== undefined)).toBe(false);
  });
});
