// The "How often?" panel's state on the real engine (in Node): settings live in the link, batches and sweeps run on a pool, a seed opens at its divergence.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import { HowOften } from '../../src/ui/often/how-often.svelte.ts';
import { BatchPool } from '../../src/ui/often/pool.ts';
import { divergenceAt } from '../../src/ui/diagram/divergence.ts';
import { Playground } from '../../src/ui/playground.svelte.ts';
import { ticksOf } from '../../src/ui/timeline.ts';
import { createBatchApi } from '../../src/worker/batch-api.ts';
import { loadEngine } from '../support/engine.ts';
import { pageClient } from '../support/page-client.ts';
import { loadSql } from '../support/sql.ts';
import { until } from '../support/until.ts';
import { fakeWorker } from '../support/worker.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

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

  test('the first seed: kept in the link, refused when not a seed, and the batch runs from it', async () => {
    const { playground, often } = await panel();
    const plain = playground.hash;
    expect(often.enterFrom('5e2')).toBe(false);
    expect(often.fromError).toBe(
      'A batch of 1,000 seeds starts at a whole number from 0 to 4294966296.',
    );
    expect(playground.hash).toBe(plain);
    expect(often.enterFrom('500')).toBe(true);
    expect(often.fromError).toBeNull();
    often.setSeeds(20);
    expect(playground.hash).toBe(`${plain}&seeds=20&seeds.from=500`);
    await often.runBatch();
    expect(often.batch?.seeds).toEqual({ from: 500, count: 20 });
    const expected = await engine.batch({
      scenario: 'payment-lost-response',
      strategies: ['naive', 'idempotency-key'],
      seeds: { from: 500, count: 20 },
    });
    expect(often.batch?.result.seeds).toEqual({ from: 500, count: 20 });
    expect(often.batch?.result.strategies.map((s) => s.invariants.map((i) => i.seeds))).toEqual(
      expected.strategies.map((s) => s.invariants.map((i) => i.seeds)),
    );
    // A count that would run past the last seed from here is refused, and said.
    expect(often.enterFrom('4294967200')).toBe(true);
    expect(often.setSeeds(1000)).toBe(false);
    expect(often.seedsError).toMatch(/go past the last seed/);
    expect(often.often).toMatchObject({ seeds: 20, from: 4294967200 });
    // Back to 0: the link is as short as before.
    often.setSeeds(1000 - 980);
    expect(often.enterFrom('0')).toBe(true);
    often.setSeeds(1000);
    expect(playground.hash).toBe(plain);
  });

  test('cancel settles once the partial result is in, and says what it stopped', async () => {
    const { often } = await panel();
    often.setSeeds(5000);
    const running = often.runBatch();
    await until(() => often.done > 0);
    await often.cancel();
    expect(often.running).toBeNull();
    expect(often.cancelled).toBe('batch');
    expect(often.batch?.result.partial).toBe(true);
    await running;
    often.setSweep({ knob: 'retries', from: 0, to: 2, steps: 3 });
    const sweeping = often.runSweep();
    expect(often.cancelled).toBeNull();
    await until(() => often.done > 0);
    await often.cancel();
    expect(often.cancelled).toBe('sweep');
    expect(often.sweep?.partial).toBe(true);
    await sweeping;
    // Nothing runs: Cancel does nothing and settles at once.
    await often.cancel();
    expect(often.cancelled).toBe('sweep');
  });

  test('a sweep point’s failing seed opens with the knob at that point’s value', async () => {
    const { playground, often } = await panel();
    // The page's own retries differ from every point: the point's value must win.
    playground.setKnob('retries', 5);
    often.setSeeds(30);
    often.setSweep({ knob: 'retries', from: 1, to: 3, steps: 3 });
    await often.runSweep();
    const point = often.sweep?.points.find((p) => p.value === 1);
    const seed = point?.batch.strategies[0]?.invariants.flatMap((i) => i.seeds)[0];
    if (seed === undefined) throw new Error('no failing seed at retries 1 in 30');
    expect(often.pointSettings(1)?.knobs).toEqual({ retries: 1 });
    // 3 is the default: the link leaves it out, as a link always does.
    expect(often.pointSettings(3)?.knobs).toEqual({});
    expect(often.seedLink(seed, often.pointSettings(3))).not.toContain('k.retries');
    expect(often.seedLink(seed, often.pointSettings(1))).toContain(`seed=${seed}&`);
    often.openSeed(seed, often.pointSettings(1));
    expect(playground.page).toMatchObject({ seed, knobs: { retries: 1 } });
    await until(() => playground.status === 'done' && playground.result?.seed === seed);
    often.settle();
    // The run on screen is that seed at retries 1, and it does break there, at the divergence.
    expect(playground.result?.knobs.retries).toBe(1);
    expect(playground.result?.runs[0]?.column.invariants.some((i) => !i.holds)).toBe(true);
    const { runs } = engine.run({ scenario: 'payment-lost-response', seed, knobs: { retries: 1 } });
    const traces = runs.map((r) => r.trace);
    expect(playground.page.t).toBe(ticksOf(traces).indexOf(divergenceAt(traces) ?? -1));
    expect(playground.hash).toContain('k.retries=1');
  });
});
