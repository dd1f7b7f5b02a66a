// A worker that dies (a crash, out of memory) fails only the call in flight, with words; the next call starts a new one, and the page keeps its state.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, RunOptions } from '../../src/engine/index.ts';
import type { EngineClient } from '../../src/ui/engine-client.ts';
import { Playground } from '../../src/ui/playground.svelte.ts';
import { Supervisor } from '../../src/ui/supervisor.ts';
import { RunShaper } from '../../src/worker/shape.ts';
import { loadEngine } from '../support/engine.ts';
import { until } from '../support/until.ts';
import { fakeWorker, type FakeWorker } from '../support/worker.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

/** The engine worker's API on the real engine; `hang` makes the next run never answer, as a worker stuck before it dies. */
function engineApi(control: { hang: boolean }) {
  const shaper = new RunShaper();
  const infos = engine.scenarios();
  return {
    scenarios: async () => infos,
    run: (options: RunOptions) => {
      if (control.hang) return new Promise<never>(() => undefined);
      const result = engine.run(options);
      const info = infos.find((s) => s.id === result.scenario);
      if (!info) throw new Error(`unknown story ${result.scenario}`);
      return Promise.resolve(shaper.shape(info, result));
    },
    narrationAt: async (handle: number, column: number, at: number) =>
      shaper.narrationAt(handle, column, at),
  };
}

/** The page's engine client, as engine-client.ts builds it, over in-thread workers it can crash. */
function supervised() {
  const control = { hang: false };
  const workers: FakeWorker[] = [];
  const supervisor = new Supervisor<ReturnType<typeof engineApi>>(() => {
    const worker = fakeWorker(engineApi(control));
    workers.push(worker);
    return worker;
  }, 'engine');
  const client: EngineClient = {
    scenarios: () => supervisor.call((remote) => remote.scenarios()),
    run: (options) => supervisor.call((remote) => remote.run(options)),
    narrationAt: (handle, column, at) =>
      supervisor.call((remote) => remote.narrationAt(handle, column, at)),
  };
  return { client, control, workers };
}

/** Enters `seed` on a worker that hangs on it, then crashes that worker mid-run. */
async function crashWhileRunning(
  p: Playground,
  { control, workers }: ReturnType<typeof supervised>,
  seed: string,
): Promise<void> {
  control.hang = true;
  p.enterSeed(seed);
  await until(() => p.status === 'running');
  await new Promise((r) => setTimeout(r, 5));
  workers.at(-1)?.crash();
  await until(() => p.status === 'failed');
}

describe('a worker that dies', () => {
  test('fails the call in flight with words; the next call gets a new worker that answers', async () => {
    const { client, control, workers } = supervised();
    const options = { scenario: 'payment-lost-response', seed: 3 };
    expect((await client.run(options)).seed).toBe(3);
    control.hang = true;
    const lost = client.run(options);
    await new Promise((r) => setTimeout(r, 5));
    workers[0]?.crash();
    await expect(lost).rejects.toThrow(
      'The engine stopped (it crashed or ran out of memory); a new one starts with the next request',
    );
    expect(workers[0]?.ended()).toBe(true);
    control.hang = false;
    const next = await client.run(options);
    expect(workers).toHaveLength(2);
    expect(next.runs.map((r) => r.column.traceHash)).toEqual(
      engine.run(options).runs.map((r) => r.traceHash),
    );
  });

  test('the page says so, keeps its state and its last result, and runs again on the next change', async () => {
    const supervisor = supervised();
    const { client, control, workers } = supervisor;
    const p = new Playground(client);
    await p.start('#scenario=payment-lost-response&seed=42&k.retries=2');
    await until(() => p.status === 'done');
    const shown = p.result;
    const hash = p.hash;

    await crashWhileRunning(p, supervisor, '43');
    expect(p.error).toMatch(
      /^The run failed: The engine stopped \(it crashed or ran out of memory\)/,
    );
    // The state the reader set is kept (the link says seed 43), and the last result stays shown.
    expect(p.page.seed).toBe(43);
    expect(p.page.knobs).toEqual({ retries: 2 });
    expect(p.hash).toBe(hash.replace('seed=42', 'seed=43'));
    expect(p.result).toBe(shown);

    control.hang = false;
    p.enterSeed('44');
    await until(() => p.status === 'done');
    expect(workers).toHaveLength(2);
    expect(p.error).toBeNull();
    expect(p.result?.runs.map((r) => r.column.traceHash)).toEqual(
      engine
        .run({ scenario: 'payment-lost-response', seed: 44, knobs: { retries: 2 } })
        .runs.map((r) => r.traceHash),
    );
  });

  test('after a crash the same state runs again when asked (Run again), with no change to the state', async () => {
    const supervisor = supervised();
    const { client, control, workers } = supervisor;
    const p = new Playground(client);
    await p.start('#scenario=payment-lost-response&seed=42');
    await until(() => p.status === 'done');

    await crashWhileRunning(p, supervisor, '43');
    const hash = p.hash;

    // Entering the seed the page already holds changes nothing, so it runs nothing: the page's
    // Run again button calls run() with the state as it is.
    control.hang = false;
    p.enterSeed('43');
    expect(p.status).toBe('failed');
    await p.run();
    expect(p.status).toBe('done');
    expect(p.error).toBeNull();
    expect(p.hash).toBe(hash);
    expect(workers).toHaveLength(2);
    expect(p.result?.runs.map((r) => r.column.traceHash)).toEqual(
      engine.run({ scenario: 'payment-lost-response', seed: 43 }).runs.map((r) => r.traceHash),
    );
  });
});
