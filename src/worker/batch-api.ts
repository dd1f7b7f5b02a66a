// The batch worker's API, apart from Comlink.expose so Node tests can serve it on a MessagePort.
import type { SqlJsStatic } from 'sql.js';
import {
  createEngine,
  mergeBatches,
  partitionSeeds,
  wilson,
  type BatchOptions,
  type BatchResult,
  type Engine,
  type Interval,
  type SeedRange,
  type StrategySummary,
} from '../engine/index.ts';

/** A strategy's summary with the 95 % Wilson interval of its violation rate. */
export interface RatedSummary extends StrategySummary {
  readonly interval: Interval;
}

/** A batch as the page shows it: merged from its parts, every rate with its interval. */
export interface RatedBatch extends Omit<BatchResult, 'strategies'> {
  readonly strategies: RatedSummary[];
}

/** What the page may ask a batch worker; `onProgress` arrives as a Comlink.proxy. */
export interface BatchApi {
  /** One part of a batch; a `cancel()` while it runs resolves it with what ran, marked partial. */
  batch(
    options: BatchOptions,
    onProgress?: (done: number, total: number) => void,
  ): Promise<BatchResult>;
  /** Stops the batch running here (if any) before its next seed. */
  cancel(): void;
  /** The engine's split of a range over `parts` workers (partitionSeeds). */
  partition(seeds: SeedRange, parts: number): SeedRange[];
  /** Joins parts of one batch (mergeBatches) and rates each strategy (wilson). */
  merge(parts: BatchResult[]): RatedBatch;
}

/**
 * The API over a lazily created engine. The engine's core may not touch timers or clocks, so the
 * pacing hooks come from here: setTimeout(0) lets a `cancel` message in between slices, and
 * performance.now() keeps a slice near 50 ms (a cancel lands within 200 ms).
 */
export function createBatchApi(load: () => Promise<SqlJsStatic>): BatchApi {
  let ready: Promise<Engine> | undefined;
  let running: AbortController | null = null;
  const engine = () => (ready ??= load().then(createEngine));
  return {
    async batch(options, onProgress) {
      const controller = new AbortController();
      running?.abort();
      running = controller;
      try {
        return await (
          await engine()
        ).batch(options, {
          signal: controller.signal,
          pause: () => new Promise((resolve) => setTimeout(resolve, 0)),
          now: () => performance.now(),
          ...(onProgress ? { onProgress: (done, total) => void onProgress(done, total) } : {}),
        });
      } finally {
        if (running === controller) running = null;
      }
    },
    cancel() {
      running?.abort();
    },
    partition: (seeds, parts) => partitionSeeds(seeds, parts),
    merge(parts) {
      const merged = mergeBatches(parts);
      return {
        ...merged,
        strategies: merged.strategies.map((s) => ({ ...s, interval: wilson(s.violated, s.runs) })),
      };
    },
  };
}
