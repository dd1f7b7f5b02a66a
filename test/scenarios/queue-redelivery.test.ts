// The queue story, broker by broker, on real sql.js: when and how each broker delivers a message
// again (SQS visibility timeout, RabbitMQ requeue, Kafka rebalance, Service Bus lock), what it
// tells the consumer, and that the inbox holds under random crashes and losses on every broker.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import type { KnobValues } from '../../src/scenarios/types.ts';
import type { TraceEvent } from '../../src/sim/trace.ts';
import { loadEngine } from '../support/engine.ts';
import { broken } from './runs.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

function play(knobs: KnobValues, strategies = ['naive', 'inbox']): StrategyRun[] {
  return engine.run({ scenario: 'queue-redelivery', strategies, knobs }).runs;
}
/** Each shipment as (order, what the broker said about the delivery that made it). */
const shipments = (run: StrategyRun) => (run.tables.shipments?.rows ?? []).map((r) => [r[1], r[5]]);
/** When each delivery of an operation reached the consumer. */
const deliveries = (run: StrategyRun, op: number) =>
  run.trace
    .filter((e): e is Extract<TraceEvent, { kind: 'deliver' }> => e.kind === 'deliver')
    .filter((e) => e.op === op)
    .map((e) => [e.attempt, e.at]);
const crashAt = (run: StrategyRun) => run.trace.find((e) => e.kind === 'crash')?.at ?? -1;

describe('SQS', () => {
  test('a crash before DeleteMessage: the message is received again when the visibility timeout runs out', () => {
    const [naive, inbox] = play({ case: 'crash-before-ack' });
    // m_3 is sent at 2000 ms and arrives 5 ms later; 30 s after the receive it is visible again.
    expect(deliveries(naive!, 3)).toEqual([
      [1, 2005],
      [2, 32_005],
    ]);
    expect(shipments(naive!)).toEqual([
      ['o_1', 'ApproximateReceiveCount=1'],
      ['o_2', 'ApproximateReceiveCount=1'],
      ['o_3', 'ApproximateReceiveCount=1'],
      ['o_3', 'ApproximateReceiveCount=2'],
    ]);
    expect(broken(naive!)).toEqual(['one-shipment-per-order', 'stock-matches-orders']);
    expect(naive!.tables.stock?.rows).toEqual([['mug', 91]]);
    expect(broken(inbox!)).toEqual([]);
    expect(inbox!.tables.stock?.rows).toEqual([['mug', 94]]);
  });

  test('a consumer that is merely slow gets its message again while it is still working on it', () => {
    const [naive, inbox, memory] = play({ case: 'slow-consumer', slowWorkMs: 40_000 }, [
      'naive',
      'inbox',
      'memory-dedupe',
    ]);
    const work = naive!.trace.filter((e) => e.kind === 'step' && e.step === 'apply-event');
    // Receive 2 at 30 s runs its work at once; receive 1 finishes its 40 s of work after it.
    expect(deliveries(naive!, 1)).toEqual([
      [1, 5],
      [2, 30_005],
    ]);
    expect(work.slice(0, 2).map((e) => e.at)).toEqual([1005, 2005]);
    expect(work.filter((e) => e.at >= 30_005).map((e) => e.at)).toEqual([30_005, 40_005]);
    expect(shipments(naive!).filter(([order]) => order === 'o_1')).toEqual([
      ['o_1', 'ApproximateReceiveCount=2'],
      ['o_1', 'ApproximateReceiveCount=1'],
    ]);
    expect(broken(naive!)).toContain('one-shipment-per-order');
    expect(broken(inbox!)).toEqual([]);
    // One process remembers in memory what it did a moment ago: only a restart makes it forget.
    expect(broken(memory!)).toEqual([]);
  });

  test('after maxReceiveCount receives without a delete the message goes to the dead-letter queue', () => {
    const [naive, inbox] = play({ messages: 1, responseLoss: 1, sqsMaxReceiveCount: 3 });
    for (const run of [naive!, inbox!]) {
      const outcome = run.trace.find((e) => e.kind === 'outcome');
      expect(outcome).toMatchObject({ result: 'gave-up', attempts: 3 });
    }
    expect(naive!.effects['order-shipped']).toBe(3);
    expect(inbox!.effects['order-shipped']).toBe(1);
  });
});

describe('RabbitMQ', () => {
  test('a crash closes the channel: the message is requeued with redelivered=true and comes back when the consumer does', () => {
    const [naive, inbox] = play({ flavour: 'rabbitmq', restartMs: 3000 });
    const crashed = crashAt(naive!);
    // No timeout involved: the redelivery follows the restart, 3 s after the crash.
    const timeout = naive!.trace.find((e) => e.kind === 'timeout');
    expect(timeout).toMatchObject({ at: crashed + 3000, reason: 'server-crash', op: 3 });
    expect(deliveries(naive!, 3)).toEqual([
      [1, crashed],
      [2, crashed + 3005],
    ]);
    expect(shipments(naive!).slice(2)).toEqual([
      ['o_3', 'redelivered=false'],
      ['o_3', 'redelivered=true'],
    ]);
    expect(broken(inbox!)).toEqual([]);
  });

  test('a slow consumer is left alone until the consumer timeout (30 min by default)', () => {
    const [slow] = play({ flavour: 'rabbitmq', case: 'slow-consumer' }, ['naive']);
    expect(deliveries(slow!, 1)).toEqual([[1, 5]]);
    expect(broken(slow!)).toEqual([]);
    const [timedOut] = play(
      { flavour: 'rabbitmq', case: 'slow-consumer', rabbitConsumerTimeoutMs: 60_000 },
      ['naive'],
    );
    expect(deliveries(timedOut!, 1)).toEqual([
      [1, 5],
      [2, 60_005],
    ]);
    expect(broken(timedOut!)).toContain('one-shipment-per-order');
  });
});

describe('Kafka', () => {
  test('a crash loses every offset not yet committed: after the session timeout the partition is read again from the last commit', () => {
    const [naive, inbox] = play({ flavour: 'kafka' });
    const crashed = crashAt(naive!);
    const lost = naive!.trace.filter((e) => e.kind === 'lost' && e.reason === 'server-crash');
    expect(lost.map((e) => e.kind === 'lost' && e.op)).toEqual([1, 2]);
    for (const op of [1, 2, 3]) expect(deliveries(naive!, op)[1]).toEqual([2, crashed + 45_005]);
    expect(shipments(naive!)).toEqual([
      ['o_1', 'offset=0'],
      ['o_2', 'offset=1'],
      ['o_3', 'offset=2'],
      ['o_1', 'offset=0'],
      ['o_2', 'offset=1'],
      ['o_3', 'offset=2'],
    ]);
    expect(naive!.effects).toMatchObject({ 'order-shipped': 6, 'email-sent': 6 });
    expect(inbox!.effects).toMatchObject({ 'order-shipped': 3, 'email-sent': 3 });
    expect(broken(inbox!)).toEqual([]);
  });

  test('committing after each record leaves only the record in flight to read again', () => {
    const [naive] = play({ flavour: 'kafka', kafkaAutoCommit: false }, ['naive']);
    expect(naive!.trace.some((e) => e.kind === 'lost')).toBe(false);
    expect(shipments(naive!).map(([order]) => order)).toEqual(['o_1', 'o_2', 'o_3', 'o_3']);
  });

  test('auto-commit sends offsets in batches every 5 s', () => {
    const [naive] = play({ flavour: 'kafka' }, ['naive']);
    const commits = naive!.trace.filter((e) => e.kind === 'response').map((e) => e.at);
    expect(commits).toEqual([50_000, 50_000, 50_000]);
  });
});

describe('Azure Service Bus', () => {
  test('a crash before Complete: the message is delivered again when its 60 s lock runs out', () => {
    const [naive] = play({ flavour: 'servicebus' }, ['naive']);
    expect(deliveries(naive!, 3)).toEqual([
      [1, 2005],
      [2, 62_005],
    ]);
    expect(shipments(naive!).slice(2)).toEqual([
      ['o_3', 'DeliveryCount=1'],
      ['o_3', 'DeliveryCount=2'],
    ]);
  });

  test('duplicate detection drops a re-sent message inside its window, and only then', () => {
    const resend = { flavour: 'servicebus', case: 'producer-resend' };
    const [off] = play({ ...resend }, ['naive']);
    expect(shipments(off!).map(([order]) => order)).toEqual(['o_1', 'o_2', 'o_3', 'o_1']);
    const [on] = play({ ...resend, sbDuplicateDetection: true }, ['naive']);
    expect(shipments(on!).map(([order]) => order)).toEqual(['o_1', 'o_2', 'o_3']);
    expect(broken(on!)).toEqual([]);
    const [late] = play({ ...resend, sbDuplicateDetection: true, resendAfterMs: 900_000 }, [
      'naive',
    ]);
    expect(broken(late!)).toContain('one-shipment-per-order');
  });

  test('duplicate detection works on send only: a redelivery after a lost lock still ships twice', () => {
    const [naive, inbox] = play({ flavour: 'servicebus', sbDuplicateDetection: true });
    expect(broken(naive!)).toEqual(['one-shipment-per-order', 'stock-matches-orders']);
    expect(broken(inbox!)).toEqual([]);
  });
});

describe('buggy consumers', () => {
  test('memory-dedupe forgets with the crash and ships again', () => {
    const [memory] = play({}, ['memory-dedupe']);
    expect(broken(memory!)).toEqual(['one-shipment-per-order', 'stock-matches-orders']);
  });

  test('ack-before-process loses the order when it crashes after the ack', () => {
    const [ackFirst, inbox] = play({ case: 'crash-after-ack' }, ['ack-before-process', 'inbox']);
    expect(broken(ackFirst!)).toEqual(['nothing-lost']);
    expect(ackFirst!.invariants.find((i) => i.id === 'nothing-lost')?.detail).toBe(
      'message m_3 (o_3) was acknowledged, so the broker forgot it, but the order never shipped.',
    );
    expect(broken(inbox!)).toEqual([]);
  });

  test('a 5-minute dedupe window misses a re-send 10 minutes later; the inbox does not', () => {
    const [short, inbox] = play({ case: 'producer-resend', resendAfterMs: 600_000 }, [
      'short-dedupe-window',
      'inbox',
    ]);
    expect(broken(short!)).toEqual(['one-shipment-per-order', 'stock-matches-orders']);
    expect(broken(inbox!)).toEqual([]);
    const [soon] = play({ case: 'producer-resend' }, ['short-dedupe-window']);
    expect(broken(soon!)).toEqual([]);
  });
});

test('with faults off every broker delivers each message once, whatever the consumer', () => {
  const strategies = [
    'naive',
    'inbox',
    'memory-dedupe',
    'short-dedupe-window',
    'ack-before-process',
  ];
  for (const flavour of ['sqs', 'rabbitmq', 'kafka', 'servicebus'])
    for (const which of [
      'crash-before-ack',
      'slow-consumer',
      'crash-after-ack',
      'producer-resend',
    ]) {
      const { runs } = engine.run({
        scenario: 'queue-redelivery',
        faults: false,
        strategies,
        knobs: { flavour, case: which, sbDuplicateDetection: true },
      });
      for (const run of runs) {
        expect(broken(run), `${flavour} ${which} ${run.strategy}`).toEqual([]);
        expect(run.effects).toEqual({ 'order-shipped': 3, 'stock-taken': 3, 'email-sent': 3 });
      }
    }
});

test('the inbox holds on every broker under random crashes, losses and duplicates', () => {
  const ratio = fc.double({ min: 0, max: 0.4, noNaN: true });
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.record({
        flavour: fc.constantFrom('sqs', 'rabbitmq', 'kafka', 'servicebus'),
        case: fc.constantFrom('crash-before-ack', 'slow-consumer', 'producer-resend'),
        messages: fc.integer({ min: 1, max: 5 }),
        crash: ratio,
        responseLoss: ratio,
        requestLoss: ratio,
        duplicate: ratio,
        kafkaAutoCommit: fc.boolean(),
        sbDuplicateDetection: fc.boolean(),
      }),
      (seed, knobs) => {
        const { runs } = engine.run({
          scenario: 'queue-redelivery',
          seed,
          strategies: ['inbox'],
          knobs,
        });
        expect(broken(runs[0]!), JSON.stringify({ seed, knobs })).toEqual([]);
      },
    ),
    { numRuns: process.env.TWICE_FULL ? 200 : 30 },
  );
});
