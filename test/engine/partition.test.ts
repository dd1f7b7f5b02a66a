// Seeds split over workers and merged back: the same summary as one worker, in any order.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import { mergeBatches, partitionSeeds } from '../../src/engine/partition.ts';
import { StrategyTally } from '../../src/engine/tally.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

describe('partitionSeeds', () => {
  test('contiguous ranges in order, covering every seed once, sizes within one', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 4_000_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 8 }),
        (from, count, parts) => {
          const ranges = partitionSeeds({ from, count }, parts);
          expect(ranges).toHaveLength(Math.min(parts, count));
          let next = from;
          for (const r of ranges) {
            expect(r.from).toBe(next);
            expect(r.count).toBeGreaterThan(0);
            next += r.count;
          }
          expect(next).toBe(from + count);
          const sizes = ranges.map((r) => r.count);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  test('refuses a part count that is not a whole number of at least one', () => {
    expect(() => partitionSeeds({ from: 0, count: 5 }, 0)).toThrow(/parts is 0/);
    expect(() => partitionSeeds({ from: 0, count: 5 }, 2.5)).toThrow(/parts is 2.5/);
  });
});

describe('StrategyTally', () => {
  const holds = (id: string, ok: boolean) => ({ id, title: id, holds: ok, detail: '', sql: '' });
  const specs = [{ id: 'once', title: 'once' }];

  test('an effect some runs lack counts 0 in them, before and after it first shows', () => {
    const tally = new StrategyTally('s', specs, ['charged']);
    tally.add(1, [holds('once', true)], { charged: 1 });
    tally.add(2, [holds('once', false)], { charged: 2, published: 3 });
    tally.add(3, [holds('once', true)], { charged: 1 });
    const other = new StrategyTally('s', specs, ['charged']);
    other.add(4, [holds('once', false)], { charged: 0, refunded: 1 });
    tally.absorb(other.summary());
    expect(tally.summary()).toEqual({
      strategy: 's',
      runs: 4,
      violated: 2,
      invariants: [{ id: 'once', title: 'once', broken: 2, seeds: [2, 4] }],
      effects: {
        charged: {
          mean: 1,
          min: 0,
          max: 2,
          histogram: [
            [0, 1],
            [1, 2],
            [2, 1],
          ],
        },
        published: {
          mean: 0.75,
          min: 0,
          max: 3,
          histogram: [
            [0, 3],
            [3, 1],
          ],
        },
        refunded: {
          mean: 0.25,
          min: 0,
          max: 1,
          histogram: [
            [0, 3],
            [1, 1],
          ],
        },
      },
    });
  });

  test('refuses runs of another strategy or other invariants', () => {
    const tally = new StrategyTally('s', specs, []);
    expect(() => tally.add(1, [], {})).toThrow(/runs checked \[\], this tally counts \[once\]/);
    expect(() => tally.add(1, [holds('twice', true)], {})).toThrow(/"twice" is not checked/);
    expect(() => tally.absorb(new StrategyTally('t', specs, []).summary())).toThrow(
      /cannot merge strategy "t" into "s"/,
    );
  });
});

describe('mergeBatches', () => {
  test('parts merged in any order equal the batch of the whole range', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('payment-lost-response', 'queue-redelivery', 'retry-amplification'),
        fc.nat({ max: 10_000 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 8 }),
        fc.nat(),
        async (scenario, from, count, parts, shuffle) => {
          const options = { scenario, seeds: { from, count } };
          const whole = await engine.batch(options);
          const pieces = await Promise.all(
            partitionSeeds(options.seeds, parts).map((seeds) =>
              engine.batch({ ...options, seeds }),
            ),
          );
          // A rotation and a reversal: merging must not depend on the order parts arrive in.
          const k = shuffle % pieces.length;
          const arrived = [...pieces.slice(k), ...pieces.slice(0, k)];
          if (shuffle % 2 === 1) arrived.reverse();
          expect(mergeBatches(arrived)).toEqual(whole);
        },
      ),
      { numRuns: 10 },
    );
  });

  test('failing seeds stay the first 20 of the whole range', async () => {
    const options = {
      scenario: 'payment-lost-response',
      strategies: ['naive'],
      knobs: { responseLoss: 0.6 },
      seeds: { from: 0, count: 60 },
    };
    const whole = await engine.batch(options);
    const parts = await Promise.all(
      partitionSeeds(options.seeds, 6).map((seeds) => engine.batch({ ...options, seeds })),
    );
    expect(mergeBatches(parts)).toEqual(whole);
    const [naive] = whole.strategies;
    expect(naive?.violated).toBeGreaterThan(20);
    expect(naive?.invariants.some((i) => i.seeds.length === 20)).toBe(true);
  });

  test('refuses overlapping, gapped or mismatched parts', async () => {
    const options = { scenario: 'webhook-duplicates', seeds: { from: 0, count: 4 } };
    const a = await engine.batch(options);
    const b = await engine.batch({ ...options, seeds: { from: 2, count: 4 } });
    const c = await engine.batch({ ...options, seeds: { from: 5, count: 1 } });
    const d = await engine.batch({ ...options, seeds: { from: 4, count: 1 }, faults: false });
    expect(() => mergeBatches([a, b])).toThrow(/ranges must be disjoint/);
    expect(() => mergeBatches([a, c])).toThrow(/when complete, contiguous/);
    expect(() => mergeBatches([a, d])).toThrow(/cannot merge batches of different runs/);
    expect(() => mergeBatches([])).toThrow(/at least one batch/);
    // After a cancel a gap is what happened: merged, marked partial, every run counted.
    const merged = mergeBatches([{ ...c, partial: true }, a]);
    expect(merged.partial).toBe(true);
    expect(merged.seeds).toEqual({ from: 0, count: 5 });
    expect(merged.strategies.map((s) => s.runs)).toEqual([5, 5]);
  });
});
