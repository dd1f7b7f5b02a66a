// Wilson score intervals: how sure a rate over a batch is ("3 of 1,000 runs: 0.1 % to 0.9 %").

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/**
 * √x by Newton's method from above: + − × ÷ only, which IEEE 754 rounds the same everywhere. The
 * core may not call Math.sqrt and its kin (tidy bans them so no result can hang on an engine's
 * maths library); 64 steps reach the fixed point for any x up to 2^64 and below.
 */
function sqrt(x: number): number {
  if (!(x > 0)) return 0;
  let guess = x > 1 ? x : 1;
  for (let step = 0; step < 64; step++) {
    const next = (guess + x / guess) / 2;
    if (next >= guess) return guess;
    guess = next;
  }
  return guess;
}

/** The Wilson score interval for `successes` out of `trials` (0 to 1); [0, 1] for no trials. */
export function wilson(successes: number, trials: number, z: number = Z95): Interval {
  if (!Number.isInteger(trials) || trials < 0)
    throw new Error(`trials is ${JSON.stringify(trials)}; it must be a whole number of runs`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials)
    throw new Error(`successes is ${JSON.stringify(successes)}; it must be 0 to ${trials}`);
  if (trials === 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === trials ? 1 : Math.min(1, centre + half),
  };
}
