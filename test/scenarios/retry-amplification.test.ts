// The retry-amplification story: retry(3) at browser, gateway and service multiplies attempts to 64; only keys keep charges at one.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import type { TraceEvent } from '../../src/sim/trace.ts';
import { loadEngine } from '../support/engine.ts';
import { runOf, verdict } from './runs.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const ALL_LOST = { gatewayResponseLoss: 1, pspLostReply: 1 };
const count = (trace: TraceEvent[], match: (e: TraceEvent) => boolean) =>
  trace.filter(match).length;

describe('retry-amplification', () => {
  test('every answer lost: 4 browser attempts, 16 gateway tries, 16 service runs, 64 provider calls', () => {
    const { runs } = engine.run({
      scenario: 'retry-amplification',
      knobs: ALL_LOST,
      strategies: ['naive', 'idempotency-key'],
    });
    for (const run of runs) {
      const { trace } = run;
      expect(
        count(trace, (e) => e.kind === 'request'),
        run.strategy,
      ).toBe(4);
      expect(
        count(trace, (e) => e.kind === 'forward'),
        run.strategy,
      ).toBe(16);
      expect(
        count(trace, (e) => e.kind === 'deliver'),
        run.strategy,
      ).toBe(16);
      expect(
        count(trace, (e) => e.kind === 'bound-reached'),
        run.strategy,
      ).toBe(0);
    }
    const naive = runOf(runs, 'naive');
    expect(count(naive.trace, (e) => e.kind === 'call')).toBe(64);
    expect(naive.effects['card-charged']).toBe(64);
    expect(naive.effects['order-created']).toBe(16);
    expect(verdict(naive, 'one-charge-per-intent')?.detail).toBe(
      'pi_1 was charged 64 times: 4 browser attempts → 16 gateway tries → 16 service runs → 64 provider calls.',
    );
    // The worst schedule needs no exemption: the declared limit is for a key the gateway mints.
    const keyed = runOf(runs, 'idempotency-key');
    expect(keyed.effects['card-charged']).toBe(1);
    expect(keyed.effects['order-created']).toBe(1);
    expect(keyed.invariants.filter((i) => !i.holds)).toEqual([]);
    // The browser's key reaches the service on every try, and the provider sees one key.
    const keys = new Set(keyed.trace.flatMap((e) => (e.kind === 'forward' ? [e.key] : [])));
    expect(keys.size).toBe(1);
    const pspKeys = new Set(keyed.trace.flatMap((e) => (e.kind === 'call' ? [e.key] : [])));
    expect([...pspKeys]).toEqual(['ik-1']);
  });

  test('on the story seed every layer multiplies and naive charges many times', () => {
    const { runs } = engine.run({ scenario: 'retry-amplification' });
    const naive = runOf(runs, 'naive');
    const detail = verdict(naive, 'one-charge-per-intent')?.detail ?? '';
    expect(detail).toMatch(/browser attempts → \d+ gateway tries → \d+ service runs/);
    expect(naive.effects['card-charged']).toBeGreaterThanOrEqual(10);
    expect(runOf(runs, 'idempotency-key').effects['card-charged']).toBe(1);
  });

  test('a key minted per browser attempt (by the gateway) charges once per attempt', () => {
    const { runs } = engine.run({
      scenario: 'retry-amplification',
      knobs: { keyMintedBy: 'gateway', gatewayResponseLoss: 1 },
      strategies: ['idempotency-key', 'upsert'],
    });
    const keyed = runOf(runs, 'idempotency-key');
    expect(keyed.effects['card-charged']).toBe(4);
    const requestKeys = keyed.trace.flatMap((e) => (e.kind === 'request' ? [e.key] : []));
    expect(requestKeys).toEqual([null, null, null, null]);
    expect(runOf(runs, 'upsert').effects['card-charged']).toBe(1);
  });

  test('both hops trace the key as it goes on the wire: quoted under the IETF draft, bare under Stripe', () => {
    for (const [profile, wire] of [
      ['ietf', /^"key_[0-9a-f]{16}"$/],
      ['stripe', /^key_[0-9a-f]{16}$/],
    ] as const) {
      const { trace } = engine.run({
        scenario: 'retry-amplification',
        knobs: { profile },
        strategies: ['idempotency-key'],
      }).runs[0]!;
      const sent = trace.flatMap((e) => (e.kind === 'request' ? [e.key] : []));
      const forwarded = trace.flatMap((e) => (e.kind === 'forward' ? [e.key] : []));
      expect(sent[0]).toMatch(wire);
      expect(new Set([...sent, ...forwarded])).toEqual(new Set([sent[0]]));
    }
  });

  test('new-key-per-retry in the browser: one charge per browser attempt, not per try below it', () => {
    const { runs } = engine.run({
      scenario: 'retry-amplification',
      knobs: ALL_LOST,
      strategies: ['new-key-per-retry'],
    });
    expect(runs[0]!.effects['card-charged']).toBe(4);
  });

  test('retries off at every layer: one try per layer, one charge', () => {
    const { runs } = engine.run({
      scenario: 'retry-amplification',
      knobs: { ...ALL_LOST, retries: 0, gatewayRetries: 0, pspRetries: 0 },
      strategies: ['naive'],
    });
    const { trace } = runs[0]!;
    expect(count(trace, (e) => e.kind === 'forward')).toBe(1);
    expect(count(trace, (e) => e.kind === 'call')).toBe(1);
    expect(runs[0]!.effects['card-charged']).toBe(1);
  });
});
