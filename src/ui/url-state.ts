// The page's state in the URL hash: read leniently (a bad link opens the nearest valid state and
// says what it changed), written canonically (defaults left out, so links stay short). Every
// number in a link is plain decimal: no 0x5, 1e1, +3 or spaces.
import type { ScenarioInfo } from '../engine/types.ts';
import type { KnobSpec, KnobValue } from '../scenarios/types.ts';
import { OFTEN_KEYS, readOften, writeOften, type OftenState } from './often/often-link.ts';
import { MAX_SEED, parseSeed } from './seed-number.ts';

export { MAX_SEED, parseSeed };

export interface PageState {
  readonly scenario: string;
  readonly seed: number;
  readonly strategies: readonly string[];
  readonly faults: boolean;
  /** Only the knobs that differ from the story's defaults. */
  readonly knobs: Readonly<Record<string, KnobValue>>;
  /** The cursor: a tick of the shared timeline, or null for "the end of the run". */
  readonly t: number | null;
  /** "How often?": seeds per batch and the sweep; absent when the link sets neither. */
  readonly often?: OftenState;
  /** A schedule the run replays instead of the seed's faults (the explorer's text); absent: none. */
  readonly schedule?: string;
}

export interface ParsedState {
  readonly state: PageState;
  /** What was wrong with the link, one sentence each; empty for a good link. */
  readonly problems: readonly string[];
}

/** Decimal places a ratio keeps: a link's 0.123456 is 0.1235, and says so. */
const RATIO_PLACES = 4;
/** Characters of a link's value repeated in a sentence: a 10,000-character seed is not. */
const SHOWN_CHARS = 40;
/** Sentences a link may earn: a link of 10,000 unknown keys gets these and a count. */
const MAX_PROBLEMS = 12;

/** A link's text as a sentence quotes it: cut when long, so the note stays readable. */
export function shorten(text: string): string {
  return text.length > SHOWN_CHARS
    ? `${text.slice(0, SHOWN_CHARS - 1)}… (${text.length} characters)`
    : text;
}

const WHOLE = /^\d{1,15}$/;
const DECIMAL = /^\d{1,15}(?:\.\d{1,20})?$/;

/** The state a story opens in: its story seed, its default strategies and knobs, faults on. */
export function initialState(info: ScenarioInfo): PageState {
  return {
    scenario: info.id,
    seed: info.storySeed,
    strategies: [...info.defaultStrategies],
    faults: true,
    knobs: {},
    t: null,
  };
}

/** A knob's value as written in a link, or an error sentence. */
function parseKnob(
  spec: KnobSpec,
  text: string,
): { value: KnobValue } | { error: string; nearest: KnobValue } {
  const name = `“${spec.label}”`;
  switch (spec.kind) {
    case 'bool':
      if (['1', 'true', 'on'].includes(text)) return { value: true };
      if (['0', 'false', 'off'].includes(text)) return { value: false };
      return {
        error: `${name} is on (1) or off (0), not “${shorten(text)}”.`,
        nearest: spec.default,
      };
    case 'choice':
      if (spec.options.includes(text)) return { value: text };
      return {
        error: `${name} is one of ${spec.options.join(', ')}, not “${shorten(text)}”.`,
        nearest: spec.default,
      };
    case 'int':
    case 'ratio': {
      const whole = spec.kind === 'int';
      if (!(whole ? WHOLE : DECIMAL).test(text))
        return {
          error: `${name} must be ${whole ? 'a whole number' : 'a decimal number such as 0.25'}, not “${shorten(text)}”.`,
          nearest: spec.default,
        };
      const exact = Number(text);
      const value = whole ? exact : Number(exact.toFixed(RATIO_PLACES));
      if (value < spec.min)
        return {
          error: `${name} is at least ${spec.min}; ${shorten(text)} was raised to it.`,
          nearest: spec.min,
        };
      if (value > spec.max)
        return {
          error: `${name} is at most ${spec.max}; ${shorten(text)} was lowered to it.`,
          nearest: spec.max,
        };
      if (value !== exact)
        return {
          error: `${name} keeps ${RATIO_PLACES} decimals; ${shorten(text)} was rounded to ${value}.`,
          nearest: value,
        };
      return { value };
    }
  }
}

const KEYS = ['scenario', 'seed', 'strategies', 'faults', 't', 'schedule'];

/** The longest schedule text a link may carry: a few faults and orderings are far shorter. */
export const MAX_SCHEDULE_CHARS = 2000;
/** A schedule's text as the engine writes it: `v1`, then `~` and an entry per decision, URL-safe. */
const SCHEDULE = /^v1(?:~[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)*$/;

/** Whether text has a schedule's form; whether it fits the story only a run can tell. */
export function isScheduleText(text: string): boolean {
  return text.length <= MAX_SCHEDULE_CHARS && SCHEDULE.test(text);
}

/** Reads a hash like `#scenario=…&seed=42&strategies=a,b&faults=1&k.retries=3&t=17`. */
export function parseHash(
  hash: string,
  scenarios: readonly ScenarioInfo[],
  fallback: string,
): ParsedState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const problems: string[] = [];
  const said = (state: PageState) => ({
    state,
    problems:
      problems.length > MAX_PROBLEMS
        ? [
            ...problems.slice(0, MAX_PROBLEMS - 1),
            `And ${problems.length - MAX_PROBLEMS + 1} more changes like these.`,
          ]
        : problems,
  });
  // Repeated keys: the first one counts, and the link says so.
  const counts = new Map<string, number>();
  for (const name of params.keys()) counts.set(name, (counts.get(name) ?? 0) + 1);
  for (const [name, n] of counts)
    if (n > 1)
      problems.push(
        `“${shorten(name)}” appears ${n} times; the first, “${shorten(params.get(name) ?? '')}”, was used.`,
      );
  const wanted = params.get('scenario');
  const found = wanted === null ? undefined : scenarios.find((s) => s.id === wanted);
  const info = found ?? scenarios.find((s) => s.id === fallback) ?? scenarios[0];
  if (!info) throw new Error('The engine knows no stories.');
  const base = initialState(info);
  // A link to another story's settings means nothing here: keep only the story, and say so.
  if (!found) {
    const others = [...counts.keys()].filter((name) => name !== 'scenario');
    if (wanted !== null)
      problems.push(`There is no story “${shorten(wanted)}”; here is “${info.title}” instead.`);
    else if (others.length > 0) problems.push(`The link names no story; here is “${info.title}”.`);
    if (others.length > 0)
      problems.push(
        `Its other settings were left out: ${others
          .slice(0, 6)
          .map((n) => `“${shorten(n)}”`)
          .join(', ')}${others.length > 6 ? ` and ${others.length - 6} more` : ''}.`,
      );
    return said(base);
  }

  let seed = base.seed;
  const seedText = params.get('seed');
  if (seedText !== null) {
    const parsed = parseSeed(seedText);
    if (parsed === null)
      problems.push(
        `The seed “${shorten(seedText)}” is not a whole number from 0 to ${MAX_SEED}; the story seed ${base.seed} is used.`,
      );
    else seed = parsed;
  }

  let strategies = base.strategies;
  const listed = params.get('strategies');
  if (listed !== null) {
    const known = new Set(info.strategies.map((s) => s.id));
    const given = listed.split(',').filter((id) => id !== '');
    const ids = [...new Set(given)];
    if (ids.length < given.length) problems.push('A strategy listed twice is shown once.');
    const unknown = ids.filter((id) => !known.has(id));
    const kept = ids.filter((id) => known.has(id));
    if (unknown.length > 0)
      problems.push(
        `This story has no strateg${unknown.length === 1 ? 'y' : 'ies'} ${unknown
          .slice(0, 6)
          .map((id) => `“${shorten(id)}”`)
          .join(
            ', ',
          )}${unknown.length > 6 ? ` and ${unknown.length - 6} more` : ''}; ${unknown.length === 1 ? 'it was' : 'they were'} left out.`,
      );
    if (kept.length > 0) strategies = kept;
    else if (unknown.length > 0 || ids.length === 0)
      problems.push('No strategy was left to show; the story’s own are shown.');
  }

  let faults = true;
  const faultsText = params.get('faults');
  if (faultsText !== null) {
    if (faultsText === '0') faults = false;
    else if (faultsText !== '1')
      problems.push(`“faults” is 1 (on) or 0 (off), not “${shorten(faultsText)}”; faults are on.`);
  }

  const knobs: Record<string, KnobValue> = {};
  for (const [name] of counts) {
    const text = params.get(name) ?? '';
    if (!name.startsWith('k.')) continue;
    const id = name.slice(2);
    const spec = info.knobs.find((k) => k.id === id);
    if (!spec) {
      problems.push(`This story has no knob “${shorten(id)}”; it was ignored.`);
      continue;
    }
    const parsed = parseKnob(spec, text);
    const value = 'value' in parsed ? parsed.value : parsed.nearest;
    if ('error' in parsed) problems.push(parsed.error);
    if (value !== spec.default) knobs[id] = value;
  }

  let t: number | null = null;
  const tText = params.get('t');
  if (tText !== null) {
    if (/^\d{1,7}$/.test(tText)) t = Number(tText);
    else
      problems.push(
        `The cursor “t=${shorten(tText)}” is not a step number; the run is shown to its end.`,
      );
  }

  const often = readOften(params, info, shorten);
  problems.push(...often.problems);
  let schedule: string | undefined;
  const scheduleText = params.get('schedule');
  if (scheduleText !== null) {
    if (!isScheduleText(scheduleText))
      problems.push(
        `The schedule “${shorten(scheduleText)}” is not a schedule from the explorer; the seed’s own faults are shown.`,
      );
    else if (!faults)
      problems.push('A schedule replays faults, so it needs faults on; it was left out.');
    else schedule = scheduleText;
  }

  for (const name of counts.keys())
    if (!KEYS.includes(name) && !OFTEN_KEYS.includes(name) && !name.startsWith('k.'))
      problems.push(`The link’s “${shorten(name)}” means nothing here; it was ignored.`);

  return said({
    scenario: info.id,
    seed,
    strategies,
    faults,
    knobs,
    t,
    ...(often.often ? { often: often.often } : {}),
    ...(schedule ? { schedule } : {}),
  });
}

/** Writes the canonical hash for a state; the story's defaults are left out. */
export function formatHash(state: PageState, info: ScenarioInfo): string {
  const params = new URLSearchParams();
  params.set('scenario', state.scenario);
  params.set('seed', String(state.seed));
  params.set('strategies', state.strategies.join(','));
  params.set('faults', state.faults ? '1' : '0');
  for (const spec of info.knobs) {
    const value = state.knobs[spec.id];
    if (value === undefined || value === spec.default) continue;
    params.set(`k.${spec.id}`, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  if (state.schedule !== undefined) params.set('schedule', state.schedule);
  if (state.t !== null) params.set('t', String(state.t));
  writeOften(params, state.often);
  // Commas read better than %2C in a link someone pastes into a review; a schedule's ~ too.
  return `#${params.toString().replace(/%2C/g, ',').replace(/%7E/g, '~')}`;
}
