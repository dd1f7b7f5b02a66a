// The batch pool: seeds split over workers and merged back give one worker's result; cancel, a dead worker, sweeps.
import { describe, expect, test } from 'vitest';
import type { BatchOptions } from '../../src/engine/types.ts';
import { wilson } from '../../src/engine/stats.ts';
import { BatchPool, poolSize } from '../../src/ui/often/pool.ts';
import { createBatchApi } from '../../src/worker/batch-api.ts';
import { loadEngine } from '../support/engine.ts';
import { loadSql } from '../support/sql.ts';
import { fakeWorker, type FakeWorker } from '../support/worker.ts';

/** A pool of `size` in-thread workers, each serving the real batch API on real sql.js. */
function pool(size: number): { pool: BatchPool; spawned: FakeWorker[] } {
  const spawned: FakeWorker[] = [];
  const spawn = () => {
    const worker = fakeWorker(createBatchApi(loadSql));
    spawned.push(worker);
    return worker;
  };
  return { pool: new BatchPool(spawn, size), spawned };
}

const options: BatchOptions = {
  scenario: 'payment-lost-response',
  strategies: ['naive', 'idempotency-key'],
  seeds: { from: 7, count: 37 },
};

/** One worker's whole batch, rated as the pool rates it. */
async function alone(o: BatchOptions) {
  const whole = await (await loadEngine()).batch(o);
  return {
    ...whole,
    strategies: whole.strategies.map((s) => ({ ...s, interval: wilson(s.violated, s.runs) })),
  };
}

describe('poolSize', () => {
  test('cores − 1, at least 1, at most 8', () => {
    expect([undefined, 0, 1, 2, 3, 4, 9, 64].map(poolSize)).toEqual([1, 1, 1, 1, 2, 3, 8, 8]);
  });
});

describe('BatchPool', () => {
  test('the merged result of 1, 3 and 8 workers equals one worker’s whole batch', async () => {
    const expected = await alone(options);
    expect(expected.strategies[0]?.violated).toBeGreaterThan(0);
    for (const size of [1, 3, 8]) {
      const { pool: p, spawned } = pool(size);
      const progress: [number, number][] = [];
      const got = await p.batch(options, { onProgress: (d, t) => progress.push([d, t]) });
      expect(got, `${size} workers`).toEqual(expected);
      expect(spawned).toHaveLength(size);
      expect(progress.at(-1)).toEqual([37, 37]);
      for (const w of spawned) w.terminate();
    }
  });

  test('a cancel returns a consistent partial result from every worker', async () => {
    const { pool: p, spawned } = pool(2);
    const controller = new AbortController();
    const big = { ...options, seeds: { from: 0, count: 5000 } };
    const got = await p.batch(big, {
      signal: controller.signal,
      onProgress: (done) => {
        if (done > 0) controller.abort();
      },
    });
    expect(got.partial).toBe(true);
    expect(got.seeds.count).toBeLessThan(5000);
    for (const s of got.strategies) {
      expect(s.runs).toBe(got.seeds.count);
      expect(s.interval).toEqual(wilson(s.violated, s.runs));
    }
    for (const w of spawned) w.terminate();
  });

  test('a worker that dies mid-batch is replaced, the page is told, and the result is still exact', async () => {
    const { pool: p, spawned } = pool(2);
    const told: string[] = [];
    let crashed = false;
    const got = await p.batch(options, {
      onRestart: (m) => told.push(m),
      onProgress: () => {
        if (crashed) return;
        crashed = true;
        spawned[1]?.crash();
      },
    });
    expect(got).toEqual(await alone(options));
    expect(spawned).toHaveLength(3);
    expect(spawned[1]?.ended()).toBe(true);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/batch worker 2 stopped .*Its seeds ran again on the new one\.$/);
    for (const w of spawned) w.terminate();
  });

  test('a refused batch fails with the engine’s words and no retry', async () => {
    const { pool: p, spawned } = pool(2);
    await expect(p.batch({ ...options, knobs: { retries: 99 } })).rejects.toThrow(/retries/);
    expect(spawned).toHaveLength(2);
    for (const w of spawned) w.terminate();
  });

  test('a sweep is one pooled batch per value, progress over every point', async () => {
    const { pool: p, spawned } = pool(3);
    const seeds = { from: 0, count: 12 };
    const progress: number[] = [];
    const points = await p.sweep({ ...options, seeds }, 'responseLoss', [0, 0.5], {
      onProgress: (done, total) => {
        expect(total).toBe(24);
        progress.push(done);
      },
    });
    expect(points.map((pt) => pt.value)).toEqual([0, 0.5]);
    for (const pt of points)
      expect(pt.batch).toEqual(
        await alone({ ...options, seeds, knobs: { responseLoss: pt.value } }),
      );
    expect(progress.at(-1)).toBe(24);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    for (const w of spawned) w.terminate();
  });
});
