// engine.batch and engine.sweep: the batch agrees with run() seed by seed, sweeps are batches,
// cancel returns a consistent part, and bad options are refused by name.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type {
  BatchOptions,
  Engine,
  ScenarioInfo,
  StrategySummary,
} from '../../src/engine/index.ts';
import { paymentKnobs } from '../support/arbitraries.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
let stories: ScenarioInfo[];
beforeAll(async () => {
  engine = await loadEngine();
  stories = engine.scenarios();
});

const MAX_SEED = 4294967295;

/** What a batch must say, worked out from run() one seed at a time (independently of the tally). */
function expectedFromRuns(options: BatchOptions, story: ScenarioInfo): StrategySummary[] {
  const { seeds, ...rest } = options;
  const results = Array.from({ length: seeds.count }, (_, i) =>
    engine.run({ ...rest, seed: seeds.from + i }),
  );
  const strategies = results[0]?.runs.map((r) => r.strategy) ?? [];
  return strategies.map((strategy, k) => {
    const runs = results.map((r) => ({ seed: r.seed, run: r.runs[k] }));
    const verdicts = runs.map(({ seed, run }) => ({ seed, invariants: run?.invariants ?? [] }));
    const extra = [...new Set(runs.flatMap(({ run }) => Object.keys(run?.effects ?? {})))].filter(
      (n) => !story.effects.some((e) => e.name === n),
    );
    const names = [...story.effects.map((e) => e.name), ...extra.sort()];
    const effects = Object.fromEntries(
      names.map((name) => {
        const values = runs.map(({ run }) => run?.effects[name] ?? 0);
        const counts = new Map<number, number>();
        for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
        return [
          name,
          {
            mean: values.reduce((a, b) => a + b, 0) / values.length,
            min: Math.min(...values),
            max: Math.max(...values),
            histogram: [...counts].sort(([a], [b]) => a - b),
          },
        ];
      }),
    );
    return {
      strategy,
      runs: seeds.count,
      violated: verdicts.filter((v) => v.invariants.some((i) => !i.holds)).length,
      invariants: (verdicts[0]?.invariants ?? []).map(({ id, title }) => {
        const failing = verdicts
          .filter((v) => v.invariants.some((i) => i.id === id && !i.holds))
          .map((v) => v.seed);
        return { id, title, broken: failing.length, seeds: failing.slice(0, 20) };
      }),
      effects,
    };
  });
}

const range = fc.record({
  from: fc.oneof(fc.nat({ max: 1000 }), fc.nat({ max: MAX_SEED - 3 })),
  count: fc.integer({ min: 1, max: 3 }),
});

describe('batch ≡ run, seed by seed', () => {
  test('every story, random ranges, strategies and faults', async () => {
    for (const story of stories) {
      await fc.assert(
        fc.asyncProperty(
          range,
          fc.boolean(),
          fc.subarray([...story.strategies.map((s) => s.id)], { minLength: 1, maxLength: 3 }),
          async (seeds, faults, strategies) => {
            const options = { scenario: story.id, seeds, faults, strategies };
            const batch = await engine.batch(options);
            expect(batch.seeds).toEqual(seeds);
            expect(batch.partial).toBeUndefined();
            expect(batch.strategies).toEqual(expectedFromRuns(options, story));
          },
        ),
        { numRuns: 2 },
      );
    }
  });

  test('random knobs of the payment story, the lesson included', async () => {
    const story = stories.find((s) => s.id === 'payment-lost-response');
    if (!story) throw new Error('no payment-lost-response');
    await fc.assert(
      fc.asyncProperty(range, paymentKnobs, async (seeds, knobs) => {
        const options = { scenario: story.id, seeds, knobs };
        expect((await engine.batch(options)).strategies).toEqual(expectedFromRuns(options, story));
      }),
      { numRuns: 6 },
    );
    // The story seed breaks naive: the batch must list it as a failing seed.
    const lesson = { scenario: story.id, seeds: { from: story.storySeed, count: 1 } };
    const [naive] = (await engine.batch(lesson)).strategies;
    expect(naive?.violated).toBe(1);
    expect(naive?.invariants.some((i) => i.seeds.includes(story.storySeed))).toBe(true);
  });
});

describe('sweep', () => {
  test('each point is the batch at that knob value', async () => {
    const base = { scenario: 'payment-lost-response', seeds: { from: 7, count: 3 } };
    const sweep = await engine.sweep({ ...base, knob: 'retries', values: [0, 2, 5] });
    expect(sweep.knob).toBe('retries');
    expect(sweep.knobs).not.toHaveProperty('retries');
    expect(sweep.partial).toBeUndefined();
    expect(sweep.points.map((p) => p.value)).toEqual([0, 2, 5]);
    for (const point of sweep.points) {
      const batch = await engine.batch({ ...base, knobs: { retries: point.value } });
      expect(point.strategies).toEqual(batch.strategies);
      expect(sweep.knobs).toEqual(
        Object.fromEntries(Object.entries(batch.knobs).filter(([id]) => id !== 'retries')),
      );
    }
  });

  test('progress counts seeds over every point', async () => {
    const reports: [number, number][] = [];
    await engine.sweep(
      {
        scenario: 'key-lifecycle',
        seeds: { from: 0, count: 5 },
        knob: 'profile',
        values: ['ietf', 'stripe'],
      },
      { onProgress: (done, total) => reports.push([done, total]) },
    );
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.every(([, total]) => total === 10)).toBe(true);
    expect(reports.at(-1)).toEqual([10, 10]);
    const done = reports.map(([d]) => d);
    expect(done).toEqual([...done].sort((a, b) => a - b));
  });
});

describe('cancel', () => {
  const options = { scenario: 'webhook-duplicates', seeds: { from: 40, count: 200 } };

  test('stops at the next seed and returns what ran, equal to a batch of that part', async () => {
    const controller = new AbortController();
    const reports: number[] = [];
    let pauses = 0;
    const partial = await engine.batch(options, {
      signal: controller.signal,
      onProgress: (done) => {
        reports.push(done);
        controller.abort();
      },
      pause: async () => {
        pauses += 1;
      },
    });
    expect(partial.partial).toBe(true);
    expect(pauses).toBe(1);
    expect(partial.seeds.from).toBe(40);
    expect(partial.seeds.count).toBeGreaterThan(0);
    expect(partial.seeds.count).toBeLessThan(200);
    expect(reports).toEqual([partial.seeds.count, partial.seeds.count]);
    for (const s of partial.strategies) expect(s.runs).toBe(partial.seeds.count);
    const whole = await engine.batch({ ...options, seeds: partial.seeds });
    expect({ ...partial, partial: undefined }).toEqual({ ...whole, partial: undefined });
  });

  test('a cancel from the event loop gets through while the host pauses', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 0);
    const partial = await engine.batch(
      { ...options, seeds: { from: 0, count: 100_000 } },
      { signal: controller.signal, pause: () => new Promise((r) => setTimeout(r, 0)) },
    );
    expect(partial.partial).toBe(true);
    expect(partial.seeds.count).toBeLessThan(100_000);
    const whole = await engine.batch({ ...options, seeds: partial.seeds });
    expect(partial.strategies).toEqual(whole.strategies);
  });

  test('a sweep cancelled in its second point keeps the first whole and the second partial', async () => {
    const controller = new AbortController();
    const sweep = await engine.sweep(
      { ...options, seeds: { from: 0, count: 8 }, knob: 'retries', values: [1, 2, 3] },
      {
        signal: controller.signal,
        onProgress: (done) => {
          if (done > 8) controller.abort();
        },
      },
    );
    expect(sweep.partial).toBe(true);
    expect(sweep.points.map((p) => [p.value, p.partial])).toEqual([
      [1, undefined],
      [2, true],
    ]);
    expect(sweep.points[0]?.strategies[0]?.runs).toBe(8);
    expect(sweep.points[1]?.strategies[0]?.runs).toBeLessThan(8);
  });

  test('already cancelled: nothing runs', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await engine.batch(options, { signal: controller.signal });
    expect(result.partial).toBe(true);
    expect(result.seeds).toEqual({ from: 40, count: 0 });
    expect(result.strategies.map((s) => s.runs)).toEqual([0, 0]);
  });
});

describe('bad options are refused, naming the value', () => {
  const scenario = 'payment-lost-response';
  test.each<[string, BatchOptions, RegExp]>([
    [
      'count 0',
      { scenario, seeds: { from: 0, count: 0 } },
      /seeds.count 0 is not allowed; a batch runs 1 to 100000 seeds/,
    ],
    [
      'count above the maximum',
      { scenario, seeds: { from: 0, count: 100_001 } },
      /seeds.count 100001 is not allowed/,
    ],
    [
      'a fractional from',
      { scenario, seeds: { from: 1.5, count: 1 } },
      /seeds.from 1.5 is not allowed/,
    ],
    [
      'past the last seed',
      { scenario, seeds: { from: MAX_SEED, count: 2 } },
      /go past the last seed/,
    ],
    [
      'unknown knob',
      { scenario, seeds: { from: 0, count: 1 }, knobs: { retires: 3 } },
      /Unknown knob "retires"/,
    ],
    [
      'out of range',
      { scenario, seeds: { from: 0, count: 1 }, knobs: { retries: -1 } },
      /Knob "retries" is -1/,
    ],
    [
      'unknown scenario',
      { scenario: 'nope', seeds: { from: 0, count: 1 } },
      /Unknown scenario "nope"/,
    ],
  ])('%s', async (_, options, message) => {
    await expect(engine.batch(options)).rejects.toThrow(message);
  });

  test('a seed instead of seeds, and an unknown option', async () => {
    const seeds = { from: 0, count: 1 };
    await expect(engine.batch({ scenario, seed: 3 } as unknown as BatchOptions)).rejects.toThrow(
      /takes seeds: \{ from, count \}, not one seed/,
    );
    await expect(
      engine.batch({ scenario, seeds, knob: 'retries' } as BatchOptions),
    ).rejects.toThrow(/Unknown batch option "knob"/);
  });

  test('sweeps check the knob and every value before running', async () => {
    const base = { scenario, seeds: { from: 0, count: 1 } };
    await expect(engine.sweep({ ...base, knob: 'retires', values: [1] })).rejects.toThrow(
      /Unknown knob "retires" to sweep/,
    );
    await expect(engine.sweep({ ...base, knob: 'retries', values: [1, 2, 99] })).rejects.toThrow(
      /Knob "retries" is 99; it must be an integer from/,
    );
    await expect(engine.sweep({ ...base, knob: 'retries', values: [] })).rejects.toThrow(
      /values is \[\]; a sweep takes a list of 1 to 50 values/,
    );
    await expect(engine.sweep({ ...base, knob: 'retries', values: [1, 1] })).rejects.toThrow(
      /lists one value twice: 1, 1/,
    );
  });
});
