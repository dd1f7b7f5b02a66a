// The webhook story: each buggy consumer breaks on the case that exposes it, while the inbox
// holds on the same run; and the inbox holds under random redeliveries, losses and crashes.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import { seed } from '../support/arbitraries.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

function play(which: string, strategy: string): { buggy: StrategyRun; inbox: StrategyRun } {
  const { runs } = engine.run({
    scenario: 'webhook-duplicates',
    strategies: [strategy, 'inbox'],
    knobs: { case: which },
  });
  return { buggy: runs[0]!, inbox: runs[1]! };
}
const broken = (run: StrategyRun) =>
  run.invariants.filter((i) => !i.holds).map((i) => [i.id, i.detail]);

describe('webhook-duplicates', () => {
  test.each([
    [
      'naive',
      'redelivery',
      'one-invoice-per-payment',
      'pi_1 was invoiced 2 times (deliveries of evt_1, evt_1).',
    ],
    [
      'memory-dedupe',
      'crash-before-ack',
      'one-invoice-per-payment',
      'pi_1 was invoiced 2 times (deliveries of evt_1, evt_1).',
    ],
    [
      'short-dedupe-window',
      'late-redelivery',
      'one-invoice-per-payment',
      'pi_1 was invoiced 2 times (deliveries of evt_1, evt_1).',
    ],
    [
      'ack-before-process',
      'crash-after-ack',
      'nothing-lost',
      'the event for pi_1 was acknowledged but never processed.',
    ],
    [
      'auto-increment-dedupe',
      'out-of-order',
      'nothing-lost',
      'the event for pi_1 was acknowledged but never processed.',
    ],
  ])('%s breaks on %s; the inbox holds on the same run', (strategy, which, invariant, detail) => {
    const { buggy, inbox } = play(which, strategy);
    expect(broken(buggy)).toEqual([[invariant, detail]]);
    expect(broken(inbox)).toEqual([]);
    expect(inbox.effects).toMatchObject({ 'invoice-created': which === 'out-of-order' ? 2 : 1 });
  });

  test('a stale event redelivered last: only the version check keeps the newest status', () => {
    const { runs } = engine.run({
      scenario: 'webhook-duplicates',
      strategies: ['inbox', 'version-check', 'naive'],
      knobs: { case: 'stale-event' },
    });
    const [inbox, versioned, naive] = runs;
    const latest = 'pi_1 shows “processing”, but its newest event says “completed”.';
    expect(broken(inbox!)).toEqual([['status-is-latest', latest]]);
    expect(broken(naive!)).toEqual([['status-is-latest', latest]]);
    expect(broken(versioned!)).toEqual([]);
    expect(versioned!.tables.payment_status?.rows).toEqual([['pi_1', 'completed', 2]]);
  });

  test('the version check alone does not stop a redelivery from invoicing twice (its limit)', () => {
    const { buggy } = play('redelivery', 'version-check');
    expect(broken(buggy).map(([id]) => id)).toEqual(['one-invoice-per-payment']);
  });

  test('the sender redelivers on its own schedule: the late redelivery comes minutes after the first', () => {
    const { buggy: naive } = play('late-redelivery', 'naive');
    const deliveries = naive.trace.filter((e) => e.kind === 'deliver').map((e) => e.at);
    expect(deliveries).toHaveLength(4);
    expect(deliveries[3]! - deliveries[0]!).toBeGreaterThan(5 * 60_000);
  });

  test('an acknowledgement already sent survives the crash that follows it', () => {
    const { buggy } = play('crash-after-ack', 'ack-before-process');
    const kinds = buggy.trace
      .filter((e) => ['response', 'crash', 'receive'].includes(e.kind))
      .map((e) => e.kind);
    expect(kinds).toEqual(['response', 'crash', 'receive']);
    expect(buggy.operations).toEqual([{ op: 1, result: 'ok', attempts: 1, status: 200 }]);
  });

  test('the inbox never invoices twice or loses an acknowledged event under random faults', () => {
    const ratio = fc.double({ min: 0, max: 0.5, noNaN: true });
    fc.assert(
      fc.property(
        seed,
        ratio,
        ratio,
        ratio,
        ratio,
        fc.constantFrom('redelivery', 'out-of-order'),
        (s, requestLoss, responseLoss, duplicate, crash, which) => {
          const run = engine.run({
            scenario: 'webhook-duplicates',
            seed: s,
            strategies: ['inbox'],
            knobs: {
              case: which,
              requestLoss,
              responseLoss,
              duplicate,
              crash,
              latencySpreadMs: 500,
            },
          }).runs[0]!;
          expect(broken(run)).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
