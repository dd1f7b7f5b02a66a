// The panel's words and numbers: rates and intervals, the settings behind a chart, failing seeds, the divergence, sweep series.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, ScenarioInfo } from '../../src/engine/index.ts';
import { wilson } from '../../src/engine/stats.ts';
import { divergenceAt, findDivergence } from '../../src/ui/diagram/divergence.ts';
import type { SweepPointResult } from '../../src/ui/often/pool.ts';
import {
  cliCommand,
  failingSeeds,
  histogramBars,
  percent,
  rateSentence,
  sameSettings,
  settingsLine,
  sweepSeries,
} from '../../src/ui/often/report.ts';
import { ticksOf } from '../../src/ui/timeline.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
let payment: ScenarioInfo;
beforeAll(async () => {
  engine = await loadEngine();
  payment = engine.scenarios().find((s) => s.id === 'payment-lost-response')!;
});

describe('rates in words', () => {
  test('percentages: plain ends, one decimal, two significant digits when tiny', () => {
    expect([0, 1, 0.3, 0.81234, 0.0004567, 0.001].map(percent)).toEqual([
      '0 %',
      '100 %',
      '30.0 %',
      '81.2 %',
      '0.046 %',
      '0.1 %',
    ]);
  });

  test('the sentence gives the count, the rate and the Wilson interval', () => {
    expect(rateSentence({ violated: 3, runs: 1000, interval: wilson(3, 1000) })).toBe(
      '3 of 1,000 runs broke an invariant: 0.3 % (95 % interval 0.1 % to 0.9 %).',
    );
    expect(rateSentence({ violated: 0, runs: 0, interval: wilson(0, 0) })).toBe('No run finished.');
  });

  test('every setting that shapes a result is named, defaults said once', () => {
    const knobs = { ...Object.fromEntries(payment.knobs.map((k) => [k.id, k.default])) };
    const seeds = { from: 0, count: 200 };
    expect(settingsLine(payment, { faults: true, seeds, knobs })).toBe(
      '200 seeds (seeds 0 to 199) · faults on · every other knob at its default',
    );
    const changed = { ...knobs, retries: 5, responseLoss: 0.25 };
    expect(settingsLine(payment, { faults: false, seeds, knobs: changed }, 'responseLoss')).toBe(
      '200 seeds per point (seeds 0 to 199) · faults off · Retries 5 (default 3)',
    );
  });

  test('the same batch or sweep in a terminal, as scripts/batch.mjs reads it; seed 0 unsaid', () => {
    const settings = {
      scenario: 'payment-lost-response',
      strategies: ['naive', 'idempotency-key'],
      faults: true,
      knobs: { retries: 5, responseLoss: 0.25 },
    };
    expect(cliCommand(settings, { from: 0, count: 1000 })).toBe(
      'npm run batch -- payment-lost-response --seeds 1000 --strategies naive,idempotency-key --k.responseLoss=0.25 --k.retries=5',
    );
    expect(
      cliCommand(
        { ...settings, faults: false },
        { from: 500, count: 200 },
        {
          knob: 'responseLoss',
          values: [0, 0.25, 0.5],
        },
      ),
    ).toBe(
      'npm run batch -- payment-lost-response --seeds 200 --from 500 --strategies naive,idempotency-key --faults=0 --k.retries=5 --sweep responseLoss=0,0.25,0.5',
    );
  });

  test('settings differ by story, faults, strategies or a knob; the swept knob aside', () => {
    const a = { scenario: 'x', strategies: ['naive'], faults: true, knobs: { retries: 2 } };
    expect(sameSettings(a, { ...a, knobs: { retries: 2 } })).toBe(true);
    expect(sameSettings(a, { ...a, knobs: {} })).toBe(false);
    expect(sameSettings(a, { ...a, knobs: { retries: 4 } }, 'retries')).toBe(true);
    expect(sameSettings(a, { ...a, faults: false })).toBe(false);
    expect(sameSettings(a, { ...a, strategies: ['naive', 'upsert'] })).toBe(false);
  });
});

describe('from a batch', () => {
  test('failing seeds over every invariant, each once, ascending, cut at the limit', () => {
    expect(failingSeeds([{ seeds: [9, 3, 40] }, { seeds: [3, 7] }, { seeds: [] }], 3)).toEqual([
      3, 7, 9,
    ]);
  });

  test('histogram bars carry each value’s share of the runs', async () => {
    const batch = await engine.batch({
      scenario: 'payment-lost-response',
      strategies: ['naive'],
      seeds: { from: 0, count: 40 },
    });
    const naive = batch.strategies[0]!;
    const bars = histogramBars(naive.effects['card-charged']!.histogram, naive.runs);
    expect(bars.reduce((n, b) => n + b.runs, 0)).toBe(40);
    expect(bars.reduce((n, b) => n + b.share, 0)).toBeCloseTo(1, 10);
    expect(bars.map((b) => b.value)).toEqual([...bars.map((b) => b.value)].sort((x, y) => x - y));
  });

  test('a failing seed’s divergence is a moment of the timeline, where the columns first differ', async () => {
    const batch = await engine.batch({
      scenario: 'payment-lost-response',
      seeds: { from: 0, count: 30 },
    });
    const seed = failingSeeds(batch.strategies[0]!.invariants)[0]!;
    const run = engine.run({ scenario: 'payment-lost-response', seed });
    const traces = run.runs.map((r) => r.trace);
    const at = divergenceAt(traces);
    expect(at).not.toBeNull();
    expect(ticksOf(traces)).toContain(at);
    // The earliest of the marked events, and nothing marked earlier.
    const marked = findDivergence(traces)!.seqs.map((seq, i) => traces[i]![seq!]!.at);
    expect(at).toBe(Math.min(...marked));
    // One column, or columns that never part: no divergence to go to.
    expect(divergenceAt([traces[0]!])).toBeNull();
    expect(divergenceAt([traces[0]!, traces[0]!])).toBeNull();
  });
});

describe('sweep series', () => {
  test('one series per strategy, a point per value with its rate and interval; a partial point says so', async () => {
    const options = {
      scenario: 'payment-lost-response',
      seeds: { from: 0, count: 20 },
      knob: 'responseLoss',
      values: [0, 0.5],
    };
    const sweep = await engine.sweep(options);
    const rated = (s: (typeof sweep.points)[number]['strategies'][number]) => ({
      ...s,
      interval: wilson(s.violated, s.runs),
    });
    const points: SweepPointResult[] = sweep.points.map((p, i) => ({
      value: p.value as number,
      batch: {
        scenario: sweep.scenario,
        faults: sweep.faults,
        knobs: { ...sweep.knobs, responseLoss: p.value },
        seeds: sweep.seeds,
        strategies: p.strategies.map(rated),
        ...(i === 1 ? { partial: true as const } : {}),
      },
    }));
    const series = sweepSeries(points);
    expect(series.map((s) => s.strategy)).toEqual(['naive', 'idempotency-key']);
    const naive = series[0]!;
    expect(naive.points.map((p) => [p.x, p.partial])).toEqual([
      [0, false],
      [0.5, true],
    ]);
    const source = sweep.points[1]!.strategies[0]!;
    expect(naive.points[1]).toMatchObject({
      rate: source.violated / source.runs,
      violated: source.violated,
      runs: 20,
      ...wilson(source.violated, source.runs),
    });
    expect(series[1]!.points.every((p) => p.rate === 0)).toBe(true);
  });
});
