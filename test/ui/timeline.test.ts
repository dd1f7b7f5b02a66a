// The shared cursor's timeline on real runs: every column's events fall on a tick, and seqAt is
// the last event at or before a time.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import { clampTick, eventsAt, seqAt, ticksOf } from '../../src/ui/timeline.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

describe('the timeline', () => {
  test('walking every tick reveals every visible event of every column exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (seed) => {
        const { runs } = engine.run({
          scenario: 'payment-lost-response',
          seed,
          knobs: { payments: 3 },
        });
        const traces = runs.map((r) => r.trace);
        const ticks = ticksOf(traces);
        expect([...ticks].sort((a, b) => a - b)).toEqual(ticks);
        for (const trace of traces) {
          const revealed = ticks.flatMap((at) => eventsAt(trace, at)).map((e) => e.seq);
          const visible = trace.filter((e) => e.kind !== 'choice').map((e) => e.seq);
          expect(revealed).toEqual(visible);
          expect(seqAt(trace, ticks.at(-1)!)).toBe(trace.length - 1);
        }
      }),
      { numRuns: 40 },
    );
  });

  test('seqAt finds the last event at or before a time', () => {
    const { runs } = engine.run({ scenario: 'payment-lost-response', seed: 12 });
    const trace = runs[0]!.trace;
    expect(seqAt(trace, -1)).toBe(-1);
    for (const at of [0, 1, 79, 80, 500, 1000, 5000]) {
      const seq = seqAt(trace, at);
      const expected = trace.filter((e) => e.at <= at).at(-1)?.seq ?? -1;
      expect(seq).toBe(expected);
    }
  });

  test('the cursor stays inside the timeline; null is the end', () => {
    expect(clampTick(null, [0, 5, 9])).toBe(2);
    expect(clampTick(7, [0, 5, 9])).toBe(2);
    expect(clampTick(-4, [0, 5, 9])).toBe(0);
    expect(clampTick(1, [0, 5, 9])).toBe(1);
    expect(clampTick(null, [])).toBe(0);
  });
});
