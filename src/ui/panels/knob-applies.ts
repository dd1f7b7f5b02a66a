// Whether a knob matters under the others' values: one broker's settings mean nothing under another.
import type { ScenarioInfo } from '../../engine/types.ts';
import type { KnobSpec, KnobValue } from '../../scenarios/types.ts';

/** True unless the knob is shown only under another knob's value and that knob (or its default) differs. */
export function knobApplies(
  info: ScenarioInfo,
  values: Readonly<Record<string, KnobValue>>,
  spec: KnobSpec,
): boolean {
  const when = spec.shownWhen;
  if (!when) return true;
  return (values[when.knob] ?? info.knobs.find((k) => k.id === when.knob)?.default) === when.is;
}
