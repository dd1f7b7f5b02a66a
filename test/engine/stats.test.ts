// Wilson score intervals against published values (Newcombe 1998, Table I) and the textbook formula.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { wilson } from '../../src/engine/stats.ts';

describe('wilson', () => {
  test.each([
    // successes, trials, low, high: Newcombe, Stat Med 17:857 (1998), method 3, 95 %
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i lies in [%f, %f]', (successes, trials, low, high) => {
    const interval = wilson(successes, trials);
    expect(interval.low).toBeCloseTo(low, 4);
    expect(interval.high).toBeCloseTo(high, 4);
  });

  test('matches the formula with Math.sqrt, and holds the observed rate', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 200_000 })
          .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([s, n]) => {
          const z = 1.959963984540054;
          const p = s / n;
          const d = 1 + (z * z) / n;
          const c = (p + (z * z) / (2 * n)) / d;
          const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
          const { low, high } = wilson(s, n);
          expect(low).toBeCloseTo(Math.max(0, c - h), 12);
          expect(high).toBeCloseTo(Math.min(1, c + h), 12);
          expect(low).toBeLessThanOrEqual(p);
          expect(high).toBeGreaterThanOrEqual(p);
        },
      ),
    );
  });

  test('no trials say nothing; impossible counts are refused', () => {
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
    expect(wilson(10, 10).high).toBe(1);
    expect(() => wilson(3, 2)).toThrow(/successes is 3; it must be 0 to 2/);
    expect(() => wilson(1, 1.5)).toThrow(/trials is 1.5/);
  });
});
