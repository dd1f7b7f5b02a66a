// Knob validation: every value a caller passes is checked against the story's knob specs.

import type { KnobSpec, KnobValue, KnobValues, Limit } from './types.ts';

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

/** A knob spec that keeps its id, its kind and (a choice) its options in its type. */
export type TypedKnob<S extends KnobSpec> = S extends { readonly kind: 'choice' }
  ? Extract<KnobSpec, { readonly kind: 'choice' }> & {
      readonly id: S['id'];
      readonly options: S['options'];
    }
  : Extract<KnobSpec, { readonly kind: S['kind'] }> & { readonly id: S['id'] };

type IdOf<K extends KnobSpec, Kind extends KnobSpec['kind']> = Extract<
  K,
  { readonly kind: Kind }
>['id'];

/** The ids of the knobs of one kind in a list of typed knob specs (`typeof KNOBS`). */
export type KnobId<
  L extends readonly KnobSpec[],
  Kind extends KnobSpec['kind'] = KnobSpec['kind'],
> = IdOf<L[number], Kind>;

type OptionOf<K extends KnobSpec, Id> =
  Extract<K, { readonly kind: 'choice'; readonly id: Id }> extends {
    readonly options: readonly (infer O)[];
  }
    ? O
    : never;

/**
 * Knob specs whose ids and kinds stay in their type, so `readKnobs` over them accepts only
 * their ids: a misspelt or mistyped knob fails to compile. The specs stay the only place a
 * knob is declared; `resolveKnobs` checks values against the same list.
 */
export function defineKnobs<const S extends readonly KnobSpec[]>(
  specs: S,
): readonly TypedKnob<S[number]>[] {
  return specs as readonly KnobSpec[] as readonly TypedKnob<S[number]>[];
}

/** Typed reads of resolved knob values: each method takes only the ids of its kind. */
export interface KnobReader<K extends KnobSpec> {
  int(id: IdOf<K, 'int'>): number;
  ratio(id: IdOf<K, 'ratio'>): number;
  bool(id: IdOf<K, 'bool'>): boolean;
  choice<Id extends IdOf<K, 'choice'>>(id: Id): OptionOf<K, Id>;
}

/**
 * Reads `values` (resolved against a list that holds `specs`) by the ids of `specs`. A value of
 * the wrong type still throws, naming the knob: the values come from outside the type system.
 */
export function readKnobs<K extends KnobSpec>(
  specs: readonly K[],
  values: KnobValues,
): KnobReader<K> {
  const number = (id: string): number => {
    const value = values[id];
    if (typeof value !== 'number') throw new Error(`knob "${id}" is not a number`);
    return value;
  };
  return {
    int: number,
    ratio: number,
    bool(id) {
      const value = values[id];
      if (typeof value !== 'boolean') throw new Error(`knob "${id}" is not a boolean`);
      return value;
    },
    choice(id) {
      const spec = specs.find((s) => s.id === id);
      const options = spec?.kind === 'choice' ? spec.options : [];
      const value = values[id];
      const option = options.find((o) => o === value);
      if (option === undefined) throw new Error(`knob "${id}" is not one of ${options.join(', ')}`);
      return option as OptionOf<K, typeof id>;
    },
  };
}

/** The knobs of `specs` with these ids, in the order of `specs`. */
export function pickKnobs<K extends KnobSpec, const Id extends K['id']>(
  specs: readonly K[],
  ids: readonly Id[],
): Extract<K, { readonly id: Id }>[] {
  return specs.filter((s): s is Extract<K, { readonly id: Id }> => ids.some((id) => id === s.id));
}

/** What a story may change on a shared knob: its default, its range or its help. */
export interface KnobChange {
  readonly default?: KnobValue;
  readonly min?: number;
  readonly max?: number;
  readonly help?: string;
}

/** The same knobs with some of them changed, by id, for a story that needs other settings. */
export function withChanges<K extends KnobSpec>(
  specs: readonly K[],
  changes: Readonly<Partial<Record<K['id'], KnobChange>>>,
): K[] {
  return specs.map((spec) =>
    spec.id in changes ? ({ ...spec, ...changes[spec.id as K['id']] } as K) : spec,
  );
}

/** The same knobs with some defaults changed, for a story that starts from other settings. */
export function withDefaults<K extends KnobSpec>(
  specs: readonly K[],
  defaults: Readonly<Partial<Record<K['id'], KnobValue>>>,
): K[] {
  return withChanges<K>(
    specs,
    Object.fromEntries(
      Object.entries(defaults).map(([id, value]) => [id, { default: value as KnobValue }]),
    ) as Partial<Record<K['id'], KnobChange>>,
  );
}

/** Whether a declared limit covers a run with these knob values (every knob, defaults filled in). */
export function limitApplies(limit: Limit, knobs: KnobValues): boolean {
  return Object.entries(limit.knobs ?? {}).every(([id, value]) => knobs[id] === value);
}
