// "How often?" in a link: seeds per batch, the first seed, and the sweep (knob, range, steps), read leniently and written canonically.
import type { ScenarioInfo } from '../../engine/types.ts';
import type { KnobSpec } from '../../scenarios/types.ts';
import { MAX_SEED, parseSeed } from '../seed-number.ts';

/** Seeds a batch (or each sweep point) runs unless the link says otherwise. */
export const DEFAULT_SEEDS = 1000;
/** The engine's bound on one batch (MAX_BATCH_SEEDS). */
export const MAX_SEEDS = 100_000;
/** A sweep draws 2 to 50 values (the engine's MAX_SWEEP_VALUES), ends included. */
export const MIN_STEPS = 2;
export const MAX_STEPS = 50;
export const DEFAULT_STEPS = 6;
/** Ratios keep four decimals in links, as knobs do. */
const RATIO_PLACES = 4;

/** A sweep of one numeric knob: `steps` evenly spaced values from `from` to `to`, ends included. */
export interface SweepSpec {
  readonly knob: string;
  readonly from: number;
  readonly to: number;
  readonly steps: number;
}

export interface OftenState {
  /** Seeds per batch, and per sweep point: seeds `from` to `from + seeds − 1`. */
  readonly seeds: number;
  /** The first seed of every batch (0 unless the reader picks another). */
  readonly from: number;
  readonly sweep: SweepSpec | null;
}

export const OFTEN_KEYS = ['seeds', 'seeds.from', 'sweep', 'sweep.from', 'sweep.to', 'sweep.steps'];

export const DEFAULT_OFTEN: OftenState = { seeds: DEFAULT_SEEDS, from: 0, sweep: null };

/** Settings a link need not carry: the defaults leave it short. */
export function isDefaultOften(often: OftenState): boolean {
  return often.seeds === DEFAULT_SEEDS && often.from === 0 && often.sweep === null;
}

/** The first seed a batch of `count` seeds may start at: its last seed is MAX_SEED at most. */
export const lastStart = (count: number): number => MAX_SEED - count + 1;

type NumericKnob = Extract<KnobSpec, { kind: 'int' | 'ratio' }>;

/** The knobs a sweep can move: the numeric ones (a chart needs an axis). */
export function sweepable(info: ScenarioInfo): NumericKnob[] {
  return info.knobs.filter((k): k is NumericKnob => k.kind === 'int' || k.kind === 'ratio');
}

const round = (spec: NumericKnob, x: number) =>
  spec.kind === 'int' ? Math.round(x) : Number(x.toFixed(RATIO_PLACES));

/** A sweep over a knob's whole range, in DEFAULT_STEPS values (fewer for a short int range). */
export function defaultSweep(spec: NumericKnob): SweepSpec {
  const span = spec.kind === 'int' ? spec.max - spec.min + 1 : DEFAULT_STEPS;
  return { knob: spec.id, from: spec.min, to: spec.max, steps: Math.min(DEFAULT_STEPS, span) };
}

/** The values a sweep runs: evenly spaced, rounded as the knob keeps them, each once, ascending. */
export function sweepValues(sweep: SweepSpec, spec: NumericKnob): number[] {
  const values: number[] = [];
  for (let i = 0; i < sweep.steps; i++) {
    const x = round(spec, sweep.from + ((sweep.to - sweep.from) * i) / (sweep.steps - 1));
    if (!values.includes(x)) values.push(x);
  }
  return values;
}

/** A value typed for a knob, as plain decimal (whole for an int), or an error naming it. */
export function parseKnobNumber(spec: NumericKnob, text: string): number | string {
  const whole = spec.kind === 'int';
  const shape = whole ? /^\d{1,15}$/ : /^\d{1,15}(?:\.\d{1,20})?$/;
  if (!shape.test(text.trim()))
    return `“${spec.label}” takes ${whole ? 'a whole number' : 'a decimal number such as 0.25'}`;
  const value = Number(text.trim());
  if (value < spec.min || value > spec.max)
    return `“${spec.label}” runs from ${spec.min} to ${spec.max}`;
  if (round(spec, value) !== value) return `“${spec.label}” keeps ${RATIO_PLACES} decimals`;
  return value;
}

/** A whole number of seeds as typed ("1000", "1,000", "10 000"), or an error sentence. */
export function parseSeedCount(text: string): number | string {
  const plain = text.trim().replace(/(?<=\d)[,\s_](?=\d{3}\b)/g, '');
  const count = /^\d{1,7}$/.test(plain) ? Number(plain) : NaN;
  if (Number.isInteger(count) && count >= 1 && count <= MAX_SEEDS) return count;
  return `A batch runs 1 to ${MAX_SEEDS.toLocaleString('en')} seeds, as a whole number.`;
}

/** The first seed as typed (plain decimal), or an error sentence; a batch of `count` must fit below MAX_SEED. */
export function parseSeedStart(text: string, count: number): number | string {
  const from = parseSeed(text);
  const last = lastStart(count);
  if (from !== null && from <= last) return from;
  return `A batch of ${count.toLocaleString('en')} seeds starts at a whole number from 0 to ${last}.`;
}

/** Checks a sweep against the story: a problem sentence per change, and the nearest valid sweep. */
export function checkSweep(
  sweep: SweepSpec,
  info: ScenarioInfo,
): { sweep: SweepSpec | null; problems: string[] } {
  const spec = sweepable(info).find((k) => k.id === sweep.knob);
  if (!spec) return { sweep: null, problems: [] };
  const problems: string[] = [];
  const within = (x: number, fallback: number, end: string) => {
    if (Number.isFinite(x) && x >= spec.min && x <= spec.max && round(spec, x) === x) return x;
    problems.push(
      `The sweep’s ${end} ${String(x)} is not a value of “${spec.label}” (${spec.min} to ${spec.max}); ${fallback} is used.`,
    );
    return fallback;
  };
  let from = within(sweep.from, spec.min, 'start');
  let to = within(sweep.to, spec.max, 'end');
  if (from > to) {
    problems.push(`The sweep ran backwards; it runs from ${to} to ${from}.`);
    [from, to] = [to, from];
  }
  if (from === to) {
    problems.push(
      `The sweep’s range was empty; it covers “${spec.label}” from ${spec.min} to ${spec.max}.`,
    );
    [from, to] = [spec.min, spec.max];
  }
  let steps = sweep.steps;
  if (!Number.isInteger(steps) || steps < MIN_STEPS || steps > MAX_STEPS) {
    problems.push(
      `A sweep takes ${MIN_STEPS} to ${MAX_STEPS} steps, not ${String(steps)}; ${DEFAULT_STEPS} are used.`,
    );
    steps = DEFAULT_STEPS;
  }
  return { sweep: { knob: spec.id, from, to, steps }, problems };
}

/**
 * Reads the keys of OFTEN_KEYS; `undefined` when the link has none of them. `quote` shortens a
 * link's text for a sentence (url-state's `shorten`), so a long value does not flood the note.
 */
export function readOften(
  params: URLSearchParams,
  info: ScenarioInfo,
  quote: (text: string) => string,
): { often: OftenState | undefined; problems: string[] } {
  const problems: string[] = [];
  if (!OFTEN_KEYS.some((key) => params.has(key))) return { often: undefined, problems };
  let seeds = DEFAULT_SEEDS;
  const seedsText = params.get('seeds');
  if (seedsText !== null) {
    const count = /^\d{1,6}$/.test(seedsText) ? Number(seedsText) : NaN;
    if (count >= 1 && count <= MAX_SEEDS) seeds = count;
    else
      problems.push(
        `“seeds=${quote(seedsText)}” is not a whole number from 1 to ${MAX_SEEDS}; batches run ${DEFAULT_SEEDS} seeds.`,
      );
  }
  let from = 0;
  const fromText = params.get('seeds.from');
  if (fromText !== null) {
    const parsed = parseSeed(fromText);
    if (parsed === null || fromText !== fromText.trim())
      problems.push(
        `“seeds.from=${quote(fromText)}” is not a whole number from 0 to ${MAX_SEED}; batches start at seed 0.`,
      );
    else if (parsed > lastStart(seeds)) {
      from = lastStart(seeds);
      problems.push(
        `${seeds.toLocaleString('en')} seeds from ${parsed} go past the last seed, ${MAX_SEED}; batches start at seed ${from}.`,
      );
    } else from = parsed;
  }
  let sweep: SweepSpec | null = null;
  const knob = params.get('sweep');
  if (knob === null) {
    const stray = OFTEN_KEYS.filter((k) => k.startsWith('sweep.') && params.has(k));
    if (stray.length > 0)
      problems.push(
        `The link sets ${stray.map((k) => `“${k}”`).join(', ')} but names no knob to sweep; ignored.`,
      );
  } else {
    const spec = sweepable(info).find((k) => k.id === knob);
    if (!spec)
      problems.push(
        `This story has no numeric knob “${quote(knob)}” to sweep; the sweep was left out.`,
      );
    else {
      const fallback = defaultSweep(spec);
      const number = (key: string, whole: boolean, otherwise: number) => {
        const text = params.get(key);
        if (text === null) return otherwise;
        if ((whole ? /^\d{1,15}$/ : /^\d{1,15}(?:\.\d{1,20})?$/).test(text)) return Number(text);
        problems.push(
          `“${key}=${quote(text)}” is not a plain decimal number; ${otherwise} is used.`,
        );
        return otherwise;
      };
      const checked = checkSweep(
        {
          knob,
          from: number('sweep.from', false, fallback.from),
          to: number('sweep.to', false, fallback.to),
          steps: number('sweep.steps', true, fallback.steps),
        },
        info,
      );
      sweep = checked.sweep;
      problems.push(...checked.problems);
    }
  }
  // Settings the link spells at their defaults are no settings: the canonical link leaves them out.
  const often = { seeds, from, sweep };
  return { often: isDefaultOften(often) ? undefined : often, problems };
}

/** Writes the state's keys; the defaults (1,000 seeds from seed 0, no sweep) are left out. */
export function writeOften(params: URLSearchParams, often: OftenState | undefined): void {
  if (!often) return;
  if (often.seeds !== DEFAULT_SEEDS) params.set('seeds', String(often.seeds));
  if (often.from !== 0) params.set('seeds.from', String(often.from));
  if (!often.sweep) return;
  params.set('sweep', often.sweep.knob);
  params.set('sweep.from', String(often.sweep.from));
  params.set('sweep.to', String(often.sweep.to));
  params.set('sweep.steps', String(often.sweep.steps));
}

/** A sweep with one field typed anew, or a sentence saying why not (nothing changes then). */
export function editSweep(
  sweep: SweepSpec,
  spec: NumericKnob,
  field: 'from' | 'to' | 'steps',
  text: string,
): SweepSpec | string {
  if (field === 'steps') {
    const steps = /^\s*\d{1,3}\s*$/.test(text) ? Number(text) : NaN;
    if (steps >= MIN_STEPS && steps <= MAX_STEPS) return { ...sweep, steps };
    return `Steps is a whole number from ${MIN_STEPS} to ${MAX_STEPS}: the values drawn, ends included.`;
  }
  const value = parseKnobNumber(spec, text);
  if (typeof value === 'string') return `${value}.`;
  const next = { ...sweep, [field]: value };
  if (next.from >= next.to) return 'The sweep’s start must be below its end.';
  return next;
}
