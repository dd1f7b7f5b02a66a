// The page's pool of batch workers: splits a batch's seeds over them, joins the parts, replaces a worker that dies.
import * as Comlink from 'comlink';
import type { BatchOptions, BatchResult } from '../../engine/types.ts';
import type { BatchApi, RatedBatch } from '../../worker/batch-api.ts';
import { Supervisor, type WorkerLike } from '../supervisor.ts';

/** At most this many batch workers, however many cores: each holds its own sql.js heap. */
export const MAX_WORKERS = 8;
/** A part whose worker died is run again on a new one at most this many times. */
const RETRIES = 2;

/** One core stays for the page and the engine worker: cores − 1, at least 1, at most 8. */
export function poolSize(cores: number | undefined): number {
  const n = Number.isInteger(cores) ? (cores ?? 2) - 1 : 1;
  return Math.min(MAX_WORKERS, Math.max(1, n));
}

/** One value of a sweep and its batch. */
export interface SweepPointResult {
  readonly value: number;
  readonly batch: RatedBatch;
}

export interface PoolHooks {
  /** Seeds done of seeds asked, summed over the workers. */
  onProgress?(done: number, total: number): void;
  /** Cancels every part: each worker stops before its next seed and sends what it ran. */
  readonly signal?: AbortSignal;
  /** A worker died and a new one took over its seeds: a sentence for the page. */
  onRestart?(message: string): void;
}

export class BatchPool {
  readonly size: number;
  readonly #slots: Supervisor<BatchApi>[];
  /** Deaths per slot, so a failed call can tell a dead worker from a refused batch. */
  readonly #deaths: number[];

  constructor(spawn: () => WorkerLike, size: number) {
    this.size = size;
    this.#deaths = Array.from({ length: size }, () => 0);
    this.#slots = this.#deaths.map(
      (_, i) =>
        new Supervisor<BatchApi>(
          () => {
            const worker = spawn();
            const died = () => (this.#deaths[i] = (this.#deaths[i] ?? 0) + 1);
            worker.addEventListener('error', died);
            worker.addEventListener('messageerror', died);
            return worker;
          },
          `batch worker ${i + 1}`,
        ),
    );
  }

  #slot(i: number): Supervisor<BatchApi> {
    const slot = this.#slots[i];
    if (!slot) throw new Error(`the pool has no worker ${i + 1}`);
    return slot;
  }

  /** One batch over every worker; the result is what one worker would give for the whole range. */
  async batch(options: BatchOptions, hooks: PoolHooks = {}): Promise<RatedBatch> {
    const first = this.#slot(0);
    const ranges = await first.call((r) => r.partition(options.seeds, this.size));
    const done = ranges.map(() => 0);
    const report = () =>
      hooks.onProgress?.(
        done.reduce((a, b) => a + b, 0),
        options.seeds.count,
      );
    const cancel = () => {
      for (const [i] of ranges.entries())
        void this.#slot(i)
          .call((r) => r.cancel())
          .catch(() => undefined);
    };
    hooks.signal?.addEventListener('abort', cancel, { once: true });
    try {
      const parts = await Promise.all(
        ranges.map((seeds, i) =>
          this.#part(i, { ...options, seeds }, hooks, (n) => {
            done[i] = n;
            report();
          }),
        ),
      );
      const merged = await first.call((r) => r.merge(parts));
      report();
      return merged;
    } finally {
      hooks.signal?.removeEventListener('abort', cancel);
    }
  }

  /**
   * One batch per value of `knob`, each spread over the pool, in order; a cancel stops the batch
   * in flight (kept, partial) and runs no further value. The points are what engine.sweep gives.
   */
  async sweep(
    options: BatchOptions,
    knob: string,
    values: readonly number[],
    hooks: PoolHooks = {},
  ): Promise<SweepPointResult[]> {
    const points: SweepPointResult[] = [];
    const per = options.seeds.count;
    for (const [i, value] of values.entries()) {
      if (hooks.signal?.aborted) break;
      const batch = await this.batch(
        { ...options, knobs: { ...options.knobs, [knob]: value } },
        {
          ...hooks,
          onProgress: (done) => hooks.onProgress?.(i * per + done, values.length * per),
        },
      );
      points.push({ value, batch });
    }
    return points;
  }

  /** One part on worker `i`; a worker that dies is replaced and the part runs again (bounded). */
  async #part(
    i: number,
    options: BatchOptions,
    hooks: PoolHooks,
    progress: (done: number) => void,
  ): Promise<BatchResult> {
    const slot = this.#slot(i);
    for (let attempt = 0; ; attempt++) {
      const deaths = this.#deaths[i];
      try {
        const call = slot.call((r) => r.batch(options, Comlink.proxy(progress)));
        // A part started after the cancel (a retry) is cancelled too; it still sends its shape.
        if (hooks.signal?.aborted) void slot.call((r) => r.cancel()).catch(() => undefined);
        return await call;
      } catch (error) {
        const died = this.#deaths[i] !== deaths;
        if (!died || attempt >= RETRIES) throw error;
        progress(0);
        const said = (error instanceof Error ? error.message : String(error)).replace(
          /[.\s]+$/,
          '',
        );
        hooks.onRestart?.(`${said}. Its seeds ran again on the new one.`);
      }
    }
  }
}
