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

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** The one-line lesson. */
  readonly summary: string;
  /** A seed on which the lesson shows at once with the default knobs. */
  readonly storySeed: number;
  readonly knobs: readonly KnobSpec[];
  readonly strategies: readonly string[];
  readonly defaultStrategies: readonly string[];
  readonly effects: readonly EffectSpec[];
  readonly invariants: readonly InvariantSpec[];
  world(knobs: KnobValues, options: WorldOptions): World;
  serverConfig(knobs: KnobValues): ServerConfig;
}
