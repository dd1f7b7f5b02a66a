// The event loop with a two-step echo handler: delivery, duplicates, timeouts, crashes and bounds.
import { describe, expect, test } from 'vitest';
import { SeededChoices } from '../../src/sim/choices.ts';
import { simulate, type World } from '../../src/sim/simulation.ts';
import { Trace, type TraceEvent } from '../../src/sim/trace.ts';
import { echoHandler, operations, world, type WorldLayer } from '../support/world.ts';

/** `count` clients c0, c1, … each sending POST /x { n } 100 ms after the one before. */
const payments = (count = 1): WorldLayer => ({
  operations: operations(count, (i) => ({
    at: i * 100,
    client: `c${i}`,
    method: 'POST',
    path: '/x',
    body: { n: i },
  })),
});

function run(w: World, seed = 1) {
  const trace = new Trace(true);
  const handler = echoHandler();
  const result = simulate(w, handler, new SeededChoices(seed), trace);
  return { result, events: trace.events, handler };
}

const kinds = (events: TraceEvent[]) => events.map((e) => `${e.actor}:${e.kind}`);

describe('simulate', () => {
  test('a request that meets no fault is answered once', () => {
    const { result, events } = run(world(payments()));
    expect(kinds(events)).toEqual([
      'client:request',
      'server:deliver',
      'server:step',
      'server:effect',
      'server:step',
      'server:response',
      'client:receive',
      'client:outcome',
    ]);
    expect(events.find((e) => e.kind === 'deliver')?.at).toBe(50);
    expect(events.find((e) => e.kind === 'receive')?.at).toBe(110);
    expect(result.operations).toEqual([
      { op: 1, client: 'c0', result: 'ok', attempts: 1, status: 201 },
    ]);
    expect(result.effects).toEqual({ worked: 1 });
  });

  test('every cause points at an earlier event, and time never runs backwards', () => {
    const { events } = run(
      world(payments(20), { network: { requestLoss: 0.3, responseLoss: 0.3, duplicate: 0.3 } }),
      5,
    );
    events.forEach((e, i) => {
      expect(e.seq).toBe(i);
      if (e.cause !== undefined) expect(e.cause).toBeLessThan(e.seq);
      if (i > 0) expect(e.at).toBeGreaterThanOrEqual(events[i - 1]!.at);
    });
  });

  test('a lost response makes the client time out and retry; the server works every attempt', () => {
    const { result, events } = run(world(payments(), { network: { responseLoss: 1 } }));
    expect(events.filter((e) => e.kind === 'timeout')).toHaveLength(3);
    expect(result.operations[0]).toEqual({
      op: 1,
      client: 'c0',
      result: 'gave-up',
      attempts: 3,
      status: null,
    });
    expect(result.effects.worked).toBe(3);
    const retries = events.filter((e) => e.kind === 'retry');
    expect(retries.map((e) => e.kind === 'retry' && e.delayMs)).toEqual([100, 200]);
  });

  test('a duplicated request is worked twice and its second answer ignored', () => {
    const { events, result } = run(world(payments(), { network: { duplicate: 1 } }));
    expect(events.filter((e) => e.kind === 'deliver')).toHaveLength(2);
    expect(
      events.filter((e) => e.kind === 'ignored').map((e) => e.kind === 'ignored' && e.reason),
    ).toEqual(['done']);
    expect(result.effects.worked).toBe(2);
  });

  test('an answer after the timeout is ignored as late', () => {
    // Attempt 1 times out at 60 ms; its answer comes at 110 ms, while the retry waits to be sent.
    const { events } = run(world(payments(), { client: { timeoutMs: 60, retries: 1 } }));
    const ignored = events.filter((e) => e.kind === 'ignored');
    expect(ignored.map((e) => e.kind === 'ignored' && [e.reason, e.attempt, e.at])).toEqual([
      ['late', 1, 110],
      ['done', 2, 270],
    ]);
    expect(events.find((e) => e.kind === 'outcome')).toMatchObject({
      result: 'gave-up',
      attempts: 2,
      at: 220,
    });
  });

  test('a crash loses the execution in flight; requests while down are lost; the handler restarts', () => {
    const { events, handler, result } = run(
      world(payments(), { server: { crash: 1, restartMs: 5000 }, client: { retries: 1 } }),
    );
    const crash = events.find((e) => e.kind === 'crash');
    expect(crash?.kind === 'crash' && crash.afterStep).toBe('work');
    expect(events.some((e) => e.kind === 'lost' && e.reason === 'server-down')).toBe(true);
    expect(events.some((e) => e.kind === 'response')).toBe(false);
    expect(handler.restarts).toBe(1);
    expect(result.operations[0]?.result).toBe('gave-up');
  });

  test('hitting a bound ends the run with a bound-reached event instead of hanging', () => {
    const { events, result } = run(world(payments(3), { bounds: { maxEvents: 5 } }));
    expect(result.bound).toBe('maxEvents');
    expect(events.at(-1)).toMatchObject({ kind: 'bound-reached', bound: 'maxEvents', limit: 5 });
    const late = run(world(payments(3), { bounds: { maxTimeMs: 120 } }));
    expect(late.result.bound).toBe('maxTimeMs');
    const full = run(world(payments(1), { bounds: { maxQueue: 1 } }));
    expect(full.result.bound).toBe('queue');
  });

  test('a disabled trace keeps nothing but counts the same effects', () => {
    const w = world(payments(10), { network: { responseLoss: 0.5, duplicate: 0.2 } });
    const on = new Trace(true);
    const off = new Trace(false);
    const a = simulate(w, echoHandler(), new SeededChoices(3), on);
    const b = simulate(w, echoHandler(), new SeededChoices(3), off);
    expect(off.events).toEqual([]);
    expect(off.count).toBe(on.count);
    expect(b).toEqual(a);
  });
});
