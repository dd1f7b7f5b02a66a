// The public engine contract (docs/architecture.md, The engine contract). Other tools call it: keep its shape.

import type { Demonstration, KnobSpec, KnobValues, Limit, StoryProse } from '../scenarios/types.ts';
import type { JobRun, OperationResult } from '../sim/simulation.ts';
import type { TraceEvent } from '../sim/trace.ts';

export interface StrategyInfo {
  readonly id: string;
  readonly title: string;
  readonly correct: boolean;
  readonly summary: string;
  readonly exposedBy: string;
  /** Where the explorer finds its flaw (buggy) or shows it holding (correct), with at most 2 faults. */
  readonly exposedIn: ExposedIn;
}

/** A story, and knobs for it, in which `explore` with `maxFaults` ≤ 2 settles a strategy. */
export interface ExposedIn {
  readonly scenario: string;
  readonly knobs?: Readonly<Record<string, string | number | boolean>>;
}

export interface ScenarioInfo {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly storySeed: number;
  /** The story in words: what happens, what to watch, what to try, the lesson. */
  readonly prose: StoryProse;
  /** What the story seed shows: which strategy breaks which invariant, which one holds. */
  readonly demonstrates: Demonstration;
  /** What correct strategies do not promise in this story, and why. */
  readonly limits: readonly Limit[];
  readonly strategies: readonly StrategyInfo[];
  readonly defaultStrategies: readonly string[];
  readonly knobs: readonly KnobSpec[];
  readonly effects: readonly { readonly name: string; readonly label: string }[];
  readonly invariants: readonly {
    readonly id: string;
    readonly title: string;
    readonly sql: string;
  }[];
}

export interface RunOptions {
  readonly scenario: string;
  readonly seed?: number;
  readonly faults?: boolean;
  readonly strategies?: readonly string[];
  readonly knobs?: Readonly<Record<string, unknown>>;
  /**
   * Replays a schedule exactly (its text, from `explore`): faults only where it says, the
   * orderings it names, latencies and keys from the seed. One it does not fit throws an Error.
   */
  readonly schedule?: string;
}

export interface InvariantResult {
  readonly id: string;
  readonly title: string;
  readonly holds: boolean;
  readonly detail: string;
  readonly sql: string;
}

export interface Table {
  readonly columns: string[];
  readonly rows: unknown[][];
}

export interface StrategyRun {
  readonly strategy: string;
  readonly trace: TraceEvent[];
  readonly invariants: InvariantResult[];
  readonly effects: Record<string, number>;
  readonly tables: Record<string, Table>;
  readonly operations: readonly OperationResult[];
  /** Each traced run of a background job with what it counted (its trace event carries the words). */
  readonly jobRuns: readonly JobRun[];
  /** SHA-256 of the trace's JSON: equal in Node and every browser for the same run. */
  readonly traceHash: string;
}

export interface RunResult {
  readonly scenario: string;
  readonly seed: number;
  readonly faults: boolean;
  readonly knobs: KnobValues;
  readonly runs: StrategyRun[];
}

/** The inspector's question: one strategy's server database right after one trace event. */
export interface SnapshotOptions extends RunOptions {
  /** Which strategy's database; one of the story's strategies. `strategies` is ignored. */
  readonly strategy: string;
  /** The trace event to stop after; -1 for before the first event. Past the end: the final state. */
  readonly seq: number;
}

export interface Snapshot {
  readonly scenario: string;
  readonly strategy: string;
  readonly seed: number;
  /** The event the snapshot follows (clamped to the run's last one); -1 before the first. */
  readonly seq: number;
  /** That event's virtual time in ms (0 before the first event). */
  readonly at: number;
  /** Every server table with its rows, as `StrategyRun.tables`: everything committed so far. */
  readonly tables: Record<string, Table>;
  /** The database file (SQLite format 3) at that moment. */
  readonly bytes: Uint8Array;
}

/** A contiguous range of seeds: `from`, `from + 1`, … `from + count - 1`. */
export interface SeedRange {
  readonly from: number;
  readonly count: number;
}

/** `run`'s options, one seed range instead of one seed. `seeds.count` is 1 to MAX_BATCH_SEEDS (100,000). */
export interface BatchOptions extends Omit<RunOptions, 'seed'> {
  readonly seeds: SeedRange;
}

export interface BatchHooks {
  /** Seeds done of seeds asked (over every point of a sweep); at least every slice, and once at the end. */
  onProgress?(done: number, total: number): void;
  /** Cancels between seeds: the call resolves with what ran so far, marked `partial: true`. */
  readonly signal?: AbortSignal;
  /**
   * Lets the host's event loop run between slices (a macrotask: setTimeout(0) in a worker,
   * setImmediate in Node), so that a cancel can arrive. The engine may not touch timers itself
   * (no ambient time in the core), so the host brings it; the default lets only microtasks run.
   */
  readonly pause?: () => Promise<void>;
  /**
   * The host's clock in ms. With it a slice ends after ~50 ms of work; without it, after 8
   * strategy-runs (~1–10 ms a run here, up to ~40 ms on a loaded machine: pacer.ts). Only pacing
   * depends on it, never a result.
   */
  readonly now?: () => number;
}

export interface InvariantTally {
  readonly id: string;
  readonly title: string;
  /** Runs in which this invariant broke. */
  readonly broken: number;
  /** The first FAILING_SEEDS_SHOWN (20) seeds on which it broke, ascending. */
  readonly seeds: number[];
}

export interface EffectSummary {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** `[value, runs]` for every value seen, ascending by value. */
  readonly histogram: [number, number][];
}

export interface StrategySummary {
  readonly strategy: string;
  readonly runs: number;
  /** Runs with at least one broken invariant. */
  readonly violated: number;
  /** The invariants `run` checks under these knobs, in its order. */
  readonly invariants: InvariantTally[];
  /** Per effect (the story's in its order, then any other by name), as `run` counts them. */
  readonly effects: Record<string, EffectSummary>;
}

export interface BatchResult {
  readonly scenario: string;
  readonly knobs: KnobValues;
  readonly faults: boolean;
  /** The seeds run: the range asked, or after a cancel the part of it that ran. */
  readonly seeds: SeedRange;
  readonly strategies: StrategySummary[];
  /** Present (true) only when cancelled before the end. */
  readonly partial?: true;
}

/** A batch per value of one knob; every value is checked as a knob value. */
export interface SweepOptions extends BatchOptions {
  readonly knob: string;
  /** 1 to MAX_SWEEP_VALUES (50) distinct values. */
  readonly values: readonly unknown[];
}

export interface SweepPoint {
  readonly value: KnobValues[string];
  readonly strategies: StrategySummary[];
  readonly partial?: true;
}

export interface SweepResult {
  readonly scenario: string;
  readonly faults: boolean;
  readonly seeds: SeedRange;
  /** The knobs of every point but the swept one. */
  readonly knobs: KnobValues;
  readonly knob: string;
  /** One per value run, in the order given; after a cancel the last may be partial. */
  readonly points: SweepPoint[];
  readonly partial?: true;
}

/** `explore`'s options: `run`'s, with a bound on faults per schedule and on schedules per strategy. */
export interface ExploreOptions {
  readonly scenario: string;
  readonly strategies?: readonly string[];
  readonly knobs?: Readonly<Record<string, unknown>>;
  /** Fixes every choice that is not a fault or an ordering (latencies, jitter, keys); default the story seed. */
  readonly seed?: number;
  /** 0 to MAX_EXPLORE_FAULTS (3). */
  readonly maxFaults: number;
  /** Per strategy, 1 to MAX_EXPLORE_SCHEDULES (100,000); default 10,000. */
  readonly maxSchedules?: number;
}

/** A schedule on which an invariant broke: the first found, so one with the fewest faults. */
export interface Counterexample {
  readonly invariant: string;
  readonly faults: number;
  /** The schedule's text, for `run({ schedule })` and a link. */
  readonly schedule: string;
  /** The schedule in words. */
  readonly summary: string;
  /** What the invariant saw. */
  readonly detail: string;
  /** Present (true) when the story declares this a limit of a correct strategy. */
  readonly limit?: true;
}

export interface StrategyExploration {
  readonly strategy: string;
  /** Schedules run. */
  readonly schedules: number;
  /** Schedules on which some invariant broke. */
  readonly broken: number;
  /** No counterexample but the story's declared limits. */
  readonly holds: boolean;
  /** Every schedule within the bound ran (not cut by maxSchedules or a cancel). */
  readonly complete: boolean;
  /** At most one per invariant, in the order found (fewest faults first). */
  readonly counterexamples: Counterexample[];
}

export interface ExploreResult {
  readonly scenario: string;
  readonly seed: number;
  readonly knobs: KnobValues;
  readonly maxFaults: number;
  /** True only when every strategy's bound was exhausted. */
  readonly complete: boolean;
  readonly strategies: StrategyExploration[];
}
