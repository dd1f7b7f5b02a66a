// The explorer's worker API through the page's client over a MessageChannel: the engine's result, progress, cancel with the part that ran, replayable strategies, exports.
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Engine, ExploreOptions } from '../../src/engine/index.ts';
import { createExploreClient, type ExploreClient } from '../../src/ui/explore/explore-client.ts';
import { ENGINE_MODULE, createExploreApi } from '../../src/worker/explore.ts';
import { loadEngine } from '../support/engine.ts';
import { fakeWorker, type FakeWorker } from '../support/worker.ts';

let engine: Engine;
let worker: FakeWorker | undefined;
beforeAll(async () => {
  engine = await loadEngine();
});
afterEach(() => worker?.terminate());

function connect(): ExploreClient {
  const api = createExploreApi(async () => engine, {
    pause: () => new Promise((resolve) => setImmediate(resolve)),
    now: () => performance.now(),
  });
  worker = fakeWorker(api);
  const spawned = worker;
  return createExploreClient(() => spawned);
}

const OPTIONS: ExploreOptions = {
  scenario: 'payment-lost-response',
  seed: 12,
  strategies: ['naive', 'idempotency-key'],
  maxFaults: 1,
};

describe('the explorer’s worker', () => {
  test('answers what the engine answers, with progress, and which strategies replay each counterexample', async () => {
    const client = connect();
    const seen: [number, number][] = [];
    const { result, replayable } = await client.explore(OPTIONS, (done, total) =>
      seen.push([done, total]),
    );
    expect(result).toEqual(await engine.explore(OPTIONS));
    const ran = result.strategies.reduce((sum, s) => sum + s.schedules, 0);
    expect(seen.length).toBeGreaterThan(0);
    for (const [done, total] of seen) {
      expect(total).toBe(20_000);
      expect(done).toBeLessThanOrEqual(ran);
    }
    const schedules = result.strategies.flatMap((s) => s.counterexamples.map((c) => c.schedule));
    expect(schedules.length).toBeGreaterThan(0);
    expect(Object.keys(replayable).sort()).toEqual([...new Set(schedules)].sort());
    for (const schedule of schedules)
      for (const strategy of OPTIONS.strategies ?? []) {
        const fits = (() => {
          try {
            engine.run({ scenario: OPTIONS.scenario, seed: 12, strategies: [strategy], schedule });
            return true;
          } catch {
            return false;
          }
        })();
        expect(replayable[schedule]?.includes(strategy), `${schedule} ${strategy}`).toBe(fits);
      }
  });

  test('cancel stops between two schedules and resolves with what ran', async () => {
    const client = connect();
    let cancelled = false;
    const big: ExploreOptions = { ...OPTIONS, knobs: { payments: 20 }, maxFaults: 3 };
    const { result } = await client.explore(big, (done) => {
      if (done > 0 && !cancelled) {
        cancelled = true;
        void client.cancel();
      }
    });
    expect(cancelled).toBe(true);
    expect(result.complete).toBe(false);
    expect(result.strategies[0]?.complete).toBe(false);
    // The first strategy was cut well before its bound; the second never started.
    expect(result.strategies[0]?.schedules).toBeLessThan(10_000);
    expect(result.strategies).toHaveLength(1);
    // The worker is free again: the next exploration runs to its end.
    const next = await client.explore(OPTIONS, () => undefined);
    expect(next.result.complete).toBe(true);
  });

  test('exports: the test file names the schedule and both sides, the steps and the .http transcript say it', async () => {
    const client = connect();
    const { result } = await client.explore(OPTIONS, () => undefined);
    const found = result.strategies[0]!.counterexamples[0]!;
    const request = {
      scenario: result.scenario,
      seed: result.seed,
      knobs: result.knobs,
      schedule: found.schedule,
      summary: found.summary,
      invariant: found.invariant,
      strategy: 'naive',
      holds: [],
    };
    const vitest = await client.exportFile({ ...request, kind: 'vitest' });
    expect(vitest.name).toBe(`twice-payment-lost-response-naive-${found.invariant}.test.ts`);
    expect(vitest.text).toContain(`const SCHEDULE = ${JSON.stringify(found.schedule)};`);
    expect(vitest.text).toContain(`from ${JSON.stringify(ENGINE_MODULE)};`);
    // No strategy was offered as the holding side: the story's correct ones are tried.
    expect(vitest.text).toContain(`test.fails("naive keeps ${found.invariant}"`);
    expect(vitest.text).toContain(`test("idempotency-key keeps ${found.invariant}"`);
    const steps = await client.exportFile({ ...request, kind: 'steps' });
    expect(steps.name).toBe(`twice-payment-lost-response-naive-${found.invariant}-steps.txt`);
    expect(steps.text.split('\n')[0]).toContain(found.schedule);
    const http = await client.exportFile({ ...request, kind: 'http' });
    expect(http.text).toContain(`# Schedule: ${found.schedule}`);
    await expect(
      client.exportFile({ ...request, kind: 'steps', schedule: 'v1~n.o9.a1.c0.r' }),
    ).rejects.toThrow(/does not replay for naive/);
    expect(await client.describe(found.schedule)).toBe(found.summary);
    await expect(client.describe('nonsense')).rejects.toThrow(/not a schedule/);
  });
});
