// The simulation features a broker needs, on an echo handler: an attempt-number header, a stall
// before a step, a client that notices crashes, and answers sent in batches a crash can lose.
import { describe, expect, test } from 'vitest';
import { SeededChoices } from '../../src/sim/choices.ts';
import { simulate, type PinnedFaults, type World } from '../../src/sim/simulation.ts';
import { Trace, type TraceEvent } from '../../src/sim/trace.ts';
import { echoHandler, operations, world, type WorldLayer } from '../support/world.ts';

/** A broker: waits 30 s for an ack, redelivers at once up to 3 times, over a 5 ms network. */
const BROKER: WorldLayer = {
  client: { timeoutMs: 30_000, retries: 3, backoffMs: 0, backoffCapMs: 0 },
  network: { latencyMs: 5 },
  server: { restartMs: 1000 },
};

/** `count` messages n = 1, 2, … 100 ms apart, without a key, the attempt in `attemptHeader` if set. */
const messages = (count = 1, attemptHeader?: string): WorldLayer => ({
  operations: operations(count, (i) => ({
    at: i * 100,
    client: 'broker',
    method: 'POST',
    path: '/queue',
    body: { n: i + 1 },
    key: null,
    ...(attemptHeader ? { attemptHeader } : {}),
  })),
});

function run(w: World) {
  const trace = new Trace(true);
  const handler = echoHandler(200);
  const result = simulate(w, handler, new SeededChoices(1), trace);
  return { result, events: trace.events, handler };
}

const at = (events: TraceEvent[], kind: TraceEvent['kind']) =>
  events.filter((e) => e.kind === kind).map((e) => e.at);

describe('attempt header', () => {
  test('each attempt carries its number; without the option no such header is sent', () => {
    const lossy = { network: { responseLoss: 1 }, client: { retries: 2 } };
    const { handler } = run(world(BROKER, messages(1, 'Delivery-Attempt'), lossy));
    expect(handler.seen.map((s) => s.headers['Delivery-Attempt'])).toEqual(['1', '2', '3']);
    const plain = run(world(BROKER, messages(), lossy)).handler;
    expect(plain.seen.map((s) => Object.keys(s.headers))).toEqual([[], [], []]);
  });
});

describe('pauseBefore', () => {
  test('stalls the first step: the timeout fires and a second delivery works while the first still waits', () => {
    const { events, result } = run(
      world(BROKER, messages(), {
        pinned: { pauseBefore: [{ op: 1, attempt: 1, step: 'work', ms: 40_000 }] },
      }),
    );
    // Delivered at 5; the work of attempt 1 starts 40 s later, after attempt 2's (30 005 + 5).
    expect(at(events, 'deliver')).toEqual([5, 30_005]);
    const steps = events.filter((e) => e.kind === 'step' && e.step === 'work');
    expect(steps.map((e) => e.at)).toEqual([30_005, 40_005]);
    expect(result.effects.worked).toBe(2);
    expect(result.operations[0]).toMatchObject({ result: 'ok', attempts: 2 });
  });

  test('stalls a later step too', () => {
    const { events } = run(
      world(BROKER, messages(), {
        pinned: { pauseBefore: [{ op: 1, attempt: 1, step: 'answer', ms: 500 }] },
      }),
    );
    expect(events.filter((e) => e.kind === 'step').map((e) => e.at)).toEqual([5, 515]);
  });
});

describe('crashNoticeMs', () => {
  const crash: PinnedFaults = { crashAfter: [{ op: 1, attempt: 1, step: 'work' }] };

  test('the client notices a crash after crashNoticeMs and retries the lost attempt then', () => {
    const { events, result } = run(
      world(BROKER, messages(), { pinned: crash, client: { crashNoticeMs: 2000 } }),
    );
    const timeouts = events.filter((e) => e.kind === 'timeout');
    expect(timeouts).toEqual([
      expect.objectContaining({ at: 2005, op: 1, attempt: 1, reason: 'server-crash' }),
    ]);
    expect(at(events, 'deliver')).toEqual([5, 2010]);
    expect(result.effects.worked).toBe(2);
    expect(result.operations[0]).toMatchObject({ result: 'ok', attempts: 2 });
  });

  test('without it the client waits for its own timeout', () => {
    const { events } = run(world(BROKER, messages(), { pinned: crash }));
    const timeouts = events.filter((e) => e.kind === 'timeout');
    expect(timeouts.map((e) => e.at)).toEqual([30_000]);
    expect(timeouts[0]).not.toHaveProperty('reason');
  });
});

describe('ackEveryMs', () => {
  test('answers leave together at the next multiple', () => {
    const { events, result } = run(world(BROKER, messages(3), { server: { ackEveryMs: 5000 } }));
    expect(at(events, 'response')).toEqual([5000, 5000, 5000]);
    expect(result.operations.map((o) => o.result)).toEqual(['ok', 'ok', 'ok']);
  });

  test('a crash before the batch leaves loses every held answer; a noticing client retries them in order', () => {
    const { events, result } = run(
      world(BROKER, messages(3), {
        server: { ackEveryMs: 5000 },
        client: { timeoutMs: 300_000, crashNoticeMs: 45_000 },
        pinned: { crashAfter: [{ op: 3, attempt: 1, step: 'work' }] },
      }),
    );
    const lost = events.filter((e) => e.kind === 'lost');
    expect(lost).toEqual([
      expect.objectContaining({ at: 205, op: 1, reason: 'server-crash', message: 'response' }),
      expect.objectContaining({ at: 205, op: 2, reason: 'server-crash', message: 'response' }),
    ]);
    const resent = events.filter((e) => e.kind === 'request' && e.attempt === 2);
    expect(resent.map((e) => e.kind === 'request' && [e.at, e.op])).toEqual([
      [45_205, 1],
      [45_205, 2],
      [45_205, 3],
    ]);
    expect(result.effects.worked).toBe(6);
    expect(result.operations.map((o) => o.attempts)).toEqual([2, 2, 2]);
  });
});
