// The gateway hop and the server's retry of its provider call: pure policy, then the event loop with small handlers.
import { describe, expect, test } from 'vitest';
import { RecordingChoices, SeededChoices } from '../../src/sim/choices.ts';
import {
  forwarded,
  onGatewayTimeout,
  onServiceAnswer,
  retriesCall,
  type GatewayPolicy,
  type Relay,
  type RetryPolicy,
} from '../../src/sim/gateway.ts';
import type { Handler } from '../../src/sim/handler.ts';
import { IDEMPOTENCY_KEY, type HttpRequest } from '../../src/sim/http.ts';
import { simulate, type World } from '../../src/sim/simulation.ts';
import { Trace, type TraceEvent } from '../../src/sim/trace.ts';
import { echoHandler, payer, world, type WorldLayer } from '../support/world.ts';

const retry3: RetryPolicy = {
  retries: 3,
  timeoutMs: 1000,
  backoffMs: 10,
  backoffCapMs: 10_000,
  jitter: 0,
};
const request: HttpRequest = { method: 'POST', path: '/x', client: 'c', headers: {}, body: {} };
const relay = (at: number, phase: Relay['phase'] = 'waiting'): Relay => ({
  ref: { op: 1, attempt: 1, copy: 0 },
  request,
  try: at,
  phase,
});
const answer = (status: number) => ({ status, headers: {}, body: null });

describe('gateway policy', () => {
  test('a 5xx is tried again while tries are left, then passed on; a 2xx or 4xx is passed on at once', () => {
    expect(onServiceAnswer(retry3, relay(1), 1, answer(503))).toEqual({ kind: 'retry', next: 2 });
    expect(onServiceAnswer(retry3, relay(4), 4, answer(503))).toEqual({
      kind: 'answer',
      response: answer(503),
    });
    expect(onServiceAnswer(retry3, relay(1), 1, answer(201)).kind).toBe('answer');
    expect(onServiceAnswer(retry3, relay(1), 1, answer(409)).kind).toBe('answer');
  });

  test('an answer to an earlier try, or after the relay is done, is ignored', () => {
    expect(onServiceAnswer(retry3, relay(2), 1, answer(201))).toEqual({
      kind: 'ignore',
      reason: 'late',
    });
    expect(onServiceAnswer(retry3, relay(2, 'done'), 2, answer(201))).toEqual({
      kind: 'ignore',
      reason: 'done',
    });
  });

  test('a timeout retries while tries are left, then answers 504; a stale timer does nothing', () => {
    expect(onGatewayTimeout(retry3, relay(3), 3)).toEqual({ kind: 'retry', next: 4 });
    const last = onGatewayTimeout(retry3, relay(4), 4);
    expect(last?.kind === 'answer' && last.response.status).toBe(504);
    expect(onGatewayTimeout(retry3, relay(4), 3)).toBeNull();
    expect(onGatewayTimeout(retry3, relay(2, 'done'), 2)).toBeNull();
  });

  test('the server retries a failed provider call (503, 504) while tries are left, never a success', () => {
    const lost = { ok: false, status: 504, reason: 'lost' } as const;
    expect(retriesCall(retry3, lost, 3)).toBe(true);
    expect(retriesCall(retry3, lost, 4)).toBe(false);
    expect(retriesCall(undefined, lost, 1)).toBe(false);
    expect(retriesCall(retry3, { ok: true, reference: 'ch_1', replayed: false }, 1)).toBe(false);
  });

  test('a gateway that mints keys sets its own; otherwise the request passes unchanged', () => {
    expect(forwarded(request, null)).toBe(request);
    expect(forwarded(request, 'key_1').headers[IDEMPOTENCY_KEY]).toBe('key_1');
  });
});

const gateway = (overrides: Partial<GatewayPolicy> = {}): GatewayPolicy => ({
  ...retry3,
  timeoutMs: 500,
  latencyMs: 5,
  requestLoss: 0,
  responseLoss: 0,
  mintsKey: false,
  ...overrides,
});

/** A client that waits 10 s and retries 3 times, over a 20 ms network, with room for many tries. */
const PATIENT: WorldLayer = {
  client: { timeoutMs: 10_000, retries: 3 },
  network: { latencyMs: 20 },
  bounds: { maxEvents: 20_000, maxQueue: 5000 },
};

function run(w: World, handler: Handler = echoHandler(), seed = 1) {
  const trace = new Trace(true);
  const result = simulate(w, handler, new SeededChoices(seed), trace);
  return { result, events: trace.events };
}

const ofKind = <K extends TraceEvent['kind']>(events: TraceEvent[], kind: K) =>
  events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
const layers = (result: ReturnType<typeof run>['result']) =>
  Object.fromEntries(
    (['client', 'gateway', 'server', 'provider'] as const).map((layer) => [
      layer,
      result.attempts.filter((a) => a.layer === layer).length,
    ]),
  );

describe('a world with a gateway', () => {
  test('on the happy path it forwards once and relays the answer', () => {
    const { result, events } = run(world(PATIENT, { gateway: gateway() }));
    expect(result.operations).toEqual([
      { op: 1, client: 'c1', result: 'ok', attempts: 1, status: 201 },
    ]);
    expect(ofKind(events, 'forward').map((e) => [e.op, e.attempt, e.try])).toEqual([[1, 1, 1]]);
    expect(ofKind(events, 'relay').map((e) => [e.status, e.tries])).toEqual([[201, 1]]);
    expect(events.find((e) => e.kind === 'deliver')).toMatchObject({ actor: 'server', try: 1 });
    expect(layers(result)).toEqual({ client: 1, gateway: 1, server: 1, provider: 0 });
  });

  test('every answer to the gateway lost: 4 client attempts × 4 gateway tries = 16 executions', () => {
    const { result, events } = run(world(PATIENT, { gateway: gateway({ responseLoss: 1 }) }));
    expect(layers(result)).toEqual({ client: 4, gateway: 16, server: 16, provider: 0 });
    expect(result.effects.worked).toBe(16);
    // Each gateway try is its own labelled message, and the gateway answers each attempt 504.
    const tries = ofKind(events, 'forward').map((e) => `${e.attempt}.${e.try}`);
    expect(tries).toEqual([1, 2, 3, 4].flatMap((a) => [1, 2, 3, 4].map((t) => `${a}.${t}`)));
    expect(ofKind(events, 'gateway-timeout')).toHaveLength(16);
    expect(ofKind(events, 'gateway-retry').map((e) => e.delayMs)).toEqual(
      [1, 2, 3, 4].flatMap(() => [10, 20, 40]),
    );
    expect(ofKind(events, 'relay').map((e) => [e.status, e.tries])).toEqual(
      [1, 2, 3, 4].map(() => [504, 4]),
    );
    // 504 is worth another try to the client too: after its last attempt it gives up.
    expect(result.operations[0]).toMatchObject({ result: 'gave-up', attempts: 4 });
    expect(result.bound).toBeNull();
  });

  test('each try meets its own fate: losses on the inner hop are labelled per try', () => {
    const labels: string[] = [];
    const choices = new RecordingChoices(new SeededChoices(7), ({ label }) => labels.push(label));
    const trace = new Trace(true);
    simulate(
      world(PATIENT, { gateway: gateway({ responseLoss: 0.5 }) }),
      echoHandler(),
      choices,
      trace,
    );
    expect(ofKind(trace.events, 'lost').some((e) => e.try !== undefined)).toBe(true);
    expect(labels).toContain('gw/op:1/attempt:1/copy:0/try:1/drop-response');
    expect(labels.filter((l) => l.endsWith('/drop-response') && l.startsWith('gw/'))).toEqual([
      ...new Set(labels.filter((l) => l.endsWith('/drop-response') && l.startsWith('gw/'))),
    ]);
  });

  test('a gateway that mints keys gives every client attempt a new key, shared by its tries', () => {
    const { events } = run(
      world(PATIENT, { gateway: gateway({ responseLoss: 1, mintsKey: true }) }),
    );
    const keys = ofKind(events, 'forward').map((e) => [e.attempt, e.key] as const);
    const perAttempt = new Map<number, Set<string | null>>();
    for (const [attempt, key] of keys)
      perAttempt.set(attempt, (perAttempt.get(attempt) ?? new Set()).add(key));
    expect([...perAttempt.values()].map((s) => s.size)).toEqual([1, 1, 1, 1]);
    expect(new Set(keys.map(([, key]) => key)).size).toBe(4);
  });

  test('without a gateway nothing of it appears: no gateway events, no try in any label', () => {
    const labels: string[] = [];
    const choices = new RecordingChoices(new SeededChoices(3), ({ label }) => labels.push(label));
    const trace = new Trace(true);
    const w = world(PATIENT, { network: { responseLoss: 0.5 } });
    const result = simulate(w, echoHandler(), choices, trace);
    expect(trace.events.some((e) => e.actor === 'gateway' || 'try' in e)).toBe(false);
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.some((l) => l.includes('try:') || l.startsWith('gw'))).toBe(false);
    expect(result.attempts.every((a) => a.layer === 'client' || a.layer === 'server')).toBe(true);
  });
});

describe('the server retries its provider call', () => {
  const lostReplies = { latencyMs: 100, honoursKeys: true, outageUntilMs: 0, lostReply: 1 };

  test('every reply lost, no provider key: 1 + 3 calls, each one a charge', () => {
    const { result, events } = run(
      world(PATIENT, { provider: lostReplies, providerRetry: { ...retry3, timeoutMs: 300 } }),
      payer(undefined),
    );
    // The client retries the 502 too: 4 executions × 4 calls.
    expect(layers(result)).toEqual({ client: 4, gateway: 0, server: 4, provider: 16 });
    expect(result.ledger).toHaveLength(16);
    expect(
      ofKind(events, 'call')
        .map((e) => e.try ?? 1)
        .slice(0, 4),
    ).toEqual([1, 2, 3, 4]);
  });

  test('with a provider key the same calls charge once', () => {
    const { result } = run(
      world(PATIENT, { provider: lostReplies, providerRetry: { ...retry3, timeoutMs: 300 } }),
      payer('ik-1'),
    );
    expect(layers(result).provider).toBe(16);
    expect(result.ledger).toHaveLength(1);
  });

  test('a lost reply is noticed when the server stops waiting, not when the provider answers', () => {
    const { events } = run(
      world(PATIENT, {
        provider: lostReplies,
        providerRetry: { ...retry3, retries: 0, timeoutMs: 700 },
      }),
      payer('ik-1'),
    );
    const call = ofKind(events, 'call')[0];
    const reply = ofKind(events, 'reply')[0];
    expect(reply && call && reply.at - call.at).toBe(700);
  });

  test('a provider slower than the timeout always looks lost, though it charged', () => {
    const slow = { ...lostReplies, latencyMs: 1000, lostReply: 0 };
    const { result, events } = run(
      world(PATIENT, { provider: slow, providerRetry: { ...retry3, retries: 1, timeoutMs: 600 } }),
      payer(undefined),
    );
    const replies = ofKind(events, 'reply');
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((e) => e.status === 504)).toBe(true);
    expect(result.ledger.length).toBeGreaterThan(1);
  });
});
