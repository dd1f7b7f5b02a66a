// The high-water-mark story: a copy checked before the first one commits is processed twice, and
// an event that arrives after a later one is dropped; the inbox, claiming the id with the work,
// does neither.
import type { SqlJsStatic } from 'sql.js';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import { autoIncrementDedupe } from '../../src/server/strategies/auto-increment-dedupe.ts';
import { inbox } from '../../src/server/strategies/inbox.ts';
import { paymentCompleted } from '../../src/scenarios/consumer-world.ts';
import type { HttpRequest } from '../../src/sim/http.ts';
import { loadEngine } from '../support/engine.ts';
import { serve } from '../support/server.ts';
import { loadSql } from '../support/sql.ts';
import { CONSUMER_CONFIG as config, received } from './consumer-steps.ts';

let SQL: SqlJsStatic;
let engine: Engine;
beforeAll(async () => {
  SQL = await loadSql();
  engine = await loadEngine();
});

/** The story's own event n, as the consumer receives it. */
const completed = (n: number): HttpRequest => received(paymentCompleted('payments-provider')(n, 0));

describe('the high-water mark, step by step', () => {
  test('a copy checked before the first copy commits is processed too', () => {
    const env = serve(SQL, autoIncrementDedupe, config);
    const first = env.start(completed(1));
    const copy = env.start(completed(1));
    expect(first.step(0)).toBe('check-seen');
    // The first copy's number is not recorded yet: the second sees no high-water mark.
    expect(copy.step(5)).toBe('check-seen');
    first.finish(100);
    copy.finish(105);
    expect(env.count('invoices')).toBe(2);
    // The row it relies on is one row: the clash was ignored, not taken as a duplicate.
    expect(env.count('processed_messages')).toBe(1);
  });

  test('the inbox claims the id in the same transaction as the work: the copy finds it', () => {
    const env = serve(SQL, inbox, config);
    env.start(completed(1)).finish(0);
    expect(env.start(completed(1)).finish(5).body).toEqual({ received: true, duplicate: true });
    expect(env.count('invoices')).toBe(1);
  });

  test('a copy that arrives after the first committed is caught', () => {
    const env = serve(SQL, autoIncrementDedupe, config);
    env.start(completed(1)).finish(0);
    const copy = env.start(completed(1));
    expect(copy.finish(1000).body).toEqual({ received: true, duplicate: true });
    expect(copy.steps).toEqual(['check-seen']);
    expect(env.count('invoices')).toBe(1);
  });

  test('an event that arrives after a later one is acknowledged and thrown away', () => {
    const env = serve(SQL, autoIncrementDedupe, config);
    env.start(completed(2)).finish(0);
    expect(env.start(completed(1)).finish(300).status).toBe(200);
    expect(env.db.all('SELECT intent FROM invoices ORDER BY id')).toEqual([{ intent: 'pi_2' }]);
  });
});

describe('auto-increment-dedupe, on its story seed', () => {
  const play = () =>
    engine.run({
      scenario: 'auto-increment-dedupe',
      strategies: ['auto-increment-dedupe', 'inbox'],
    }).runs;
  const broken = (run: StrategyRun) =>
    run.invariants.filter((i) => !i.holds).map((i) => [i.id, i.detail]);

  test('shows both failures at once, and the inbox neither', () => {
    const [highest, claimed] = play();
    expect(broken(highest!)).toEqual([
      ['nothing-lost', 'the event for pi_1 was acknowledged but never processed.'],
      ['nothing-doubled', 'evt_4 was processed 2 times: pi_4 has 2 invoices.'],
    ]);
    expect(broken(claimed!)).toEqual([]);
  });

  test('the doubled event is a network copy; the dropped one is a redelivery after a lost request', () => {
    const [highest] = play();
    const trace = highest!.trace;
    expect(trace.some((e) => e.kind === 'duplicated' && e.op === 4)).toBe(true);
    expect(trace.some((e) => e.kind === 'lost' && e.message === 'request' && e.op === 1)).toBe(
      true,
    );
    // Each copy of evt_4 passed its check before either had recorded the number.
    const steps = trace.flatMap((e) => (e.kind === 'step' ? [e] : []));
    const execsOf4 = trace.flatMap((e) => (e.kind === 'deliver' && e.op === 4 ? [e.exec] : []));
    expect(execsOf4).toHaveLength(2);
    const timesOf4 = (step: string) =>
      steps.filter((e) => e.step === step && execsOf4.includes(e.exec)).map((e) => e.at);
    const firstApply = Math.min(...timesOf4('apply-event'));
    const lastCheck = Math.max(...timesOf4('check-seen'));
    expect(lastCheck).toBeLessThan(firstApply);
  });
});
