// "How often?" in links and saved experiments: seeds and sweeps round-trip, bad values become sentences.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ScenarioInfo } from '../../src/engine/index.ts';
import { checkImport, exportFile, type Experiment } from '../../src/ui/experiments/schema.ts';
import {
  MAX_SEEDS,
  defaultSweep,
  editSweep,
  parseKnobNumber,
  parseSeedCount,
  sweepable,
  sweepValues,
  type OftenState,
} from '../../src/ui/often/often-link.ts';
import { formatHash, parseHash, type PageState } from '../../src/ui/url-state.ts';
import { loadEngine } from '../support/engine.ts';
import { validPageState } from '../support/page-state.ts';

let scenarios: ScenarioInfo[];
beforeAll(async () => {
  scenarios = (await loadEngine()).scenarios();
});
const FALLBACK = 'payment-lost-response';
const story = (id: string) => scenarios.find((s) => s.id === id)!;
const payment = () => story(FALLBACK);
const open = (hash: string) => parseHash(hash, scenarios, FALLBACK);
const BASE = '#scenario=payment-lost-response&seed=12&strategies=naive,idempotency-key&faults=1';

/** A valid often state for a story: seeds, and maybe a sweep over one of its numeric knobs. */
function validOften(info: ScenarioInfo): fc.Arbitrary<OftenState> {
  const knobs = sweepable(info);
  const sweep =
    knobs.length === 0
      ? fc.constant(null)
      : fc.option(
          fc.constantFrom(...knobs).chain((spec) => {
            const value =
              spec.kind === 'int'
                ? fc.integer({ min: spec.min, max: spec.max })
                : fc
                    .integer({ min: Math.ceil(spec.min * 1e4), max: Math.floor(spec.max * 1e4) })
                    .map((n) => n / 1e4);
            return fc
              .tuple(value, value, fc.integer({ min: 2, max: 50 }))
              .filter(([a, b]) => a !== b)
              .map(([a, b, steps]) => ({
                knob: spec.id,
                from: Math.min(a, b),
                to: Math.max(a, b),
                steps,
              }));
          }),
          { nil: null },
        );
  return fc.record({ seeds: fc.integer({ min: 1, max: MAX_SEEDS }), sweep });
}

const withOften = () =>
  validPageState(scenarios).chain((state) =>
    validOften(story(state.scenario))
      .filter((o) => o.seeds !== 1000 || o.sweep !== null)
      .map((often): PageState => ({ ...state, often })),
  );

describe('often in the link', () => {
  test('every valid state with seeds and a sweep round-trips exactly, with no complaint', () => {
    fc.assert(
      fc.property(withOften(), (state) => {
        const parsed = open(formatHash(state, story(state.scenario)));
        expect(parsed.problems).toEqual([]);
        expect(parsed.state).toEqual(state);
      }),
      { numRuns: 200 },
    );
  });

  test('reads a sweep link and writes it back the same, every number plain decimal', () => {
    const hash = `${BASE}&seeds=200&sweep=responseLoss&sweep.from=0&sweep.to=0.5&sweep.steps=6`;
    const parsed = open(hash);
    expect(parsed.problems).toEqual([]);
    expect(parsed.state.often).toEqual({
      seeds: 200,
      sweep: { knob: 'responseLoss', from: 0, to: 0.5, steps: 6 },
    });
    expect(formatHash(parsed.state, payment())).toBe(hash);
  });

  test('the defaults stay out of the link', () => {
    const state = { ...open(BASE).state, often: { seeds: 1000, sweep: null } };
    expect(formatHash(state, payment())).toBe(BASE);
  });

  test('bad values open the nearest valid state and say what changed', () => {
    const parsed = open(
      `${BASE}&seeds=1e3&sweep=responseLoss&sweep.from=0x1&sweep.to=0.2&sweep.steps=99`,
    );
    expect(parsed.state.often).toEqual({
      seeds: 1000,
      sweep: { knob: 'responseLoss', from: 0, to: 0.2, steps: 6 },
    });
    expect(parsed.problems).toEqual([
      '“seeds=1e3” is not a whole number from 1 to 100000; batches run 1000 seeds.',
      '“sweep.from=0x1” is not a plain decimal number; 0 is used.',
      'A sweep takes 2 to 50 steps, not 99; 6 are used.',
    ]);
    const backwards = open(`${BASE}&sweep=retries&sweep.from=5&sweep.to=1&sweep.steps=3`);
    expect(backwards.state.often?.sweep).toEqual({ knob: 'retries', from: 1, to: 5, steps: 3 });
    expect(backwards.problems).toEqual(['The sweep ran backwards; it runs from 1 to 5.']);
    const outside = open(`${BASE}&sweep=retries&sweep.from=0&sweep.to=500`);
    expect(outside.state.often?.sweep?.to).toBe(10);
    expect(outside.problems[0]).toMatch(/end 500 is not a value of “Retries” \(0 to 10\); 10/);
  });

  test('a sweep of a knob the story lacks, or of a choice, is left out and said', () => {
    const parsed = open(`${BASE}&sweep=profile`);
    expect(parsed.state.often).toEqual({ seeds: 1000, sweep: null });
    expect(parsed.problems).toEqual([
      'This story has no numeric knob “profile” to sweep; the sweep was left out.',
    ]);
    const stray = open(`${BASE}&sweep.steps=4`);
    expect(stray.problems).toEqual([
      'The link sets “sweep.steps” but names no knob to sweep; ignored.',
    ]);
  });
});

describe('the panel’s pure helpers', () => {
  test('sweep values: evenly spaced, ends included, rounded as the knob keeps them, no repeats', () => {
    const loss = sweepable(payment()).find((k) => k.id === 'responseLoss')!;
    const retries = sweepable(payment()).find((k) => k.id === 'retries')!;
    expect(sweepValues({ knob: 'responseLoss', from: 0, to: 0.5, steps: 6 }, loss)).toEqual([
      0, 0.1, 0.2, 0.3, 0.4, 0.5,
    ]);
    expect(sweepValues({ knob: 'responseLoss', from: 0, to: 1, steps: 4 }, loss)).toEqual([
      0, 0.3333, 0.6667, 1,
    ]);
    expect(sweepValues({ knob: 'retries', from: 0, to: 2, steps: 6 }, retries)).toEqual([0, 1, 2]);
    expect(defaultSweep(retries)).toEqual({ knob: 'retries', from: 0, to: 10, steps: 6 });
  });

  test('a typed seed count: separators allowed, anything else a clear error', () => {
    expect(['1000', '1,000', '10 000', ' 100000 '].map(parseSeedCount)).toEqual([
      1000, 1000, 10000, 100000,
    ]);
    for (const bad of ['0', '100001', '1.5', 'abc', '', '1e3', '-5', '1,00'])
      expect(parseSeedCount(bad), bad).toBe('A batch runs 1 to 100,000 seeds, as a whole number.');
  });

  test('a typed knob value: plain decimal, in range, four decimals', () => {
    const loss = sweepable(payment()).find((k) => k.id === 'responseLoss')!;
    expect(parseKnobNumber(loss, '0.25')).toBe(0.25);
    expect(parseKnobNumber(loss, '2')).toBe('“Response loss” runs from 0 to 1');
    expect(parseKnobNumber(loss, '.5')).toMatch(/takes a decimal number/);
    expect(parseKnobNumber(loss, '0.123456')).toBe('“Response loss” keeps 4 decimals');
  });
});

describe('often in saved experiments', () => {
  const saved = (often?: unknown): Record<string, unknown> => ({
    id: 'a',
    title: 'sweep',
    note: '',
    scenario: FALLBACK,
    seed: 12,
    strategies: ['naive'],
    faults: true,
    knobs: {},
    t: null,
    createdAt: 1,
    updatedAt: 1,
    appVersion: '0.1.0',
    ...(often === undefined ? {} : { often }),
  });

  test('an export of version 1 without often still imports; one with often round-trips', () => {
    const often = { seeds: 200, sweep: { knob: 'responseLoss', from: 0, to: 0.5, steps: 6 } };
    const file = exportFile([saved() as Experiment, saved(often) as Experiment], 1);
    const checked = checkImport(JSON.parse(JSON.stringify(file)), scenarios);
    expect(checked.refused).toEqual([]);
    expect(checked.accepted).toEqual([saved(), saved(often)]);
  });

  test('an often the link would have to change is refused, with the link’s words', () => {
    const bad = saved({ seeds: 10, sweep: { knob: 'profile', from: 0, to: 1, steps: 3 } });
    const checked = checkImport(exportFile([bad as Experiment], 1), scenarios);
    expect(checked.accepted).toEqual([]);
    expect(checked.refused[0]?.reasons).toEqual([
      'This story has no numeric knob “profile” to sweep; the sweep was left out.',
    ]);
    const shape = checkImport(
      exportFile([saved({ seeds: 0, sweep: null }) as Experiment], 1),
      scenarios,
    );
    expect(shape.refused[0]?.reasons[0]).toMatch(/^often\.seeds:/);
  });
});

describe('editing a sweep', () => {
  test('a field typed anew: kept when valid, a sentence when not', () => {
    const loss = sweepable(payment()).find((k) => k.id === 'responseLoss')!;
    const sweep = { knob: 'responseLoss', from: 0, to: 0.5, steps: 6 };
    expect(editSweep(sweep, loss, 'to', '0.3')).toEqual({ ...sweep, to: 0.3 });
    expect(editSweep(sweep, loss, 'steps', '11')).toEqual({ ...sweep, steps: 11 });
    expect(editSweep(sweep, loss, 'steps', '51')).toMatch(/^Steps is a whole number from 2 to 50/);
    expect(editSweep(sweep, loss, 'from', '0.5')).toBe('The sweep’s start must be below its end.');
    expect(editSweep(sweep, loss, 'from', 'x')).toMatch(/takes a decimal number such as 0\.25\.$/);
  });
});
