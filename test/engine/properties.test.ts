// Properties of whole runs: determinism, safety of the correct strategy, no faults ⇒ no
// divergence, knob isolation, and well-formed traces.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import type { TraceEvent } from '../../src/sim/trace.ts';
import { paymentKnobs, seed } from '../support/arbitraries.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const scenario = 'payment-lost-response';

function choicesOf(trace: TraceEvent[]): Map<string, unknown> {
  return new Map(trace.flatMap((e) => (e.kind === 'choice' ? [[e.label, e.value] as const] : [])));
}

describe('run properties', () => {
  test('the same input gives a byte-identical trace', () => {
    fc.assert(
      fc.property(seed, paymentKnobs, (s, knobs) => {
        const a = engine.run({ scenario, seed: s, knobs });
        const b = engine.run({ scenario, seed: s, knobs });
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 60 },
    );
  });

  test('idempotency-key never charges a payment intent twice, over 500 seeds and knob settings', () => {
    fc.assert(
      fc.property(seed, paymentKnobs, (s, knobs) => {
        const run = engine.run({ scenario, seed: s, knobs, strategies: ['idempotency-key'] })
          .runs[0]!;
        const broken = run.invariants.filter((i) => !i.holds);
        expect(broken, broken.map((i) => i.detail).join(' ')).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  test('the property above can fail: naive does charge twice on some schedules', () => {
    let broken = 0;
    for (let s = 0; s < 50; s++) {
      const run = engine.run({ scenario, seed: s, strategies: ['naive'] }).runs[0]!;
      if (run.invariants.some((i) => !i.holds)) broken++;
    }
    expect(broken).toBeGreaterThan(5);
  });

  test('with faults off, every strategy holds every invariant and they all do the same', () => {
    fc.assert(
      fc.property(seed, paymentKnobs, (s, knobs) => {
        const { runs } = engine.run({ scenario, seed: s, knobs, faults: false });
        for (const run of runs) expect(run.invariants.filter((i) => !i.holds)).toEqual([]);
        expect(runs[1]!.effects).toEqual(runs[0]!.effects);
      }),
      { numRuns: 100 },
    );
  });

  // Which choice labels a knob may change; every other fate must stay exactly as it was.
  const decides: Record<string, RegExp | null> = {
    responseLoss: /\/drop-response$/,
    requestLoss: /\/drop-request$/,
    duplicate: /\/duplicate$/,
    latencyMs: /\/latency$/,
    crash: /\/crash-after:/,
    jitter: /\/jitter$/,
    timeoutMs: null,
    stepMs: null,
    pspLatencyMs: null,
  };
  const changed = fc.constantFrom(...Object.keys(decides));

  test('changing one knob leaves every unrelated fate unchanged', () => {
    fc.assert(
      fc.property(seed, changed, fc.integer({ min: 1, max: 9 }), (s, knob, tenth) => {
        const base = engine.run({
          scenario,
          seed: s,
          strategies: ['naive'],
          knobs: { payments: 3 },
        });
        const value = ['responseLoss', 'requestLoss', 'duplicate', 'crash', 'jitter'].includes(knob)
          ? tenth / 10
          : tenth * 100;
        const other = engine.run({
          scenario,
          seed: s,
          strategies: ['naive'],
          knobs: { payments: 3, [knob]: value },
        });
        const before = choicesOf(base.runs[0]!.trace);
        const after = choicesOf(other.runs[0]!.trace);
        const mayChange = decides[knob];
        let compared = 0;
        for (const [label, answer] of before) {
          if (!after.has(label) || (mayChange && mayChange.test(label))) continue;
          compared++;
          expect(after.get(label), label).toEqual(answer);
        }
        expect(compared).toBeGreaterThan(0);
      }),
      { numRuns: 80 },
    );
  });

  test('traces are well formed: numbered in order, causes point back, time never decreases', () => {
    fc.assert(
      fc.property(seed, paymentKnobs, (s, knobs) => {
        for (const run of engine.run({ scenario, seed: s, knobs }).runs) {
          run.trace.forEach((e, i) => {
            expect(e.seq).toBe(i);
            if (e.cause !== undefined) expect(e.cause).toBeLessThan(e.seq);
            if (i > 0) expect(e.at).toBeGreaterThanOrEqual(run.trace[i - 1]!.at);
          });
          const outcomes = run.trace.filter((e) => e.kind === 'outcome');
          const bounded = run.trace.some((e) => e.kind === 'bound-reached');
          if (!bounded) expect(outcomes).toHaveLength(run.operations.length);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('the happy path of every story', () => {
  test('with faults off, every strategy of every story (each case, each profile) holds every invariant and does the same', () => {
    let runs = 0;
    for (const info of engine.scenarios()) {
      const strategies = info.strategies.map((s) => s.id);
      const choice = (id: string) => {
        const knob = info.knobs.find((k) => k.id === id);
        return knob?.kind === 'choice' ? knob.options : [undefined];
      };
      for (const which of choice('case'))
        for (const profile of choice('profile'))
          for (const s of [0, 1, 2]) {
            const knobs = { ...(which ? { case: which } : {}), ...(profile ? { profile } : {}) };
            const result = engine.run({
              scenario: info.id,
              seed: s,
              faults: false,
              strategies,
              knobs,
            });
            const where = `${info.id} ${JSON.stringify(knobs)} seed ${s}`;
            // The story's effects are what every strategy must agree on; a strategy may add a
            // channel of its own (the outbox publishes events), checked by its invariants.
            const storyEffects = (effects: Record<string, number>) =>
              Object.fromEntries(info.effects.map((e) => [e.name, effects[e.name]]));
            for (const run of result.runs) {
              expect(
                run.invariants.filter((i) => !i.holds),
                `${where} ${run.strategy}`,
              ).toEqual([]);
              expect(storyEffects(run.effects), `${where} ${run.strategy}`).toEqual(
                storyEffects(result.runs[0]!.effects),
              );
            }
            runs++;
          }
    }
    expect(runs).toBeGreaterThan(100);
  });
});
