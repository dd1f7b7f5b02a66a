// The airline, a second foreign system: its own ledger, keys, outage and latency, and how the
// simulation routes a step's call to it rather than to the payment provider.
import { describe, expect, test } from 'vitest';
import { Airline, seatFor, type AirlinePolicy } from '../../src/sim/airline.ts';
import { RecordingChoices, SeededChoices } from '../../src/sim/choices.ts';
import type { ForeignCall, ForeignReply, Handler } from '../../src/sim/handler.ts';
import { simulate, type World } from '../../src/sim/simulation.ts';
import { Trace } from '../../src/sim/trace.ts';
import { payer, world, type WorldLayer } from '../support/world.ts';

const UP: AirlinePolicy = { latencyMs: 400, honoursKeys: true, outageUntilMs: 0, lostReply: 0 };
const seat = (key?: string): ForeignCall => ({
  system: 'airline',
  intent: 'trip_1',
  amountCents: 38_900,
  ...(key ? { key } : {}),
});

describe('Airline', () => {
  test('books a seat per new request and fills seats row by row', () => {
    const airline = new Airline(UP);
    const first = airline.book(seat(), 10);
    const second = airline.book(seat(), 20);
    expect(first.reply).toEqual({ ok: true, reference: 'bk_1', replayed: false });
    expect(second.reply).toEqual({ ok: true, reference: 'bk_2', replayed: false });
    expect(airline.ledger.map((b) => [b.id, b.seat, b.key, b.at])).toEqual([
      ['bk_1', '1A', null, 10],
      ['bk_2', '1B', null, 20],
    ]);
    expect([seatFor(5), seatFor(6), seatFor(13)]).toEqual(['1F', '2A', '3B']);
  });

  test('a repeated key gets the same booking back, and no second seat', () => {
    const airline = new Airline(UP);
    airline.book(seat('ik-1'), 0);
    const again = airline.book(seat('ik-1'), 50);
    expect(again).toEqual({ reply: { ok: true, reference: 'bk_1', replayed: true }, booked: null });
    expect(airline.book(seat('ik-2'), 60).reply).toMatchObject({ reference: 'bk_2' });
    expect(airline.ledger).toHaveLength(2);
  });

  test('an airline that ignores keys books a seat for every request', () => {
    const airline = new Airline({ ...UP, honoursKeys: false });
    airline.book(seat('ik-1'), 0);
    expect(airline.book(seat('ik-1'), 1).reply).toMatchObject({
      reference: 'bk_2',
      replayed: false,
    });
    expect(airline.ledger.map((b) => b.key)).toEqual([null, null]);
  });

  test('while down it answers 503 and books nothing; afterwards it books', () => {
    const airline = new Airline({ ...UP, outageUntilMs: 1000 });
    expect(airline.book(seat('ik-1'), 999)).toEqual({
      reply: { ok: false, status: 503, reason: 'the airline is down' },
      booked: null,
    });
    expect(airline.book(seat('ik-1'), 1000).reply).toMatchObject({ ok: true, reference: 'bk_1' });
    expect(airline.ledger).toHaveLength(1);
  });
});

/**
 * A handler double (no database): charge the card, then hold a seat, each with a key when asked,
 * then answer with what both systems said. It keeps every reply it saw.
 */
function tripHandler(keys: boolean): Handler & { replies: ForeignReply[] } {
  const replies: ForeignReply[] = [];
  const call = (system: 'psp' | 'airline'): ForeignCall => ({
    system,
    intent: 'trip_1',
    amountCents: 38_900,
    ...(keys ? { key: `k-${system}` } : {}),
  });
  return {
    replies,
    firstStep: () => 'charge',
    jobs: [],
    run(step, input) {
      if (input.reply) replies.push(input.reply);
      if (step === 'charge')
        return { outcome: { kind: 'call', call: call('psp'), step: 'seat' }, effects: [] };
      if (step === 'seat')
        return { outcome: { kind: 'call', call: call('airline'), step: 'answer' }, effects: [] };
      const status = input.reply?.ok ? 201 : 502;
      return {
        outcome: { kind: 'respond', response: { status, headers: {}, body: null } },
        effects: [],
      };
    },
    restart() {},
  };
}

/** One trip booked at 0; the client waits 5 s for its answer. */
const TRIP: WorldLayer = {
  operations: [{ at: 0, client: 'c1', method: 'POST', path: '/bookings', body: {} }],
  client: { timeoutMs: 5000 },
};

function run(w: World, keys = true, seed = 1) {
  const trace = new Trace(true);
  const handler = tripHandler(keys);
  const result = simulate(w, handler, new SeededChoices(seed), trace);
  return { result, events: trace.events, handler };
}

describe('simulate with an airline', () => {
  test('a call to the airline takes its own round trip, books a seat and answers as the airline', () => {
    const { result, events, handler } = run(world(TRIP, { airline: UP }));
    // Charge: 50 ms there, step at 50, psp 100 ms → seat step at 150; airline 400 ms → 550.
    const calls = events.filter((e) => e.kind === 'call');
    expect(calls.map((e) => e.kind === 'call' && [e.system, e.at, e.key])).toEqual([
      ['psp', 50, 'k-psp'],
      ['airline', 150, 'k-airline'],
    ]);
    expect(events.find((e) => e.kind === 'effect' && e.name === 'seat-booked')).toMatchObject({
      actor: 'airline',
      at: 350,
      subject: 'trip_1',
      ref: 'bk_1',
    });
    const replies = events.filter((e) => e.kind === 'reply');
    expect(replies.map((e) => e.kind === 'reply' && [e.actor, e.at, e.reference])).toEqual([
      ['psp', 150, 'ch_1'],
      ['airline', 550, 'bk_1'],
    ]);
    expect(handler.replies.map((r) => r.ok && r.reference)).toEqual(['ch_1', 'bk_1']);
    expect(result.effects).toEqual({ 'card-charged': 1, 'seat-booked': 1 });
    expect(result.ledger.map((c) => c.id)).toEqual(['ch_1']);
    expect(result.bookings.map((b) => [b.id, b.intent, b.seat, b.key])).toEqual([
      ['bk_1', 'trip_1', '1A', 'k-airline'],
    ]);
    expect(result.operations[0]).toMatchObject({ result: 'ok', status: 201 });
  });

  test('the airline’s latency is its own knob: the provider’s stays as it was', () => {
    const slow = run(world(TRIP, { airline: { ...UP, latencyMs: 2000 } })).events;
    const at = (kind: 'reply', actor: string) =>
      slow.find((e) => e.kind === kind && e.actor === actor)?.at;
    expect(at('reply', 'psp')).toBe(150);
    expect(at('reply', 'airline')).toBe(2150);
  });

  test('a lost airline answer is a 504 to the server, and the seat stays booked; its fate has an airline label', () => {
    const labels: string[] = [];
    const choices = new RecordingChoices(new SeededChoices(1), ({ label }) => labels.push(label));
    const handler = tripHandler(true);
    const w = world(TRIP, { airline: { ...UP, lostReply: 1 }, client: { retries: 0 } });
    const result = simulate(w, handler, choices, new Trace(false));
    expect(handler.replies.at(-1)).toEqual({
      ok: false,
      status: 504,
      reason: 'the airline did not answer in time',
    });
    expect(result.bookings).toHaveLength(1);
    // Each system's fate is named for it: the payment path keeps the labels it always had.
    expect(labels.filter((l) => l.endsWith('lost-reply'))).toEqual([
      'psp/op:1/attempt:1/copy:0/charge/lost-reply',
      'airline/op:1/attempt:1/copy:0/seat/lost-reply',
    ]);
  });

  test('retries after lost answers book one seat with a key, and one seat per try without', () => {
    const lossy = world(TRIP, { airline: { ...UP, lostReply: 1 } });
    expect(run(lossy, true).result.bookings).toHaveLength(1);
    expect(run(lossy, true).result.effects['seat-booked']).toBe(1);
    expect(run(lossy, false).result.bookings).toHaveLength(3);
  });

  test('a world without an airline refuses a call to one, and leaves the payment path alone', () => {
    expect(() => run(world(TRIP))).toThrow(/no airline/);
    const trace = new Trace(true);
    const result = simulate(world(TRIP), payer(), new SeededChoices(1), trace);
    expect(result.bookings).toEqual([]);
    expect(trace.events.some((e) => e.actor === 'airline')).toBe(false);
    expect(result.effects).toEqual({ 'card-charged': 1 });
  });
});
