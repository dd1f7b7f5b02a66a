// The URL hash: every valid state round-trips exactly; every bad link opens the nearest valid
// state and says what it changed.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ScenarioInfo } from '../../src/engine/index.ts';
import { formatHash, initialState, parseHash, type PageState } from '../../src/ui/url-state.ts';
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
      '“Response loss” must be a number, not “abc”.',
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
});
