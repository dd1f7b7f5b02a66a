// The exactly-once story: on one fault schedule, acking first loses a message, acking after the
// work doubles one, and acking after an idempotent consumer's work counts each message once.
import type { SqlJsStatic } from 'sql.js';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import { STRATEGIES } from '../../src/server/strategies/index.ts';
import { paymentCompleted } from '../../src/scenarios/consumer-world.ts';
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

const message = received(paymentCompleted('broker')(1, 0));

describe('a redelivery after the consumer restarted', () => {
  test.each([
    ['memory-dedupe', 2],
    ['inbox', 1],
  ])('%s invoices %i times', (strategy, invoices) => {
    const env = serve(SQL, STRATEGIES.get(strategy)!, config);
    env.start(message).finish(0);
    // The process dies and comes back before the broker redelivers.
    env.handler.restart();
    expect(env.start(message).finish(3000).status).toBe(200);
    expect(env.count('invoices')).toBe(invoices);
  });
});

describe('exactly-once-myth, on its story seed', () => {
  const play = () =>
    engine.run({
      scenario: 'exactly-once-myth',
      strategies: ['ack-before-process', 'naive', 'inbox'],
    }).runs;
  const crashes = (run: StrategyRun) =>
    run.trace.filter((e) => e.kind === 'crash').map((e) => e.afterStep);
  const invoiced = (run: StrategyRun) => run.tables.invoices!.rows.map((row) => row[1]).sort();
  const broken = (run: StrategyRun) =>
    run.invariants.filter((i) => !i.holds).map((i) => [i.id, i.detail]);

  test('ack-before-process crashes between its ack and the work: pi_3 is acknowledged and lost', () => {
    const [first] = play();
    expect(crashes(first!)).toContain('ack');
    expect(first!.trace.some((e) => e.kind === 'receive' && e.op === 3 && e.status === 200)).toBe(
      true,
    );
    expect(invoiced(first!)).toEqual(['pi_1', 'pi_2', 'pi_4', 'pi_5']);
    expect(broken(first!)).toEqual([
      ['nothing-lost', 'the event for pi_3 was acknowledged but never processed.'],
    ]);
  });

  test('naive crashes between the work and its ack: the broker redelivers pi_1 and it is invoiced again', () => {
    const [, naive] = play();
    expect(crashes(naive!)[0]).toBe('apply-event');
    expect(invoiced(naive!)).toEqual(['pi_1', 'pi_1', 'pi_2', 'pi_3', 'pi_4', 'pi_5']);
    expect(broken(naive!)).toEqual([
      ['nothing-doubled', 'evt_1 was processed 2 times: pi_1 has 2 invoices.'],
    ]);
  });

  test('the inbox meets the same crashes and acknowledges the redelivery without doing the work', () => {
    const [, , inbox] = play();
    expect(crashes(inbox!)[0]).toBe('apply-event');
    expect(invoiced(inbox!)).toEqual(['pi_1', 'pi_2', 'pi_3', 'pi_4', 'pi_5']);
    expect(inbox!.tables.processed_messages!.rows).toHaveLength(5);
    const duplicates = inbox!.trace.flatMap((e) =>
      e.kind === 'response' && JSON.stringify(e.body).includes('"duplicate":true') ? [e.op] : [],
    );
    expect(duplicates).toContain(1);
    expect(broken(inbox!)).toEqual([]);
  });
});
