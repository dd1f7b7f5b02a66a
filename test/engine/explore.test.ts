// engine.explore: hand-counted schedule counts, minimal counterexamples, replay ≡ explore, cancel and bounds.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, ExploreResult } from '../../src/engine/index.ts';
import { paymentKnobs } from '../support/arbitraries.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const scenario = 'payment-lost-response';
/** One payment; of the random faults only lost answers are modelled (the other ratios are 0). */
const onlyLostAnswers = { requestLoss: 0, duplicate: 0, responseLoss: 0.3, crash: 0 };

const counts = (r: ExploreResult) => r.strategies.map((s) => s.schedules);

describe('explore counts every schedule once', () => {
  test('lost answers, one retry: 3 schedules with ≤ 2 faults, 2 with ≤ 1, 1 with none', async () => {
    // The fault-free run has one choice point: attempt 1's answer. Losing it makes the client
    // time out and send attempt 2, whose answer is a second point. So: {}, {lose 1}, {lose 1,
    // lose 2}. Attempt 2's answer is no point of the fault-free run (there is no attempt 2).
    const knobs = { ...onlyLostAnswers, retries: 1 };
    const strategies = ['naive', 'idempotency-key'];
    const bounded = (maxFaults: number) =>
      engine.explore({ scenario, knobs, strategies, maxFaults });
    expect(counts(await bounded(2))).toEqual([3, 3]);
    expect(counts(await bounded(1))).toEqual([2, 2]);
    expect(counts(await bounded(0))).toEqual([1, 1]);
    expect((await bounded(2)).complete).toBe(true);
  });

  test('a lost request hides the answer it would have had: 3 schedules, not 4 subsets', async () => {
    // Points of the fault-free run: attempt 1's request, then its answer. With no retries, a
    // lost request ends the run: its answer is never asked, so {lose request, lose answer} is no
    // schedule. {}, {lose request}, {lose answer}: 3, also with 2 faults allowed.
    const knobs = { ...onlyLostAnswers, requestLoss: 0.1, retries: 0 };
    const result = await engine.explore({ scenario, knobs, strategies: ['naive'], maxFaults: 2 });
    expect(counts(result)).toEqual([3]);
    expect(result.strategies[0]?.holds).toBe(true);
  });

  test('an ordering counts as a schedule of no faults: two clicks due at one moment give 2', async () => {
    // With the timing lined up (as check-then-insert's exposedIn has it), the fault-free run has
    // one tie: at 15 ms click 1's next step and click 2's arrival are both due. Click 2 first
    // finds the key claimed, and that run has no further tie. So {} and {click 2 first}: 2.
    const knobs = { clickGapMs: 10, latencyMs: 5, latencySpreadMs: 0, stepMs: 10 };
    const story = 'double-click-checkout';
    const result = await engine.explore({
      scenario: story,
      knobs,
      strategies: ['idempotency-key'],
      maxFaults: 0,
    });
    expect(counts(result)).toEqual([2]);
    expect(result.complete).toBe(true);
    const ties = (schedule: string) =>
      engine
        .run({ scenario: story, knobs, strategies: ['idempotency-key'], schedule })
        .runs[0]?.trace.flatMap((e) =>
          e.kind === 'choice' && e.label.startsWith('order/')
            ? [`${e.label}=${String(e.value)}`]
            : [],
        );
    expect(ties('v1')).toEqual(['order/15/1=0']);
    expect(ties('v1~O.15.1.1')).toEqual(['order/15/1=1']);
  });
});

describe('counterexamples', () => {
  test('naive: one lost answer charges twice, in words, and no schedule with fewer faults breaks it', async () => {
    const knobs = { ...onlyLostAnswers, retries: 1 };
    const result = await engine.explore({
      scenario,
      knobs,
      strategies: ['naive', 'idempotency-key'],
      maxFaults: 2,
    });
    const [naive, keyed] = result.strategies;
    const charge = naive?.counterexamples.find((c) => c.invariant === 'one-charge-per-intent');
    expect(charge).toMatchObject({
      faults: 1,
      schedule: 'v1~n.o1.a1.c0.r',
      summary: 'the response to attempt 1 of operation 1 is lost on the network',
    });
    expect(naive?.holds).toBe(false);
    expect(keyed).toMatchObject({ holds: true, complete: true, counterexamples: [] });
    // Minimal: with no faults at all, every schedule holds.
    const none = await engine.explore({ scenario, knobs, strategies: ['naive'], maxFaults: 0 });
    expect(none.strategies[0]).toMatchObject({ holds: true, complete: true, schedules: 1 });
  });

  test('every counterexample replays through run({ schedule }) to the same broken invariant', async () => {
    for (const [story, knobs] of [
      [scenario, {}],
      ['exactly-once-myth', {}],
      ['retry-amplification', {}],
    ] as const) {
      const result = await engine.explore({ scenario: story, knobs, maxFaults: 1 });
      const found = result.strategies.flatMap((s) =>
        s.counterexamples.map((c) => ({ strategy: s.strategy, ...c })),
      );
      expect(found.length).toBeGreaterThan(0);
      for (const c of found) {
        const replay = engine.run({
          scenario: story,
          knobs,
          strategies: [c.strategy],
          schedule: c.schedule,
        });
        const broken = replay.runs[0]?.invariants.find((i) => i.id === c.invariant);
        expect(broken, `${story} ${c.strategy} ${c.schedule}`).toMatchObject({
          holds: false,
          detail: c.detail,
        });
      }
    }
  });

  test('fewest faults first: a schedule with f faults is never reported when one with fewer breaks', async () => {
    // Each counterexample at bound 2 is the one found at the bound of its own fault count, and
    // no search with a lower bound finds that invariant broken at all: a minimal one.
    for (const story of [scenario, 'auto-increment-dedupe']) {
      const bounded = await Promise.all(
        [0, 1, 2].map((maxFaults) => engine.explore({ scenario: story, maxFaults })),
      );
      const two = bounded[2];
      expect(two?.complete).toBe(true);
      // Not vacuous: some counterexample needs a fault, so a lower bound is checked.
      expect(two?.strategies.some((s) => s.counterexamples.some((c) => c.faults > 0))).toBe(true);
      for (const s of two?.strategies ?? []) {
        const at = (bound: number, invariant: string) =>
          bounded[bound]?.strategies
            .find((x) => x.strategy === s.strategy)
            ?.counterexamples.find((x) => x.invariant === invariant);
        for (const c of s.counterexamples) {
          expect(at(c.faults, c.invariant), `${story} ${s.strategy} ${c.invariant}`).toEqual(c);
          for (let fewer = 0; fewer < c.faults; fewer++)
            expect(at(fewer, c.invariant), `${s.strategy} ${c.invariant} at ${fewer}`).toBe(
              undefined,
            );
        }
      }
    }
  });
});

describe('bounds and cancel', () => {
  test('maxSchedules cuts the search: complete is false', async () => {
    const result = await engine.explore({
      scenario,
      strategies: ['naive'],
      maxFaults: 2,
      maxSchedules: 3,
    });
    expect(result.strategies[0]).toMatchObject({ schedules: 3, complete: false });
    expect(result.complete).toBe(false);
  });

  test('a cancel stops between schedules with what ran so far, not complete', async () => {
    const full = await engine.explore({ scenario, strategies: ['naive'], maxFaults: 2 });
    const controller = new AbortController();
    const seen: number[] = [];
    const result = await engine.explore(
      { scenario, strategies: ['naive', 'idempotency-key'], maxFaults: 2 },
      {
        signal: controller.signal,
        onProgress: (done) => {
          seen.push(done);
          controller.abort();
        },
      },
    );
    expect(seen[0]).toBeGreaterThan(0);
    expect(result.complete).toBe(false);
    expect(result.strategies).toHaveLength(1);
    expect(result.strategies[0]?.schedules).toBeLessThan(full.strategies[0]?.schedules ?? 0);
  });

  test('bad options are refused by name', async () => {
    await expect(engine.explore({ scenario, maxFaults: 4 })).rejects.toThrow(/maxFaults 4/);
    await expect(engine.explore({ scenario, maxFaults: 1, maxSchedules: 0 })).rejects.toThrow(
      /maxSchedules 0/,
    );
    await expect(
      engine.explore({ scenario, maxFaults: 1, seeds: 3 } as unknown as Parameters<
        Engine['explore']
      >[0]),
    ).rejects.toThrow(/Unknown explore option "seeds"/);
    await expect(engine.explore({ scenario: 'nope', maxFaults: 1 })).rejects.toThrow(
      /Unknown scenario/,
    );
  });
});

describe('replay ≡ explore, for any knobs', () => {
  test('every counterexample found under random payment knobs replays to the same verdict', async () => {
    await fc.assert(
      fc.asyncProperty(paymentKnobs, async (drawn) => {
        const knobs = { ...drawn, payments: Math.min(drawn.payments ?? 1, 2) };
        const strategies = ['naive', 'check-then-insert', 'idempotency-key'];
        const result = await engine.explore({
          scenario,
          knobs,
          strategies,
          maxFaults: 1,
          maxSchedules: 20,
        });
        for (const s of result.strategies) {
          for (const c of s.counterexamples) {
            const run = engine.run({
              scenario,
              knobs,
              strategies: [s.strategy],
              schedule: c.schedule,
            });
            const verdict = run.runs[0]?.invariants.find((i) => i.id === c.invariant);
            expect(verdict).toMatchObject({ holds: false, detail: c.detail });
          }
        }
      }),
      { numRuns: 6 },
    );
  }, 300_000);
});
