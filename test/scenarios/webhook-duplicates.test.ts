// The webhook story: each buggy consumer breaks on the case that exposes it while the inbox
// holds; the sender redelivers on its configured schedule, on a timeout or a 5xx, and then stops;
// two events for one change get past the inbox but not past a business key.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import type { KnobValues } from '../../src/scenarios/types.ts';
import { eventOf, WEBHOOK_ID } from '../../src/server/webhooks.ts';
import type { TraceEvent } from '../../src/sim/trace.ts';
import { seed } from '../support/arbitraries.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const SCENARIO = 'webhook-duplicates';
const MIN = 60_000;
const HOUR = 60 * MIN;

function play(which: string, strategy: string): { buggy: StrategyRun; inbox: StrategyRun } {
  const { runs } = engine.run({
    scenario: SCENARIO,
    strategies: [strategy, 'inbox'],
    knobs: { case: which },
  });
  return { buggy: runs[0]!, inbox: runs[1]! };
}
function runs(strategies: string[], knobs: KnobValues, faults = true): StrategyRun[] {
  return engine.run({ scenario: SCENARIO, strategies, knobs, faults }).runs;
}
const broken = (run: StrategyRun) =>
  run.invariants.filter((i) => !i.holds).map((i) => [i.id, i.detail]);
const requests = (run: StrategyRun) =>
  run.trace.filter((e): e is Extract<TraceEvent, { kind: 'request' }> => e.kind === 'request');
const byCause = (run: StrategyRun, event: TraceEvent) => run.trace[event.cause ?? -1];

describe('webhook-duplicates: each buggy consumer on its case', () => {
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
    [
      'ack-before-process',
      'consumer-error',
      'nothing-lost',
      'the event for pi_1 was acknowledged but never processed.',
    ],
  ])('%s breaks on %s; the inbox holds on the same run', (strategy, which, invariant, detail) => {
    const { buggy, inbox } = play(which, strategy);
    expect(broken(buggy)).toEqual([[invariant, detail]]);
    expect(broken(inbox)).toEqual([]);
    const invoices = { 'out-of-order': 2, 'consumer-error': 0 }[which] ?? 1;
    expect(inbox.effects).toMatchObject({
      'invoice-created': invoices,
      'email-sent': invoices,
      'stock-reserved': invoices,
    });
  });

  test('a redelivery repeats all three effects: invoice, email and stock reservation', () => {
    const { buggy: naive } = play('redelivery', 'naive');
    expect(naive.effects).toMatchObject({
      'invoice-created': 2,
      'email-sent': 2,
      'stock-reserved': 2,
    });
    expect(naive.tables.stock_reservations?.rows).toHaveLength(2);
  });

  test('a stale event redelivered last: only the version check keeps the newest status', () => {
    const [inbox, businessKey, versioned, naive] = runs(
      ['inbox', 'inbox-business-key', 'version-check', 'naive'],
      { case: 'stale-event' },
    );
    const latest = 'pi_1 shows “processing”, but its newest event says “completed”.';
    for (const run of [inbox!, businessKey!, naive!])
      expect(broken(run), run.strategy).toEqual([['status-is-latest', latest]]);
    expect(broken(versioned!)).toEqual([]);
    expect(versioned!.tables.payment_status?.rows).toEqual([['pi_1', 'completed', 2]]);
  });

  test('the version check alone does not stop a redelivery from invoicing twice (its limit)', () => {
    const { buggy } = play('redelivery', 'version-check');
    expect(broken(buggy).map(([id]) => id)).toEqual(['one-invoice-per-payment']);
  });

  test('an acknowledgement already sent survives the crash that follows it', () => {
    const { buggy } = play('crash-after-ack', 'ack-before-process');
    const kinds = buggy.trace
      .filter((e) => ['response', 'crash', 'receive'].includes(e.kind))
      .map((e) => e.kind);
    expect(kinds).toEqual(['response', 'crash', 'receive']);
    expect(buggy.operations).toEqual([
      { op: 1, client: 'payments-provider', result: 'ok', attempts: 1, status: 200 },
    ]);
  });

  test('every delivery carries the event id in the Standard Webhooks `webhook-id` header', () => {
    expect(WEBHOOK_ID).toBe('webhook-id');
    const request = {
      method: 'POST',
      path: '/webhooks',
      client: 'payments-provider',
      headers: { 'webhook-id': 'msg_2KWP' },
      body: { event: 'evt_1', type: 'payment.completed', intent: 'pi_1' },
    };
    const input = { exec: 1, request, now: 0, locals: {}, reply: undefined };
    // The header wins over the body: it is what stays the same on every redelivery.
    expect(eventOf(input).id).toBe('msg_2KWP');
  });
});

describe('webhook-duplicates: the sender’s retry schedule', () => {
  /** When each delivery attempt of the only event left the sender, in virtual ms. */
  const sendTimes = (run: StrategyRun) => requests(run).map((e) => e.at);
  const roundTrip = 2 * 80; // the story's latency, no spread: a 500 is back 160 ms after it left

  test('a 5xx answer triggers a redelivery, on the configured backoff, capped, until the last retry', () => {
    const knobs = {
      case: 'consumer-error',
      retries: 3,
      backoffMs: 1000,
      backoffCapMs: 3000,
      jitter: 0,
    };
    const [naive] = runs(['naive'], knobs);
    // Waits 1 s, 2 s, then 4 s capped at 3 s, each after the 500 came back.
    expect(sendTimes(naive!)).toEqual([0, 1160, 3320, 6480]);
    // Every redelivery was caused by a 500 received, never by a timeout.
    expect(naive!.trace.some((e) => e.kind === 'timeout')).toBe(false);
    for (const retry of naive!.trace.filter((e) => e.kind === 'retry')) {
      const answer = byCause(naive!, retry);
      expect(answer).toMatchObject({ kind: 'receive', status: 500 });
    }
    // After its last retry the sender gives up: no fifth delivery, and the run just ends.
    expect(naive!.operations).toEqual([
      { op: 1, client: 'payments-provider', result: 'gave-up', attempts: 4, status: null },
    ]);
    expect(naive!.trace.some((e) => e.kind === 'bound-reached')).toBe(false);
    expect(naive!.effects['invoice-created']).toBe(0);
  });

  test('the default schedule is Stripe-like: 15 deliveries, doubling from 1 min to a 12 h cap, within 3 days', () => {
    const [naive] = runs(['naive'], { case: 'consumer-error', jitter: 0 });
    const times = sendTimes(naive!);
    expect(times).toHaveLength(15);
    const waits = times.slice(1).map((t, i) => t - times[i]! - roundTrip);
    expect(waits).toEqual(
      [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 720, 720, 720, 720].map((m) => m * MIN),
    );
    const last = times.at(-1)!;
    expect(last).toBeGreaterThan(2.5 * 24 * HOUR);
    expect(last).toBeLessThan(3 * 24 * HOUR);
    expect(naive!.operations[0]).toMatchObject({ result: 'gave-up', attempts: 15 });
  });

  test('with jitter, each wait is the backoff minus at most its jitter share', () => {
    const [naive] = runs(['naive'], { case: 'consumer-error', retries: 6, jitter: 0.1 });
    const times = sendTimes(naive!);
    const waits = times.slice(1).map((t, i) => t - times[i]! - roundTrip);
    waits.forEach((wait, i) => {
      const backoff = 2 ** i * MIN;
      expect(wait).toBeLessThanOrEqual(backoff);
      expect(wait).toBeGreaterThanOrEqual(backoff * 0.9);
    });
    expect(new Set(waits.map((w, i) => w === 2 ** i * MIN)).has(false)).toBe(true);
  });

  test('a lost 200 is redelivered after the sender’s timeout plus the first backoff', () => {
    const [naive] = runs(['naive'], { case: 'redelivery', jitter: 0 });
    expect(sendTimes(naive!)).toEqual([0, 15_000 + MIN]);
    const retry = naive!.trace.find((e) => e.kind === 'retry')!;
    expect(byCause(naive!, retry)).toMatchObject({ kind: 'timeout', attempt: 1 });
  });

  test('the late redelivery comes 7 to 8 minutes after the first, on the default schedule', () => {
    const { buggy: naive } = play('late-redelivery', 'naive');
    const deliveries = naive.trace.filter((e) => e.kind === 'deliver').map((e) => e.at);
    expect(deliveries).toHaveLength(4);
    expect(deliveries[3]! - deliveries[0]!).toBeGreaterThan(7 * MIN);
    expect(deliveries[3]! - deliveries[0]!).toBeLessThan(8 * MIN);
  });

  test('no retries: the sender delivers once and gives up on the first 500', () => {
    const [naive] = runs(['naive'], { case: 'consumer-error', retries: 0 });
    expect(sendTimes(naive!)).toEqual([0]);
    expect(naive!.operations).toEqual([
      { op: 1, client: 'payments-provider', result: 'gave-up', attempts: 1, status: null },
    ]);
  });
});

describe('webhook-duplicates: two events for one change', () => {
  test('the inbox invoices twice; the business key does the work once', () => {
    const [naive, inbox, businessKey] = runs(['naive', 'inbox', 'inbox-business-key'], {
      eventsPerChange: 2,
    });
    // Two events, two ids, one payment; the first one's 200 is still lost and redelivered.
    expect(requests(naive!).map((e) => [e.body.event, e.body.intent])).toEqual([
      ['evt_1', 'pi_1'],
      ['evt_2', 'pi_1'],
      ['evt_1', 'pi_1'],
    ]);
    expect(broken(naive!)).toEqual([
      ['one-invoice-per-payment', 'pi_1 was invoiced 3 times (deliveries of evt_1, evt_2, evt_1).'],
    ]);
    expect(broken(inbox!)).toEqual([
      ['one-invoice-per-payment', 'pi_1 was invoiced 2 times (deliveries of evt_1, evt_2).'],
    ]);
    expect(broken(businessKey!)).toEqual([]);
    expect(businessKey!.effects).toMatchObject({
      'invoice-created': 1,
      'email-sent': 1,
      'stock-reserved': 1,
    });
    const claims = businessKey!.tables.processed_business_keys?.rows;
    expect(claims?.map((r) => r.slice(0, 3))).toEqual([
      ['billing', 'pi_1:payment.completed', 'evt_1'],
    ]);
    // Every delivery was acknowledged: the second event too, as a duplicate.
    expect(businessKey!.operations.map((o) => o.status)).toEqual([200, 200]);
  });

  test('pinned faults stay on the event the case names when second events are added', () => {
    const [inbox, businessKey] = runs(['inbox', 'inbox-business-key'], {
      case: 'out-of-order',
      eventsPerChange: 2,
    });
    const sent = requests(inbox!).map((e) => `${e.body.event}/${e.body.intent}#${e.attempt}`);
    expect(sent).toEqual([
      'evt_1/pi_1#1',
      'evt_2/pi_1#1',
      'evt_3/pi_2#1',
      'evt_4/pi_2#1',
      'evt_1/pi_1#2',
    ]);
    const lost = inbox!.trace.find((e) => e.kind === 'lost');
    expect(lost).toMatchObject({ message: 'request', op: 1, attempt: 1 });
    expect(broken(inbox!).map(([id]) => id)).toEqual(['one-invoice-per-payment']);
    expect(broken(businessKey!)).toEqual([]);
  });

  test('with faults off the sender sends one event per change, whatever the knob says', () => {
    const [naive, inbox] = runs(['naive', 'inbox'], { eventsPerChange: 2 }, false);
    for (const run of [naive!, inbox!]) {
      expect(requests(run)).toHaveLength(1);
      expect(broken(run)).toEqual([]);
    }
  });
});

describe('webhook-duplicates: correct consumers under random faults', () => {
  const ratio = fc.double({ min: 0, max: 0.5, noNaN: true });
  const faults = fc.record({
    requestLoss: ratio,
    responseLoss: ratio,
    duplicate: ratio,
    crash: ratio,
    latencySpreadMs: fc.constant(500),
    // Short schedules keep many redeliveries inside one run.
    timeoutMs: fc.integer({ min: 1000, max: 20_000 }),
    backoffMs: fc.integer({ min: 0, max: 10 * MIN }),
    retries: fc.integer({ min: 0, max: 8 }),
  });

  test('the inbox never invoices twice or loses an acknowledged event, with one event per change', () => {
    fc.assert(
      fc.property(
        seed,
        faults,
        fc.constantFrom('redelivery', 'out-of-order'),
        (s, knobs, which) => {
          const run = engine.run({
            scenario: SCENARIO,
            seed: s,
            strategies: ['inbox'],
            knobs: { case: which, ...knobs },
          }).runs[0]!;
          expect(broken(run)).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('the business-key inbox holds the same with one or two events per change', () => {
    fc.assert(
      fc.property(
        seed,
        faults,
        fc.constantFrom('redelivery', 'out-of-order', 'crash-before-ack'),
        fc.constantFrom(1, 2),
        (s, knobs, which, eventsPerChange) => {
          const run = engine.run({
            scenario: SCENARIO,
            seed: s,
            strategies: ['inbox-business-key'],
            knobs: { case: which, eventsPerChange, ...knobs },
          }).runs[0]!;
          expect(broken(run)).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
