// The URL hash: every valid state round-trips exactly; every bad link opens the nearest valid
// state and says what it changed.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ScenarioInfo } from '../../src/engine/index.ts';
import {
  formatHash,
  initialState,
  parseHash,
  shorten,
  type PageState,
} from '../../src/ui/url-state.ts';
import { loadEngine } from '../support/engine.ts';
import { validPageState } from '../support/page-state.ts';

let scenarios: ScenarioInfo[];
beforeAll(async () => {
  scenarios = (await loadEngine()).scenarios();
});
const FALLBACK = 'payment-lost-response';
const story = (id: string) => scenarios.find((s) => s.id === id)!;

const validState = () => validPageState(scenarios);

describe('the URL hash', () => {
  test('every valid state round-trips exactly, with nothing to complain about', () => {
    fc.assert(
      fc.property(validState(), (state: PageState) => {
        const hash = formatHash(state, story(state.scenario));
        const parsed = parseHash(hash, scenarios, FALLBACK);
        expect(parsed.problems).toEqual([]);
        expect(parsed.state).toEqual(state);
      }),
      { numRuns: 300 },
    );
  });

  test('reads the example link of the issue', () => {
    const parsed = parseHash(
      '#scenario=payment-lost-response&seed=42&strategies=naive,idempotency-key&faults=1&k.retries=3&t=17',
      scenarios,
      FALLBACK,
    );
    expect(parsed.problems).toEqual([]);
    // retries=3 is the default, so the canonical state leaves it out.
    expect(parsed.state).toEqual({
      scenario: 'payment-lost-response',
      seed: 42,
      strategies: ['naive', 'idempotency-key'],
      faults: true,
      knobs: {},
      t: 17,
    });
  });

  test('an empty hash opens the fallback story as it starts', () => {
    const parsed = parseHash('', scenarios, FALLBACK);
    expect(parsed).toEqual({ state: initialState(story(FALLBACK)), problems: [] });
  });

  test('an unknown story opens the fallback story and says so', () => {
    const parsed = parseHash('#scenario=no-such-story&seed=5&k.retries=2', scenarios, FALLBACK);
    expect(parsed.state).toEqual(initialState(story(FALLBACK)));
    expect(parsed.problems).toEqual([
      'There is no story “no-such-story”; here is “The lost response” instead.',
      'Its other settings were left out: “seed”, “k.retries”.',
    ]);
  });

  test('each bad part is replaced by the nearest valid value, with a sentence each', () => {
    const parsed = parseHash(
      '#scenario=payment-lost-response&seed=-3&strategies=naive,bogus&faults=maybe&k.retries=99&k.responseLoss=abc&k.nope=1&t=x&zoom=2',
      scenarios,
      FALLBACK,
    );
    expect(parsed.state).toEqual({
      scenario: 'payment-lost-response',
      seed: 12,
      strategies: ['naive'],
      faults: true,
      knobs: { retries: 10 },
      t: null,
    });
    expect(parsed.problems).toEqual([
      'The seed “-3” is not a whole number from 0 to 4294967295; the story seed 12 is used.',
      'This story has no strategy “bogus”; it was left out.',
      '“faults” is 1 (on) or 0 (off), not “maybe”; faults are on.',
      '“Retries” is at most 10; 99 was lowered to it.',
      '“Response loss” must be a decimal number such as 0.25, not “abc”.',
      'This story has no knob “nope”; it was ignored.',
      'The cursor “t=x” is not a step number; the run is shown to its end.',
      'The link’s “zoom” means nothing here; it was ignored.',
    ]);
  });

  test('a link whose strategies are all unknown shows the story’s own', () => {
    const parsed = parseHash(
      '#scenario=payment-lost-response&strategies=old-one',
      scenarios,
      FALLBACK,
    );
    expect(parsed.state.strategies).toEqual(story(FALLBACK).defaultStrategies);
    expect(parsed.problems).toHaveLength(2);
  });

  test('a choice knob outside its options falls back to its default', () => {
    const parsed = parseHash('#scenario=key-lifecycle&k.case=teleport', scenarios, FALLBACK);
    expect(parsed.state.knobs).toEqual({});
    expect(parsed.problems[0]).toMatch(/^“Case” is one of replay, mismatch, .*, not “teleport”\.$/);
  });

  test('one number grammar, plain decimal, for seeds, knobs and the cursor', () => {
    const read = (hash: string) =>
      parseHash(`#scenario=payment-lost-response&${hash}`, scenarios, FALLBACK);
    for (const bad of [
      'k.retries=0x5',
      'k.retries=1e1',
      'k.retries=5.0',
      'k.retries=%205',
      'k.retries=+5',
    ])
      expect(read(bad).state.knobs, bad).toEqual({});
    expect(read('k.retries=0x5').problems).toEqual([
      '“Retries” must be a whole number, not “0x5”.',
    ]);
    expect(read('seed=1e9').problems).toHaveLength(1);
    expect(read('seed=1000000000')).toMatchObject({ state: { seed: 1e9 }, problems: [] });
    expect(read('k.responseLoss=0.25')).toMatchObject({
      state: { knobs: { responseLoss: 0.25 } },
      problems: [],
    });
    expect(read('k.responseLoss=0.123456')).toMatchObject({
      state: { knobs: { responseLoss: 0.1235 } },
      problems: ['“Response loss” keeps 4 decimals; 0.123456 was rounded to 0.1235.'],
    });
  });

  test('a link without a story, repeated keys and long values are all reported', () => {
    expect(parseHash('#seed=5&k.retries=2', scenarios, FALLBACK)).toEqual({
      state: initialState(story(FALLBACK)),
      problems: [
        'The link names no story; here is “The lost response”.',
        'Its other settings were left out: “seed”, “k.retries”.',
      ],
    });
    const twice = parseHash('#scenario=payment-lost-response&seed=5&seed=6', scenarios, FALLBACK);
    expect(twice.state.seed).toBe(5);
    expect(twice.problems).toEqual(['“seed” appears 2 times; the first, “5”, was used.']);
    const long = parseHash(
      `#scenario=payment-lost-response&seed=${'9'.repeat(10_000)}`,
      scenarios,
      FALLBACK,
    );
    expect(long.problems).toHaveLength(1);
    expect(long.problems[0]!.length).toBeLessThan(200);
    expect(long.problems[0]).toContain('(10000 characters)');
    const many = parseHash(
      `#scenario=payment-lost-response&${Array.from({ length: 5000 }, (_, i) => `x${i}=1`).join('&')}`,
      scenarios,
      FALLBACK,
    );
    expect(many.problems).toHaveLength(12);
    expect(many.problems.at(-1)).toBe('And 4989 more changes like these.');
  });
});

/** Hash-like strings: known and unknown keys, good and bad values, repeats, and plain noise. */
const anyHash = () => {
  const key = fc.oneof(
    fc.constantFrom(
      'scenario',
      'seed',
      'strategies',
      'faults',
      't',
      'k.retries',
      'k.responseLoss',
      'k.case',
      'schedule',
    ),
    // How often?'s keys, the first seed's included.
    fc.constantFrom('seeds', 'seeds.from', 'sweep', 'sweep.from', 'sweep.to', 'sweep.steps'),
    fc.constantFrom('k.nope', 'zoom', '', 'k.'),
    fc.string({ maxLength: 12 }),
  );
  const value = fc.oneof(
    fc.constantFrom(
      'payment-lost-response',
      'key-lifecycle',
      'naive,idempotency-key',
      'naive,naive',
      'replay',
      'retries',
      'responseLoss',
      'v1~n.o1.a1.d',
    ),
    fc.constantFrom(
      '0',
      '1',
      '3',
      '12',
      '0x5',
      '1e1',
      '1e9',
      '-3',
      ' 4',
      '0.25',
      '0.123456',
      '5.0',
      '99',
      '007',
      '1000',
      '100000',
      '4294967000',
      '4294967295',
    ),
    fc.integer({ min: 0, max: 5_000_000_000 }).map(String),
    fc.string({ maxLength: 60 }),
  );
  const pairs = fc
    .array(fc.tuple(key, value), { maxLength: 8 })
    .map((list) =>
      list.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
    );
  return fc.oneof(
    pairs.map((h) => `#${h}`),
    // A link that names a real story, so every other key of it is read and must be accounted for.
    pairs.map((h) => `#scenario=payment-lost-response&${h}`),
    fc.string({ maxLength: 80 }),
  );
};

describe('any hash at all', () => {
  test('never throws; its canonical form is a fixed point; no sentence means nothing changed', () => {
    fc.assert(
      fc.property(anyHash(), (hash) => {
        const parsed = parseHash(hash, scenarios, FALLBACK);
        const info = story(parsed.state.scenario);
        const canonical = formatHash(parsed.state, info);
        const again = parseHash(canonical, scenarios, FALLBACK);
        expect(again).toEqual({ state: parsed.state, problems: [] });
        expect(formatHash(again.state, info)).toBe(canonical);
        if (parsed.problems.length > 0) return;
        // Nothing reported: each key of the link was read once, as the canonical link has it
        // (a knob at its default is left out of it).
        const link = new URLSearchParams(hash.replace(/^#/, ''));
        const written = new URLSearchParams(canonical.slice(1));
        const keys = [...link.keys()];
        expect(new Set(keys).size).toBe(keys.length);
        // A key left out of the canonical link is a key the page reads, at its default (a knob,
        // or a panel's key such as seeds=1000): a key dropped without a word fails here. Read
        // means a value it cannot take is reported; at its default is held by the loop below
        // (alone, it changes nothing).
        for (const name of keys.filter((k) => !written.has(k))) {
          const spec = info.knobs.find((k) => `k.${k.id}` === name);
          if (spec) {
            expect(parsed.state.knobs[spec.id] ?? spec.default, name).toEqual(spec.default);
            continue;
          }
          const nonsense = parseHash(`#scenario=${info.id}&${name}=%E2%98%83`, scenarios, FALLBACK);
          expect(nonsense.problems, `“${name}” was dropped without a word`).not.toEqual([]);
        }
        for (const [name, text] of link) {
          const reread = parseHash(
            `#scenario=${info.id}&${new URLSearchParams([[name, text]])}`,
            scenarios,
            FALLBACK,
          );
          const expected = parseHash(
            written.has(name)
              ? `#scenario=${info.id}&${new URLSearchParams([[name, written.get(name)!]])}`
              : `#scenario=${info.id}`,
            scenarios,
            FALLBACK,
          );
          expect(reread.state, name).toEqual(expected.state);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('a schedule in the link', () => {
  const LINK = '#scenario=payment-lost-response&seed=12&strategies=naive,idempotency-key&faults=1';

  test('round-trips with its ~ unescaped, before the cursor', () => {
    const hash = `${LINK}&schedule=v1~n.o1.a1.c0.r~O.15.1.1&t=3`;
    const parsed = parseHash(hash, scenarios, FALLBACK);
    expect(parsed.problems).toEqual([]);
    expect(parsed.state.schedule).toBe('v1~n.o1.a1.c0.r~O.15.1.1');
    expect(formatHash(parsed.state, story(FALLBACK))).toBe(hash);
    // The fault-free schedule is a schedule too.
    expect(parseHash(`${LINK}&schedule=v1`, scenarios, FALLBACK).state.schedule).toBe('v1');
    // Without one, the state has none.
    expect('schedule' in parseHash(LINK, scenarios, FALLBACK).state).toBe(false);
  });

  test('a text that is not a schedule is left out and said; so is one with faults off', () => {
    for (const bad of [
      'hello',
      'v2~n.o1',
      'v1~',
      'v1~n..r',
      'v1~n.o1 r',
      `v1~${'a'.repeat(2000)}`,
    ]) {
      const parsed = parseHash(`${LINK}&schedule=${encodeURIComponent(bad)}`, scenarios, FALLBACK);
      expect(parsed.state.schedule, bad).toBeUndefined();
      expect(parsed.state.seed).toBe(12);
      expect(parsed.problems, bad).toEqual([
        `The schedule “${shorten(bad)}” is not a schedule from the explorer; the seed’s own faults are shown.`,
      ]);
    }
    const off = parseHash(
      '#scenario=payment-lost-response&faults=0&schedule=v1~n.o1.a1.c0.r',
      scenarios,
      FALLBACK,
    );
    expect(off.state).toMatchObject({ faults: false });
    expect(off.state.schedule).toBeUndefined();
    expect(off.problems).toEqual([
      'A schedule replays faults, so it needs faults on; it was left out.',
    ]);
  });
});
