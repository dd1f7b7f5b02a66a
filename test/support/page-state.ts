// A random valid page state of a random story, knobs drawn from their own specs, maybe a schedule (shared by the URL, embed and experiment tests).
import fc from 'fast-check';
import type { ScenarioInfo } from '../../src/engine/index.ts';
import type { KnobValue } from '../../src/scenarios/types.ts';
import { MAX_SEED, type PageState } from '../../src/ui/url-state.ts';

/** A random valid state of a random story, knobs drawn from their own specs. */
export const validPageState = (scenarios: readonly ScenarioInfo[]): fc.Arbitrary<PageState> =>
  fc.integer({ min: 0, max: 1000 }).chain((pick) => {
    const info = scenarios[pick % scenarios.length]!;
    const knob = fc.oneof(
      ...info.knobs.map((spec) => {
        const value: fc.Arbitrary<KnobValue> =
          spec.kind === 'bool'
            ? fc.boolean()
            : spec.kind === 'choice'
              ? fc.constantFrom(...spec.options)
              : spec.kind === 'int'
                ? fc.integer({ min: spec.min, max: spec.max })
                : // Ratios keep four decimals: a link holds 0.1235, never 1e-7.
                  fc
                    .integer({ min: Math.ceil(spec.min * 1e4), max: Math.floor(spec.max * 1e4) })
                    .map((n) => n / 1e4);
        return value.map((v) => [spec.id, v] as const);
      }),
    );
    const state = fc.record({
      scenario: fc.constant(info.id),
      seed: fc.integer({ min: 0, max: MAX_SEED }),
      strategies: fc.shuffledSubarray(
        info.strategies.map((s) => s.id),
        { minLength: 1 },
      ),
      faults: fc.boolean(),
      knobs: fc.array(knob, { maxLength: 4 }).map((pairs) => {
        const knobs: Record<string, KnobValue> = {};
        for (const [id, v] of pairs) {
          const spec = info.knobs.find((k) => k.id === id)!;
          if (v !== spec.default) knobs[id] = v;
        }
        return knobs;
      }),
      t: fc.option(fc.integer({ min: 0, max: 9_999_999 }), { nil: null }),
    });
    // A replayed schedule (its text form: whether it fits the story only a run can tell) needs faults on.
    return fc
      .tuple(state, fc.option(scheduleText(), { nil: undefined }))
      .map(([s, schedule]) => (schedule === undefined || !s.faults ? s : { ...s, schedule }));
  });

/** Text in a schedule's form: `v1`, then `~` and dot-separated URL-safe parts per decision. */
const scheduleText = (): fc.Arbitrary<string> => {
  const part = fc.stringMatching(/^[A-Za-z0-9_-]{1,4}$/);
  const entry = fc.array(part, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.'));
  return fc.array(entry, { maxLength: 4 }).map((entries) => ['v1', ...entries].join('~'));
};
