// The compact form in which a run crosses from the engine worker to the page: shaped and bounded.
import type { RunResult } from '../engine/types.ts';
import type { Column, EffectIndex } from '../ui/columns.ts';
import type { Explanation } from '../ui/diagram/divergence.ts';
import type { Diagram } from '../ui/diagram/types.ts';

/** One link of a broken invariant's chain, in words: what the page lists under "How it happened". */
export interface ChainLink {
  readonly seq: number;
  readonly at: number;
  readonly text: string;
}

/** Why the first broken column broke: its index, the virtual time of the repeated effect, the sentence. */
export interface Explained {
  readonly column: number;
  readonly at: number;
  readonly explained: Explanation;
}

/**
 * One strategy's run as the page holds it: everything the page draws, nothing it does not.
 * What grows with the run is in typed arrays (a copy of bytes across the boundary, no objects
 * for the page's thread to rebuild); the diagram is bounded (MAX_DRAWN_ROWS) and crosses as
 * one JSON text (`D = string`), parsed on the page one column per task.
 */
export interface ShapedRun<D = Diagram> {
  readonly column: Column;
  readonly diagram: D;
  /** Each event's virtual time, by seq: where the run stands at a cursor is a binary search. */
  readonly times: Float64Array;
  readonly effects: EffectIndex;
  /** For each broken invariant, the chain of events that led to it, root first. */
  readonly chains: Readonly<Record<string, readonly ChainLink[]>>;
  /** The event where the strategies part ways in this column; null when they never do. */
  readonly divergenceSeq: number | null;
}

export interface ShapedResult<D = Diagram> {
  /** Names this result in the worker, for what the page asks for later (narration past the drawing). */
  readonly handle: number;
  readonly scenario: string;
  readonly seed: number;
  readonly faults: boolean;
  readonly knobs: RunResult['knobs'];
  readonly runs: readonly ShapedRun<D>[];
  /** The shared timeline: the distinct virtual times at which anything visible happens, in order. */
  readonly ticks: Float64Array;
  readonly explanation: Explained | null;
  /** The virtual time at which the columns first part ways; null when they never do. */
  readonly divergenceAt: number | null;
}

/** What crosses: each diagram as its JSON text. */
export type PackedResult = ShapedResult<string>;
