// Schedules: the decisions a run took at its choice points (faults, orderings), their URL-safe text, and the Choices that force them.

import type { StrategyJob } from './run-strategy.ts';
import { SeededChoices, type Choices } from '../sim/choices.ts';
import type { World } from '../sim/simulation.ts';

/**
 * One decision away from the fault-free run: a fault forced at a labelled choice point (`true`),
 * or which of several events due at the same ms goes first (an index, 0 being schedule order).
 * Labels are the Choices labels the simulator asks, so a schedule names the same places under
 * every strategy: `net/op:1/attempt:1/copy:0/drop-response` is attempt 1's lost answer anywhere.
 */
export interface Decision {
  readonly label: string;
  readonly value: true | number;
}

/** A schedule: its decisions in the order the run asked them. */
export type Schedule = readonly Decision[];

/** A choice point of a run: where the explorer may decide differently. */
export interface ChoicePoint {
  readonly label: string;
  /** 'fault': forced or not; 'order': `width` events due together. */
  readonly kind: 'fault' | 'order';
  readonly width: number;
}

const VERSION = 'v1';
const ORDER = 'order';

// Label segments in short form. Plain words map whole; `name:value` segments keep their value.
const WORDS: Readonly<Record<string, string>> = {
  net: 'n',
  gw: 'g',
  server: 's',
  psp: 'P',
  airline: 'A',
  'drop-request': 'q',
  'drop-response': 'r',
  duplicate: 'd',
  'lost-reply': 'l',
  [ORDER]: 'O',
};
const NAMED: Readonly<Record<string, string>> = {
  op: 'o',
  attempt: 'a',
  copy: 'c',
  try: 't',
  'crash-after': 'x',
  'pause-after': 'p',
};
function invert(table: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(table).map(([word, short]) => [short, word]));
}
const WORD_OF = invert(WORDS);
const NAME_OF = invert(NAMED);
const SEGMENT = /^[a-z0-9-]+(:[a-z0-9-]+)?$/;

function encodeSegment(segment: string): string {
  const short = WORDS[segment];
  if (short !== undefined) return short;
  const colon = segment.indexOf(':');
  const name = colon < 0 ? undefined : NAMED[segment.slice(0, colon)];
  if (name !== undefined) return name + segment.slice(colon + 1);
  // A plain segment that would read as a short one (a step `charge-card`, not `copy:harge-card`).
  return WORD_OF[segment] !== undefined || NAME_OF[segment.charAt(0)] !== undefined
    ? `_${segment}`
    : segment;
}

function decodeSegment(short: string): string {
  if (short.startsWith('_')) return short.slice(1);
  const word = WORD_OF[short];
  if (word !== undefined) return word;
  const name = NAME_OF[short.charAt(0)];
  return name === undefined ? short : `${name}:${short.slice(1)}`;
}

/** A label in short form: segments joined by '.'; throws for a label the text form cannot carry. */
function encodeLabel(label: string): string {
  const segments = label.split('/');
  const encoded = segments.map((segment) => {
    const short = encodeSegment(segment);
    if (!SEGMENT.test(segment) || decodeSegment(short) !== segment)
      throw new Error(`The schedule text cannot carry the choice label "${label}"`);
    return short;
  });
  return encoded.join('.');
}

/**
 * The schedule's text: `v1`, then `~` and one entry per decision. An entry is the label in short
 * form (segments joined by `.`; a plain segment that would read as a short one starts with `_`);
 * an ordering entry ends with `.` and the index chosen. Only letters, digits, `-`, `_`, `.` and
 * `~`: safe in a URL without escaping.
 */
export function formatSchedule(schedule: Schedule): string {
  const entries = schedule.map(({ label, value }) =>
    value === true ? encodeLabel(label) : `${encodeLabel(label)}.${value}`,
  );
  return [VERSION, ...entries].join('~');
}

/**
 * The schedule a run or snapshot was asked to replay, parsed; undefined when none was given. A
 * schedule is a list of faults, so it cannot replay with faults off: that is refused by name.
 */
export function scheduleFor(text: string | undefined, faults: boolean): Schedule | undefined {
  if (text === undefined) return undefined;
  if (!faults) throw new Error('A schedule replays faults: it cannot run with faults: false');
  return parseSchedule(text);
}

/** Reads a schedule's text; a malformed text throws an Error that says what is wrong. */
export function parseSchedule(text: string): Schedule {
  if (typeof text !== 'string')
    throw new Error(`schedule is ${JSON.stringify(text)}; it must be a schedule's text, e.g. "v1"`);
  const [version, ...entries] = text.split('~');
  if (version !== VERSION)
    throw new Error(`schedule "${text}" does not start with "${VERSION}"; it is not a schedule`);
  const seen = new Set<string>();
  return entries.map((entry) => {
    const segments = entry.split('.');
    const order = segments[0] === WORDS[ORDER];
    const value = order ? Number(segments.pop()) : true;
    if (value !== true && !(Number.isInteger(value) && value >= 0))
      throw new Error(`schedule entry "${entry}" is an ordering without an index`);
    const label = segments.map(decodeSegment).join('/');
    if (segments.some((s) => s === '') || order !== label.startsWith(`${ORDER}/`))
      throw new Error(`schedule entry "${entry}" is not a choice label`);
    if (seen.has(label)) throw new Error(`schedule names "${entry}" twice`);
    seen.add(label);
    return { label, value };
  });
}

/**
 * Answers a run for the explorer and for replays: every forced decision as forced, every other
 * fault "no", every other ordering 0 (schedule order), and everything else (latencies, jitter,
 * keys) from the seed. It lists the run's choice points: the faults the story models (asked with
 * a ratio above 0) and every ordering of two or more events.
 */
export class ForcingChoices implements Choices {
  readonly #seeded: SeededChoices;
  readonly #forced: ReadonlyMap<string, true | number>;
  readonly #used = new Set<string>();
  readonly points: ChoicePoint[] = [];
  /** Labels already listed: a label asked twice (forced, it is forced both times) is one point. */
  readonly #listed = new Set<string>();

  constructor(seed: number, schedule: Schedule) {
    this.#seeded = new SeededChoices(seed);
    this.#forced = new Map(schedule.map((d) => [d.label, d.value]));
  }

  chance(label: string, ratio: number): boolean {
    const forced = this.#forced.get(label);
    if (ratio > 0 || forced !== undefined) this.#list({ label, kind: 'fault', width: 2 });
    if (forced === undefined) return false;
    if (forced !== true) throw new Error(`schedule: "${label}" is a fault, not an ordering`);
    this.#used.add(label);
    return true;
  }

  int(label: string, min: number, max: number): number {
    if (!label.startsWith(`${ORDER}/`)) return this.#seeded.int(label, min, max);
    this.#list({ label, kind: 'order', width: max - min + 1 });
    const forced = this.#forced.get(label);
    if (forced === undefined) return min;
    if (forced === true || forced > max - min)
      throw new Error(
        `schedule: "${label}" orders ${max - min + 1} events; it cannot choose ${String(forced)}`,
      );
    this.#used.add(label);
    return min + forced;
  }

  pick<T>(label: string, options: readonly T[]): T {
    return this.#seeded.pick(label, options);
  }

  #list(point: ChoicePoint): void {
    if (this.#listed.has(point.label)) return;
    this.#listed.add(point.label);
    this.points.push(point);
  }

  /** The forced decisions the run never reached: a schedule that does not fit the run. */
  unused(): string[] {
    return [...this.#forced.keys()].filter((label) => !this.#used.has(label));
  }
}

/**
 * The world the explorer runs in: orderings of events due together are choice points, a story
 * that pins a pause models the pause as a fault of its own (of the pinned length) after every
 * step, and pinned faults go (they are one schedule among those the explorer enumerates).
 */
export function exploreWorld(world: World): World {
  const pinned = world.pinned;
  const pauses = [...(pinned?.pauseAfter ?? []), ...(pinned?.pauseBefore ?? [])].map((p) => p.ms);
  return {
    ...world,
    pinned: {},
    orderTies: true,
    server: {
      ...world.server,
      ...(pauses.length > 0 ? { pauseMs: Math.max(...pauses) } : {}),
    },
  };
}

/** A replay's Choices and world for one strategy's run (a fresh ForcingChoices each), or none without a schedule. */
/**
 * The job run() and snapshot() trace for one strategy: recorded choices are events too, so both
 * number events alike; with a schedule, both replay it the same way.
 */
export function tracedJob(
  run: Pick<StrategyJob, 'scenario' | 'seed' | 'faults' | 'knobs'>,
  strategy: string,
  schedule: Schedule | undefined,
): StrategyJob & { readonly explore?: Replay } {
  const explore = replayOf(run.seed, schedule);
  return { ...run, strategy, trace: true, ...(explore ? { explore } : {}) };
}

/** How a job replays a schedule: its forcing choices, and the world as the explorer sees it. */
export interface Replay {
  readonly choices: ForcingChoices;
  world(world: World): World;
}

export function replayOf(seed: number, schedule: Schedule | undefined): Replay | undefined {
  if (schedule === undefined) return undefined;
  return { choices: new ForcingChoices(seed, schedule), world: exploreWorld };
}
