// The public engine contract (ARCHITECTURE.md §5). Other tools call it: keep its shape.

import type { Demonstration, KnobSpec, KnobValues, Limit, StoryProse } from '../scenarios/types.ts';
import type { JobRun, OperationResult } from '../sim/simulation.ts';
import type { TraceEvent } from '../sim/trace.ts';

export interface StrategyInfo {
  readonly id: string;
  readonly title: string;
  readonly correct: boolean;
  readonly summary: string;
  readonly exposedBy: string;
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
