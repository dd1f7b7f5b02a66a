// Paces a long batch: reports progress and lets the host's event loop run once per slice, and says when to stop.

import type { BatchHooks } from './types.ts';

/** With a clock: the work between two pauses, in ms (progress 4× a second and a cancel within 200 ms need < 250). */
const SLICE_MS = 50;
/**
 * Without a clock: strategy-runs between two pauses. A run costs ~1–10 ms here (up to ~40 ms on
 * a loaded machine for key-retention), so 8 keeps a slice well under 200 ms for every story.
 */
const SLICE_RUNS = 8;

export class Pacer {
  private done = 0;
  private runsInSlice = 0;
  private sliceStart: number;
  private readonly hooks: BatchHooks;
  private readonly total: number;

  constructor(hooks: BatchHooks, total: number) {
    this.hooks = hooks;
    this.total = total;
    this.sliceStart = hooks.now?.() ?? 0;
  }

  /** True once the caller's signal has fired: stop before the next seed. */
  get cancelled(): boolean {
    return this.hooks.signal?.aborted ?? false;
  }

  /** One seed finished after `runs` strategy-runs; at the end of a slice, report and pause. */
  async seedDone(runs: number): Promise<void> {
    this.done += 1;
    this.runsInSlice += runs;
    const { now } = this.hooks;
    const due = now ? now() - this.sliceStart >= SLICE_MS : this.runsInSlice >= SLICE_RUNS;
    if (!due) return;
    this.hooks.onProgress?.(this.done, this.total);
    await (this.hooks.pause?.() ?? Promise.resolve());
    this.runsInSlice = 0;
    this.sliceStart = now?.() ?? 0;
  }

  /** The last report: where the work stopped (the total unless cancelled). */
  finish(): void {
    this.hooks.onProgress?.(this.done, this.total);
  }
}
