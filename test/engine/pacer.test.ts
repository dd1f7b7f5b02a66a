// The pacer behind batches, sweeps and explorations: with the host's clock a slice ends once 50 ms have passed (progress 4× a second, a cancel seen within 200 ms); without one, after 8 strategy-runs.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Pacer } from '../../src/engine/pacer.ts';

/** Runs `seeds` through a pacer on a scripted clock: seed i takes `ms[i]` ms of that clock. */
async function paced(ms: readonly number[], abortAt?: number) {
  let clock = 0;
  const controller = new AbortController();
  const reports: { done: number; at: number }[] = [];
  let pauses = 0;
  const pacer = new Pacer(
    {
      now: () => clock,
      signal: controller.signal,
      onProgress: (done) => reports.push({ done, at: clock }),
      pause: async () => {
        pauses += 1;
        // The host's event loop runs here: a cancel sent meanwhile arrives now.
        if (abortAt !== undefined && clock >= abortAt) controller.abort();
      },
    },
    ms.length,
  );
  let ran = 0;
  for (const cost of ms) {
    if (pacer.cancelled) break;
    clock += cost;
    ran += 1;
    await pacer.seedDone(1);
  }
  pacer.finish();
  return { reports, pauses, ran, clock };
}

const costs = fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 300 });

describe('with the host’s clock', () => {
  test('a slice ends at the first seed that brings it to 50 ms: no gap between reports exceeds 50 ms plus one seed', async () => {
    await fc.assert(
      fc.asyncProperty(costs, async (ms) => {
        const { reports, pauses, ran } = await paced(ms);
        expect(ran).toBe(ms.length);
        // Every report but the final one ends a slice, and each slice ends with one pause.
        expect(pauses).toBe(reports.length - 1);
        expect(reports.at(-1)?.done).toBe(ms.length);
        let start = 0;
        let done = 0;
        for (const { done: at, at: clock } of reports.slice(0, -1)) {
          // Before this seed the slice was still short of 50 ms; with it, it reached 50 ms.
          const before = clock - (ms[at - 1] ?? 0);
          expect(before - start).toBeLessThan(50);
          expect(clock - start).toBeGreaterThanOrEqual(50);
          // So the gap is under 50 ms plus the last seed: progress comes at least 4 times a
          // second and a cancel is seen within 200 ms while one seed takes under 150 ms.
          expect(clock - start).toBeLessThan(50 + Math.max(...ms));
          expect(at).toBeGreaterThan(done);
          start = clock;
          done = at;
        }
      }),
    );
  });

  test('a cancel that arrives during a pause stops the work before the next seed', async () => {
    const ms = Array.from({ length: 100 }, () => 10);
    const { ran, reports, clock } = await paced(ms, 120);
    // Slices end at 50, 100 and 150 ms; the pause at 150 ms takes the cancel: 15 seeds ran.
    expect(ran).toBe(15);
    expect(clock).toBe(150);
    expect(reports.map((r) => r.done)).toEqual([5, 10, 15, 15]);
  });
});

describe('without a clock', () => {
  test('a slice is 8 strategy-runs: a seed of 3 strategies ends one every third seed', async () => {
    const reports: number[] = [];
    let pauses = 0;
    const pacer = new Pacer(
      {
        onProgress: (done) => reports.push(done),
        pause: async () => {
          pauses += 1;
        },
      },
      10,
    );
    for (let i = 0; i < 10; i++) await pacer.seedDone(3);
    pacer.finish();
    expect(reports).toEqual([3, 6, 9, 10]);
    expect(pauses).toBe(3);
  });
});
