// What a story is: knobs, strategies, invariants, prose, and how it builds a simulated world.

import type { Row } from '../server/db.ts';
import type { ServerConfig } from '../server/strategy.ts';
import type { World } from '../sim/simulation.ts';

export type KnobValue = number | boolean | string;
export type KnobValues = Readonly<Record<string, KnobValue>>;

export type KnobGroup = 'workload' | 'client' | 'network' | 'server' | 'provider';

interface KnobBase {
  readonly id: string;
  readonly label: string;
  /** The actor it belongs to, so the page can group knobs. */
  readonly group: KnobGroup;
  /** One plain sentence on what it changes. */
  readonly help: string;
  /** Takes part only while another (choice) knob has this value, e.g. one broker's settings. */
  readonly shownWhen?: { readonly knob: string; readonly is: string };
}

export type KnobSpec = KnobBase &
  (
    | {
        readonly kind: 'int';
        readonly default: number;
        readonly min: number;
        readonly max: number;
        readonly unit?: string;
      }
    | {
        readonly kind: 'ratio';
        readonly default: number;
        readonly min: number;
        readonly max: number;
        readonly unit?: string;
      }
    | { readonly kind: 'bool'; readonly default: boolean }
    | {
        readonly kind: 'choice';
        readonly default: string;
        readonly options: readonly string[];
        /** What each option means, in words, for the page. */
        readonly optionHelp?: Readonly<Record<string, string>>;
      }
  );

/** A check over the final state: SQL that returns the rows that break it (none = it holds). */
export interface InvariantSpec {
  readonly id: string;
  readonly title: string;
  /**
   * Runs against the server database, with the provider's ledger attached as schema `psp` and
   * the run's facts as schema `run` (answers, outcomes, meta).
   */
  readonly sql: string;
  /** The detail when it holds. */
  readonly ok: string;
  /** One violating row in words. */
  describe(row: Row): string;
  /** Whether it is promised under these knobs (an invariant may hold for one profile only). */
  appliesTo?(knobs: KnobValues): boolean;
}

/** An effect the story counts, with the words the page uses for it. */
export interface EffectSpec {
  readonly name: string;
  readonly label: string;
}

export interface WorldOptions {
  /** false turns every loss, duplicate, crash and premature timeout off. */
  readonly faults: boolean;
  /** Overrides the story's own operation count (batches and benchmarks). */
  readonly operations?: number;
}

/**
 * A "what to try" suggestion: a concrete change to the story's defaults (at its story seed)
 * and what it produces. `expect` states the outcome so a test can hold the words to it.
 */
export interface Suggestion {
  /** The change, as a short imperative ("Set response loss to 0 %"). */
  readonly label: string;
  /** Knob values to set on top of the story's defaults. */
  readonly knobs?: KnobValues;
  /** Faults on or off (default on). */
  readonly faults?: boolean;
  /** Another seed than the story seed. */
  readonly seed?: number;
  /** What happens then, in a sentence. */
  readonly outcome: string;
  /** The verdicts the outcome means: each strategy named is run, each invariant checked. */
  readonly expect: readonly {
    readonly strategy: string;
    readonly invariant: string;
    readonly holds: boolean;
  }[];
}

/** The story in words, for the page's text column. */
export interface StoryProse {
  /** What happens, in two to four plain sentences. */
  readonly happens: string;
  /** Where to look on the figure. */
  readonly watch: string;
  /** Two or three concrete knob changes and what each produces. */
  readonly tryThis: readonly Suggestion[];
  /** The lesson, in a sentence or two. */
  readonly lesson: string;
}

/** What the story seed shows: `breaks` breaks `invariant`, `holds` keeps every invariant. */
export interface Demonstration {
  readonly breaks: string;
  readonly holds: string;
  readonly invariant: string;
}

/** An invariant a correct strategy does not promise in this story, and why (its documented limit). */
export interface Limit {
  readonly strategy: string;
  readonly invariant: string;
  readonly why: string;
  /**
   * Set when the limit holds only under some knob values (a profile): it covers the runs whose
   * knobs have every one of these values, and no other run.
   */
  readonly knobs?: KnobValues;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** The one-line lesson. */
  readonly summary: string;
  /** A seed on which the lesson shows at once with the default knobs. */
  readonly storySeed: number;
  readonly prose: StoryProse;
  readonly demonstrates: Demonstration;
  /** Limits of correct strategies here: the property tests exempt exactly these, nothing else. */
  readonly limits?: readonly Limit[];
  readonly knobs: readonly KnobSpec[];
  readonly strategies: readonly string[];
  readonly defaultStrategies: readonly string[];
  readonly effects: readonly EffectSpec[];
  readonly invariants: readonly InvariantSpec[];
  world(knobs: KnobValues, options: WorldOptions): World;
  serverConfig(knobs: KnobValues): ServerConfig;
}
