// "How often?" in links and saved experiments: seeds and sweeps round-trip, bad values become sentences.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ScenarioInfo } from '../../src/engine/index.ts';
import {
  checkImport,
  exportFile,
  sameExperiment,
  stateOf,
  type Experiment,
} from '../../src/ui/experiments/schema.ts';
import {
  MAX_SEEDS,
  defaultSweep,
  editSweep,
  isDefaultOften,
  lastStart,
  parseKnobNumber,
  parseSeedCount,
  parseSeedStart,
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
  // The first seed: mostly 0 (left out of the link), else anywhere the batch still ends by the last seed.
  const seedsAndFrom = fc
    .integer({ min: 1, max: MAX_SEEDS })
    .chain((seeds) =>
      fc
        .oneof(
          fc.constant(0),
          fc.integer({ min: 0, max: lastStart(seeds) }),
          fc.constant(lastStart(seeds)),
        )
        .map((from) => ({ seeds, from })),
    );
  return fc.tuple(seedsAndFrom, sweep).map(([{ seeds, from }, sweep]) => ({ seeds, from, sweep }));
}

const withOften = () =>
  validPageState(scenarios).chain((state) =>
    validOften(story(state.scenario))
      .filter((o) => !isDefaultOften(o))
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
      from: 0,
      sweep: { knob: 'responseLoss', from: 0, to: 0.5, steps: 6 },
    });
    expect(formatHash(parsed.state, payment())).toBe(hash);
  });

  test('the first seed rides in the link as seeds.from, after the count', () => {
    const hash = `${BASE}&seeds=200&seeds.from=5000&sweep=retries&sweep.from=0&sweep.to=4&sweep.steps=5`;
    const parsed = open(hash);
    expect(parsed.problems).toEqual([]);
    expect(parsed.state.often).toEqual({
      seeds: 200,
      from: 5000,
      sweep: { knob: 'retries', from: 0, to: 4, steps: 5 },
    });
    expect(formatHash(parsed.state, payment())).toBe(hash);
    // Alone, with the default count: seeds 7 to 1,006.
    expect(open(`${BASE}&seeds.from=7`).state.often).toEqual({ seeds: 1000, from: 7, sweep: null });
  });

  test('the defaults stay out of the link, and a link that spells them out reads as none', () => {
    const state = { ...open(BASE).state, often: { seeds: 1000, from: 0, sweep: null } };
    expect(formatHash(state, payment())).toBe(BASE);
    const spelled = open(`${BASE}&seeds=1000&seeds.from=0`);
    expect(spelled.problems).toEqual([]);
    expect(spelled.state).toEqual(open(BASE).state);
  });

  test('a bad first seed is said, and batches start at 0 (or as late as the count allows)', () => {
    for (const bad of ['0x5', '1e3', '-1', '+5', ' 5', '5.0', '4294967296', ''])
      expect(open(`${BASE}&seeds=200&seeds.from=${encodeURIComponent(bad)}`), bad).toEqual({
        state: { ...open(BASE).state, often: { seeds: 200, from: 0, sweep: null } },
        problems: [
          `“seeds.from=${bad}” is not a whole number from 0 to 4294967295; batches start at seed 0.`,
        ],
      });
    const late = open(`${BASE}&seeds=1000&seeds.from=4294967000`);
    expect(late.state.often).toEqual({ seeds: 1000, from: 4294966296, sweep: null });
    expect(late.problems).toEqual([
      '1,000 seeds from 4294967000 go past the last seed, 4294967295; batches start at seed 4294966296.',
    ]);
  });

  test('bad values open the nearest valid state and say what changed', () => {
    const parsed = open(
      `${BASE}&seeds=1e3&sweep=responseLoss&sweep.from=0x1&sweep.to=0.2&sweep.steps=99`,
    );
    expect(parsed.state.often).toEqual({
      seeds: 1000,
      from: 0,
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
    // What is left is the defaults, which a canonical link (and so the state) leaves out.
    expect(parsed.state.often).toBeUndefined();
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

  test('a typed first seed: plain decimal, and the batch must end by the last seed', () => {
    expect(parseSeedStart('0', 1000)).toBe(0);
    expect(parseSeedStart(' 500 ', 1000)).toBe(500);
    expect(parseSeedStart('4294966296', 1000)).toBe(4294966296);
    for (const bad of ['4294966297', '-1', '1,000', '1e3', '0x5', '5.0', 'abc', ''])
      expect(parseSeedStart(bad, 1000), bad).toBe(
        'A batch of 1,000 seeds starts at a whole number from 0 to 4294966296.',
      );
    expect(lastStart(1)).toBe(4294967295);
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
    // Saved before the first seed existed: it opens at seed 0, and is the same save as one that says so.
    expect(stateOf(checked.accepted[1]!).often).toEqual({ ...often, from: 0 });
    expect(sameExperiment(checked.accepted[1]!, saved({ ...often, from: 0 }) as Experiment)).toBe(
      true,
    );
  });

  test('a save with a first seed round-trips into the page state it opens', () => {
    const often = { seeds: 200, from: 9000, sweep: null };
    const checked = checkImport(
      JSON.parse(JSON.stringify(exportFile([saved(often) as Experiment], 1))),
      scenarios,
    );
    expect(checked.refused).toEqual([]);
    expect(checked.accepted).toEqual([saved(often)]);
    expect(stateOf(checked.accepted[0]!).often).toEqual(often);
    expect(formatHash(stateOf(checked.accepted[0]!), payment())).toMatch(
      /&seeds=200&seeds\.from=9000$/,
    );
  });

  test('a first seed out of shape, or past the last seed, is refused with a reason', () => {
    const checked = checkImport(
      exportFile(
        [
          saved({ seeds: 200, from: -1, sweep: null }) as Experiment,
          saved({ seeds: 200, from: 1.5, sweep: null }) as Experiment,
          saved({ seeds: 1000, from: 4294967000, sweep: null }) as Experiment,
        ],
        1,
      ),
      scenarios,
    );
    expect(checked.accepted).toEqual([]);
    expect(checked.refused.map((r) => r.reasons[0])).toEqual([
      expect.stringMatching(/^often\.from:/),
      expect.stringMatching(/^often\.from:/),
      '1,000 seeds from 4294967000 go past the last seed, 4294967295; batches start at seed 4294966296.',
    ]);
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
