// A link the reader opens (types, pastes, Back) while the stories still load is the one that opens.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import type { EngineClient } from '../../src/ui/engine-client.ts';
import { Playground } from '../../src/ui/playground.svelte.ts';
import { loadEngine } from '../support/engine.ts';
import { pageClient } from '../support/page-client.ts';
import { until } from '../support/until.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

/** The real engine, whose story list arrives only when `arrive()` is called, as a slow worker's. */
function slowStart(): { client: EngineClient; arrive: () => void } {
  const shaped = pageClient(engine);
  let arrive = () => undefined as void;
  const gate = new Promise<void>((resolve) => (arrive = resolve));
  return {
    client: {
      ...shaped,
      scenarios: async () => {
        await gate;
        return shaped.scenarios();
      },
    },
    arrive: () => arrive(),
  };
}

async function done(p: Playground): Promise<void> {
  await until(() => p.status === 'done' || p.status === 'failed');
  expect(p.status).toBe('done');
}

const FIRST = '#scenario=payment-lost-response&seed=3&strategies=naive,idempotency-key&faults=1';

describe('a link opened while the stories load', () => {
  test('the newest link opens, with its note, and the hash is its canonical form', async () => {
    const { client, arrive } = slowStart();
    const p = new Playground(client);
    const started = p.start(FIRST);
    // The reader pastes a link with a repeated seed and a hex knob before the list is in.
    p.openHash('#scenario=put-vs-post&seed=9&seed=10&k.postSignups=0x2');
    expect(p.status).toBe('loading');
    arrive();
    await started;
    await done(p);
    expect(p.page.scenario).toBe('put-vs-post');
    expect(p.result?.scenario).toBe('put-vs-post');
    expect(p.result?.seed).toBe(9);
    expect(p.problems).toEqual([
      '“seed” appears 2 times; the first, “9”, was used.',
      '“POST sign-ups” must be a whole number, not “0x2”.',
    ]);
    const info = p.scenarios.find((s) => s.id === 'put-vs-post')!;
    expect(p.hash).toBe(
      `#scenario=put-vs-post&seed=9&strategies=${info.defaultStrategies.join(',')}&faults=1`,
    );
  });

  test('Back while loading opens the link before, with no note from the link left', async () => {
    const { client, arrive } = slowStart();
    const p = new Playground(client);
    const started = p.start(FIRST);
    const second = '#scenario=put-vs-post&seed=9&strategies=naive,upsert&faults=0';
    p.openHash(second);
    p.openHash('#scenario=put-vs-post&seed=9&seed=10'); // a third link, with a repeated key
    p.openHash(second); // Back
    arrive();
    await started;
    await done(p);
    expect(p.result?.scenario).toBe('put-vs-post');
    expect(p.result?.runs.map((run) => run.column.id)).toEqual(['naive', 'upsert']);
    expect(p.result?.faults).toBe(false);
    expect(p.problems).toEqual([]);
    expect(p.hash).toBe(second);
  });

  test('with no change while loading, the link start was given opens', async () => {
    const { client, arrive } = slowStart();
    const p = new Playground(client);
    const started = p.start('#scenario=put-vs-post&seed=4');
    arrive();
    await started;
    await done(p);
    expect(p.result?.scenario).toBe('put-vs-post');
    expect(p.result?.seed).toBe(4);
  });
});
