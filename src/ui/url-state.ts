// The page's state in the URL hash: read leniently (a bad link opens the nearest valid state and
// says what it changed), written canonically (defaults left out, so links stay short).
import type { ScenarioInfo } from '../engine/types.ts';
import type { KnobSpec, KnobValue } from '../scenarios/types.ts';

export const MAX_SEED = 4_294_967_295;

export interface PageState {
  readonly scenario: string;
  readonly seed: number;
  readonly strategies: readonly string[];
  readonly faults: boolean;
  /** Only the knobs that differ from the story's defaults. */
  readonly knobs: Readonly<Record<string, KnobValue>>;
  /** The cursor: a tick of the shared timeline, or null for "the end of the run". */
  readonly t: number | null;
}

export interface ParsedState {
  readonly state: PageState;
  /** What was wrong with the link, one sentence each; empty for a good link. */
  readonly problems: readonly string[];
}

/** A seed as typed, or null when it is not a whole number in 0..MAX_SEED. */
export function parseSeed(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,10}$/.test(trimmed)) return null;
  const seed = Number(trimmed);
  return seed <= MAX_SEED ? seed : null;
}

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
      return { error: `${name} is on (1) or off (0), not “${text}”.`, nearest: spec.default };
    case 'choice':
      if (spec.options.includes(text)) return { value: text };
      return {
        error: `${name} is one of ${spec.options.join(', ')}, not “${text}”.`,
        nearest: spec.default,
      };
    case 'int':
    case 'ratio': {
      const value = Number(text);
      const whole = spec.kind === 'int';
      if (text.trim() === '' || !Number.isFinite(value) || (whole && !Number.isInteger(value)))
        return {
          error: `${name} must be ${whole ? 'a whole number' : 'a number'}, not “${text}”.`,
          nearest: spec.default,
        };
      if (value < spec.min)
        return {
          error: `${name} is at least ${spec.min}; ${text} was raised to it.`,
          nearest: spec.min,
        };
      if (value > spec.max)
        return {
          error: `${name} is at most ${spec.max}; ${text} was lowered to it.`,
          nearest: spec.max,
        };
      return { value };
    }
  }
}

/** Reads a hash like `#scenario=…&seed=42&strategies=a,b&faults=1&k.retries=3&t=17`. */
export function parseHash(
  hash: string,
  scenarios: readonly ScenarioInfo[],
  fallback: string,
): ParsedState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const problems: string[] = [];
  const wanted = params.get('scenario');
  const found = wanted === null ? undefined : scenarios.find((s) => s.id === wanted);
  const info = found ?? scenarios.find((s) => s.id === fallback) ?? scenarios[0];
  if (!info) throw new Error('The engine knows no stories.');
  if (wanted !== null && !found)
    problems.push(`There is no story “${wanted}”; here is “${info.title}” instead.`);
  const base = initialState(info);
  // A link to another story's settings means nothing here: keep only the story.
  if (!found) return { state: base, problems };

  let seed = base.seed;
  const seedText = params.get('seed');
  if (seedText !== null) {
    const parsed = parseSeed(seedText);
    if (parsed === null)
      problems.push(
        `The seed “${seedText}” is not a whole number from 0 to ${MAX_SEED}; the story seed ${base.seed} is used.`,
      );
    else seed = parsed;
  }

  let strategies = base.strategies;
  const listed = params.get('strategies');
  if (listed !== null) {
    const known = new Set(info.strategies.map((s) => s.id));
    const ids = [...new Set(listed.split(',').filter((id) => id !== ''))];
    const unknown = ids.filter((id) => !known.has(id));
    const kept = ids.filter((id) => known.has(id));
    if (unknown.length > 0)
      problems.push(
        `This story has no strateg${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((id) => `“${id}”`).join(', ')}; ${unknown.length === 1 ? 'it was' : 'they were'} left out.`,
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
      problems.push(`“faults” is 1 (on) or 0 (off), not “${faultsText}”; faults are on.`);
  }

  const knobs: Record<string, KnobValue> = {};
  for (const [name, text] of params) {
    if (!name.startsWith('k.')) continue;
    const id = name.slice(2);
    const spec = info.knobs.find((k) => k.id === id);
    if (!spec) {
      problems.push(`This story has no knob “${id}”; it was ignored.`);
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
      problems.push(`The cursor “t=${tText}” is not a step number; the run is shown to its end.`);
  }

  for (const name of params.keys())
    if (!['scenario', 'seed', 'strategies', 'faults', 't'].includes(name) && !name.startsWith('k.'))
      problems.push(`The link’s “${name}” means nothing here; it was ignored.`);

  return { state: { scenario: info.id, seed, strategies, faults, knobs, t }, problems };
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
  if (state.t !== null) params.set('t', String(state.t));
  // Commas read better than %2C in a link someone pastes into a review.
  return `#${params.toString().replace(/%2C/g, ',')}`;
}
