// Every story keeps its promise: the story seed shows the lesson, faults off shows nothing,
// each "what to try" suggestion produces what its words say, and correct strategies hold on
// random seeds.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, ScenarioInfo, StrategyRun } from '../../src/engine/index.ts';
import { SCENARIOS } from '../../src/scenarios/index.ts';
import { limitApplies, resolveKnobs } from '../../src/scenarios/knobs.ts';
import { loadEngine } from '../support/engine.ts';
import { broken } from './runs.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

// The thirteen stories of docs/stories.md: the essay's twelve, plus the key store's own.
const STORY_IDS = [
  'payment-lost-response',
  'double-click-checkout',
  'put-vs-post',
  'webhook-duplicates',
  'queue-redelivery',
  'event-sourcing-projection',
  'flight-booking',
  'api-studio-create-user',
  'exactly-once-myth',
  'retry-amplification',
  'auto-increment-dedupe',
  'key-retention',
  'key-lifecycle',
];

const stories = [...SCENARIOS.values()];
const info = (id: string): ScenarioInfo => {
  const found = engine.scenarios().find((s) => s.id === id);
  if (!found) throw new Error(`no story ${id}`);
  return found;
};
const verdict = (run: StrategyRun, invariant: string) => {
  const found = run.invariants.find((i) => i.id === invariant);
  if (!found) throw new Error(`${run.strategy} has no invariant ${invariant}`);
  return found.holds;
};

test('every story of the essay exists under its id', () => {
  expect([...SCENARIOS.keys()].sort()).toEqual([...STORY_IDS].sort());
});

describe.each(stories.map((s) => [s.id, s] as const))('%s', (id, story) => {
  test('has its words: a title, a lesson, prose and two or three suggestions', () => {
    expect(story.title.length).toBeGreaterThan(3);
    expect(story.summary).toMatch(/\.$/);
    for (const text of [story.prose.happens, story.prose.watch, story.prose.lesson])
      expect(text.length).toBeGreaterThan(40);
    expect(story.prose.tryThis.length).toBeGreaterThanOrEqual(2);
    expect(story.prose.tryThis.length).toBeLessThanOrEqual(3);
    const strategies = new Set(story.strategies);
    expect(story.defaultStrategies.every((s) => strategies.has(s))).toBe(true);
    expect(strategies.has(story.demonstrates.breaks)).toBe(true);
    expect(strategies.has(story.demonstrates.holds)).toBe(true);
    expect(story.invariants.map((i) => i.id)).toContain(story.demonstrates.invariant);
    // A knob that measures time says so: the page shows the unit next to the number.
    for (const knob of story.knobs)
      if (/Ms$/.test(knob.id)) expect(knob.kind === 'int' && knob.unit, knob.id).toBe('ms');
  });

  test('the story seed shows the lesson at once', () => {
    const { breaks, holds, invariant } = story.demonstrates;
    const { runs } = engine.run({
      scenario: id,
      seed: story.storySeed,
      strategies: [breaks, holds],
    });
    expect(verdict(runs[0]!, invariant), `${breaks} should break ${invariant}`).toBe(false);
    expect(broken(runs[1]!), `${holds} should hold everything`).toEqual([]);
  });

  test('with faults off nothing diverges: every default strategy holds and does the same', () => {
    const { effects } = info(id);
    const { runs } = engine.run({
      scenario: id,
      seed: story.storySeed,
      faults: false,
      strategies: story.defaultStrategies,
    });
    const storyEffects = (counts: Record<string, number>) =>
      Object.fromEntries(effects.map((e) => [e.name, counts[e.name]]));
    for (const run of runs) {
      expect(broken(run), run.strategy).toEqual([]);
      expect(storyEffects(run.effects), run.strategy).toEqual(storyEffects(runs[0]!.effects));
    }
  });

  test.each(story.prose.tryThis.map((s) => [s.label, s] as const))(
    'what to try: %s',
    (_label, suggestion) => {
      expect(suggestion.expect.length).toBeGreaterThan(0);
      const strategies = [...new Set(suggestion.expect.map((e) => e.strategy))];
      const result = engine.run({
        scenario: id,
        seed: suggestion.seed ?? story.storySeed,
        faults: suggestion.faults ?? true,
        strategies,
        knobs: suggestion.knobs ?? {},
      });
      for (const want of suggestion.expect) {
        const run = result.runs[strategies.indexOf(want.strategy)]!;
        expect(verdict(run, want.invariant), `${want.strategy} / ${want.invariant}`).toBe(
          want.holds,
        );
      }
    },
  );

  test('correct strategies hold every invariant on random seeds', () => {
    const correct = info(id)
      .strategies.filter((s) => s.correct)
      .map((s) => s.id);
    expect(correct.length).toBeGreaterThan(0);
    // The runs take the default knobs: a limit declared for other knob values does not cover them.
    const defaults = resolveKnobs(id, story.knobs, {});
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        for (const run of engine.run({ scenario: id, seed, strategies: correct }).runs) {
          const exempt = (invariant: string) =>
            (story.limits ?? []).some(
              (l) =>
                l.strategy === run.strategy &&
                l.invariant === invariant &&
                limitApplies(l, defaults),
            );
          const unexpected = broken(run).filter((i) => !exempt(i));
          expect(unexpected, `${run.strategy} on seed ${seed}`).toEqual([]);
        }
      }),
      { numRuns: process.env.TWICE_FULL ? 300 : 25 },
    );
  });
});
