// The "How often?" panel's state on the real engine (in Node): settings live in the link, batches and sweeps run on a pool, a seed opens at its divergence.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import { HowOften } from '../../src/ui/often/how-often.svelte.ts';
import { BatchPool } from '../../src/ui/often/pool.ts';
import { divergenceAt } from '../../src/ui/often/report.ts';
import { Playground } from '../../src/ui/playground.svelte.ts';
import { ticksOf } from '../../src/ui/timeline.ts';
import { createBatchApi } from '../../src/worker/batch-api.ts';
import { loadEngine } from '../support/engine.ts';
import { pageClient } from '../support/page-client.ts';
import { loadSql } from '../support/sql.ts';
import { fakeWorker } from '../support/worker.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}

async function panel(hash = '#scenario=payment-lost-response') {
  const playground = new Playground(pageClient(engine));
  await playground.start(hash);
  await until(() => playground.status === 'done');
  const pool = new BatchPool(() => fakeWorker(createBatchApi(loadSql)), 2);
  return { playground, often: new HowOften(playground, () => pool) };
}

describe('the How often? panel', () => {
  test('its settings live in the link; the defaults leave it short', async () => {
    const { playground, often } = await panel();
    const plain = playground.hash;
    often.setSeeds(100);
    expect(playground.hash).toBe(`${plain}&seeds=100`);
    often.chooseKnob('responseLoss');
    expect(playground.hash).toBe(
      `${plain}&seeds=100&sweep=responseLoss&sweep.from=0&sweep.to=1&sweep.steps=6`,
    );
    expect(often.values).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    // A typed count that is not one changes nothing and says why.
    expect(often.enterSeeds('ten')).toBe(false);
    expect(often.seedsError).toMatch(/^A batch runs 1 to 100,000 seeds/);
    expect(often.often.seeds).toBe(100);
    expect(often.enterSeeds('1,000')).toBe(true);
    expect(often.seedsError).toBeNull();
    expect(playground.hash).not.toContain('seeds=');
    // A knob change on the page leaves the settings in place (no re-run of the batch).
    playground.setKnob('retries', 5);
    expect(playground.hash).toContain('sweep=responseLoss');
  });

  test('a batch runs the page’s settings and goes stale when they change', async () => {
    const { playground, often } = await panel();
    often.setSeeds(30);
    const running = often.runBatch();
    expect(often.running).toBe('batch');
    await running;
    expect(often.running).toBeNull();
    expect(often.done).toBe(30);
    const expected = await engine.batch({
      scenario: 'payment-lost-response',
      strategies: ['naive', 'idempotency-key'],
      seeds: { from: 0, count: 30 },
    });
    expect(often.batch?.result.strategies.map((s) => [s.strategy, s.violated, s.runs])).toEqual(
      expected.strategies.map((s) => [s.strategy, s.violated, s.runs]),
    );
    expect(often.batchStale).toBe(false);
    playground.setFaults(false);
    expect(often.batchStale).toBe(true);
  });

  test('cancel keeps what ran, marked partial', async () => {
    const { often } = await panel();
    often.setSeeds(5000);
    const running = often.runBatch();
    await until(() => often.done > 0);
    often.cancel();
    await running;
    expect(often.batch?.result.partial).toBe(true);
    const ran = often.batch?.result.seeds.count ?? 0;
    expect(ran).toBeLessThan(5000);
    for (const s of often.batch?.result.strategies ?? []) expect(s.runs).toBe(ran);
  });

  test('a sweep runs one batch per value, with the spec it ran', async () => {
    const { often } = await panel();
    often.setSeeds(10);
    often.setSweep({ knob: 'retries', from: 0, to: 2, steps: 3 });
    await often.runSweep();
    expect(often.sweep?.values).toEqual([0, 1, 2]);
    expect(often.sweep?.points.map((p) => p.value)).toEqual([0, 1, 2]);
    expect(often.sweep?.partial).toBe(false);
    // Each point is the batch at that value, as the engine counts it.
    const at2 = await engine.batch({
      scenario: 'payment-lost-response',
      strategies: ['naive', 'idempotency-key'],
      knobs: { retries: 2 },
      seeds: { from: 0, count: 10 },
    });
    expect(often.sweep?.points[2]?.batch.strategies.map((s) => s.violated)).toEqual(
      at2.strategies.map((s) => s.violated),
    );
  });

  test('a failing seed opens side by side with the cursor at the first divergence', async () => {
    const { playground, often } = await panel();
    often.setSeeds(30);
    await often.runBatch();
    const seed = often.batch?.result.strategies[0]?.invariants.flatMap((i) => i.seeds)[0];
    if (seed === undefined) throw new Error('no failing seed in 30');
    often.openSeed(seed);
    expect(playground.page.seed).toBe(seed);
    await until(() => playground.status === 'done' && playground.result?.seed === seed);
    often.settle();
    // The divergence the worker found is the one the traces give.
    const { runs } = engine.run({ scenario: 'payment-lost-response', seed });
    const traces = runs.map((r) => r.trace);
    const tick = ticksOf(traces).indexOf(divergenceAt(traces) ?? -1);
    expect(tick).toBeGreaterThan(0);
    expect(playground.page.t).toBe(tick);
    expect(playground.hash).toContain(`seed=${seed}&`);
    expect(playground.hash).toContain(`t=${tick}`);
  });
});
