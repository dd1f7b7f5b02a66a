// The compact form in which a run crosses from the engine worker to the page: each trace as one JSON text.
import type { RunResult, StrategyRun } from '../engine/types.ts';

/**
 * A StrategyRun whose trace is its JSON text. A trace can hold 100,000 events: as nested
 * objects, structured cloning rebuilds every one of them on the page's thread in a single task
 * as the message arrives; as one string it crosses as a copy of its bytes, and the page parses
 * one run at a time, between frames.
 */
export interface PackedRun extends Omit<StrategyRun, 'trace'> {
  readonly trace: string;
}

export interface PackedResult extends Omit<RunResult, 'runs'> {
  readonly runs: readonly PackedRun[];
}

export function packResult(result: RunResult): PackedResult {
  return {
    ...result,
    runs: result.runs.map((run) => ({ ...run, trace: JSON.stringify(run.trace) })),
  };
}
