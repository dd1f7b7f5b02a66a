// The panels over workers that die: the explorer says its worker stopped and the next search gets a new one; How often? says a pool worker was replaced.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import { createExploreClient } from '../../src/ui/explore/explore-client.ts';
import { Explorer } from '../../src/ui/explore/explorer.svelte.ts';
import { HowOften } from '../../src/ui/often/how-often.svelte.ts';
import { BatchPool } from '../../src/ui/often/pool.ts';
import { Playground } from '../../src/ui/playground.svelte.ts';
import { createBatchApi } from '../../src/worker/batch-api.ts';
import { createExploreApi } from '../../src/worker/explore.ts';
import { loadEngine } from '../support/engine.ts';
import { pageClient } from '../support/page-client.ts';
import { loadSql } from '../support/sql.ts';
import { until } from '../support/until.ts';
import { fakeWorker, type FakeWorker } from '../support/worker.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

async function page(hash: string): Promise<Playground> {
  const playground = new Playground(pageClient(engine));
  await playground.start(hash);
  await until(() => playground.status === 'done');
  return playground;
}

/** A worker's API whose calls named in `hung` never answer while `hung.on`, as a worker stuck before it dies. */
function hanging<Api extends object>(api: Api, hung: { on: boolean; calls: string[] }): Api {
  return new Proxy(api, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || !hung.calls.includes(String(key))) return value;
      return (...args: unknown[]) =>
        hung.on ? new Promise<never>(() => undefined) : value.apply(target, args);
    },
  });
}

describe('the explorer’s worker dies', () => {
  test('the search in flight fails with words; the next search starts a new worker and finishes', async () => {
    const playground = await page('#scenario=payment-lost-response&seed=12');
    const hung = { on: true, calls: ['explore'] };
    const workers: FakeWorker[] = [];
    const client = createExploreClient(() => {
      const worker = fakeWorker(
        hanging(
          createExploreApi(async () => engine, {
            pause: () => new Promise((resolve) => setImmediate(resolve)),
            now: () => performance.now(),
          }),
          hung,
        ),
      );
      workers.push(worker);
      return worker;
    });
    const explorer = new Explorer(playground, client);
    explorer.maxFaults = 1;

    const lost = explorer.explore();
    expect(explorer.status).toBe('running');
    await new Promise((r) => setTimeout(r, 5));
    workers[0]?.crash();
    await until(() => explorer.status !== 'running');
    await lost;
    expect(explorer.status).toBe('failed');
    expect(explorer.error).toBe(
      'The exploration failed: The explorer stopped (it crashed or ran out of memory); a new one starts with the next request',
    );
    expect(workers[0]?.ended()).toBe(true);

    hung.on = false;
    await explorer.explore();
    expect(workers).toHaveLength(2);
    expect(explorer.status).toBe('done');
    expect(explorer.error).toBeNull();
    expect(explorer.exploration?.result).toEqual(
      await engine.explore({
        scenario: 'payment-lost-response',
        seed: 12,
        strategies: [...playground.page.strategies],
        knobs: {},
        maxFaults: 1,
        maxSchedules: 10_000,
      }),
    );
    for (const worker of workers) worker.terminate();
  });
});

describe('a How often? pool worker dies', () => {
  test('the panel says a worker was replaced, and the batch is still exact', async () => {
    const playground = await page('#scenario=payment-lost-response');
    const workers: FakeWorker[] = [];
    // The second worker started hangs on its batch until it is crashed; its replacement answers.
    const pool = new BatchPool(() => {
      const hung = { on: workers.length === 1, calls: ['batch'] };
      const worker = fakeWorker(hanging(createBatchApi(loadSql), hung));
      workers.push(worker);
      return worker;
    }, 2);
    const often = new HowOften(playground, () => pool);
    often.setSeeds(30);

    const running = often.runBatch();
    await until(() => workers.length === 2);
    await new Promise((r) => setTimeout(r, 5));
    expect(often.notice).toBeNull();
    workers[1]?.crash();
    await until(() => often.running === null);
    await running;
    expect(workers).toHaveLength(3);
    expect(workers[1]?.ended()).toBe(true);
    expect(often.error).toBeNull();
    expect(often.notice).toMatch(
      /^The batch worker 2 stopped \(it crashed or ran out of memory\); a new one starts with the next request\. Its seeds ran again on the new one\.$/,
    );
    const expected = await engine.batch({
      scenario: 'payment-lost-response',
      strategies: ['naive', 'idempotency-key'],
      seeds: { from: 0, count: 30 },
    });
    expect(often.batch?.result.strategies.map((s) => [s.strategy, s.violated, s.runs])).toEqual(
      expected.strategies.map((s) => [s.strategy, s.violated, s.runs]),
    );
    for (const worker of workers) worker.terminate();
  });
});
