// Knob validation: every value a caller passes is checked against the story's knob specs.

import type { KnobSpec, KnobValue, KnobValues } from './types.ts';

function describeAllowed(spec: KnobSpec): string {
  switch (spec.kind) {
    case 'int':
      return `an integer from ${spec.min} to ${spec.max}${spec.unit ? ` ${spec.unit}` : ''}`;
    case 'ratio':
      return `a number from ${spec.min} to ${spec.max}`;
    case 'bool':
      return 'true or false';
    case 'choice':
      return `one of ${spec.options.map((o) => `"${o}"`).join(', ')}`;
  }
}

function valid(spec: KnobSpec, value: unknown): value is KnobValue {
  switch (spec.kind) {
    case 'int':
      return (
        typeof value === 'number' &&
        Number.isInteger(value) &&
        value >= spec.min &&
        value <= spec.max
      );
    case 'ratio':
      return (
        typeof value === 'number' &&
        Number.isFinite(value) &&
        value >= spec.min &&
        value <= spec.max
      );
    case 'bool':
      return typeof value === 'boolean';
    case 'choice':
      return typeof value === 'string' && spec.options.includes(value);
  }
}

/** Every knob of the story, the caller's values over the defaults; throws on anything unknown or out of range. */
export function resolveKnobs(
  scenarioId: string,
  specs: readonly KnobSpec[],
  given: unknown,
): KnobValues {
  if (
    given !== undefined &&
    (typeof given !== 'object' || given === null || Array.isArray(given))
  ) {
    throw new Error(`knobs must be an object of knob values, got ${JSON.stringify(given)}`);
  }
  const values: Record<string, KnobValue> = Object.fromEntries(specs.map((s) => [s.id, s.default]));
  for (const [id, value] of Object.entries(given ?? {})) {
    const spec = specs.find((s) => s.id === id);
    if (!spec) {
      throw new Error(
        `Unknown knob "${id}" for scenario "${scenarioId}". Knobs: ${specs.map((s) => s.id).join(', ')}`,
      );
    }
    if (!valid(spec, value)) {
      throw new Error(
        `Knob "${id}" is ${JSON.stringify(value)}; it must be ${describeAllowed(spec)}`,
      );
    }
    values[id] = value;
  }
  return values;
}

export function numberKnob(values: KnobValues, id: string): number {
  const value = values[id];
  if (typeof value !== 'number') throw new Error(`knob "${id}" is not a number`);
  return value;
}

export function boolKnob(values: KnobValues, id: string): boolean {
  const value = values[id];
  if (typeof value !== 'boolean') throw new Error(`knob "${id}" is not a boolean`);
  return value;
}

export function choiceKnob<T extends string>(
  values: KnobValues,
  id: string,
  options: readonly T[],
): T {
  const value = values[id];
  const option = options.find((o) => o === value);
  if (option === undefined) throw new Error(`knob "${id}" is not one of ${options.join(', ')}`);
  return option;
}

/** What a story may change on a shared knob: its default, its range or its help. */
export interface KnobChange {
  readonly default?: KnobValue;
  readonly min?: number;
  readonly max?: number;
  readonly help?: string;
}

/** The same knobs with some of them changed, by id, for a story that needs other settings. */
export function withChanges(
  specs: readonly KnobSpec[],
  changes: Readonly<Record<string, KnobChange>>,
): KnobSpec[] {
  return specs.map((spec) =>
    spec.id in changes ? ({ ...spec, ...changes[spec.id] } as KnobSpec) : spec,
  );
}

/** The same knobs with some defaults changed, for a story that starts from other settings. */
export function withDefaults(
  specs: readonly KnobSpec[],
  defaults: Readonly<Record<string, KnobValue>>,
): KnobSpec[] {
  return withChanges(
    specs,
    Object.fromEntries(Object.entries(defaults).map(([id, value]) => [id, { default: value }])),
  );
}
