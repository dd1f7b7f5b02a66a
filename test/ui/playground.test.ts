// The page's state machine on the real engine (in Node): links open exactly, suggestions set
// the knobs, the cursor steps exactly, and the latest run wins.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, RunOptions } from '../../src/engine/index.ts';
import type { EngineClient } from '../../src/ui/engine-client.ts';
import { createNarrator } from '../../src/ui/diagram/narrate.ts';
import { Playground } from '../../src/ui/playground.svelte.ts';
import { eventsAt } from '../../src/ui/timeline.ts';
import { loadEngine } from '../support/engine.ts';
import { pageClient } from '../support/page-client.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

/** The real engine behind the client's shape, as the worker serves it; `started` holds every run asked for. */
function client(delays: number[] = []): EngineClient & { started: Promise<unknown>[] } {
  const started: Promise<unknown>[] = [];
  const shaped = pageClient(engine, async () => {
    const wait = delays.shift() ?? 0;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  });
  return {
    ...shaped,
    started,
    run: (options: RunOptions) => {
      const run = shaped.run(options);
      started.push(run);
      return run;
    },
  };
}

async function settled(playground: Playground): Promise<void> {
  for (let i = 0; i < 200 && playground.status !== 'done' && playground.status !== 'failed'; i++)
    await new Promise((r) => setTimeout(r, 5));
}

describe('the playground state', () => {
  test('a link opens exactly that run at that cursor, and its hash is the link', async () => {
    const p = new Playground(client());
    const link =
      '#scenario=payment-lost-response&seed=42&strategies=naive,idempotency-key&faults=1&k.retries=2&t=3';
    await p.start(link);
    await settled(p);
    expect(p.problems).toEqual([]);
    expect(p.result?.seed).toBe(42);
    expect(p.result?.knobs.retries).toBe(2);
    expect(p.playback.tick).toBe(3);
    expect(p.hash).toBe(link);
  });

  test('a bad link opens the nearest valid state and keeps what it said', async () => {
    const p = new Playground(client());
    await p.start('#scenario=nope');
    await settled(p);
    expect(p.page.scenario).toBe('payment-lost-response');
    expect(p.problems).toHaveLength(1);
    expect(p.status).toBe('done');
  });

  test('step and step back are exact inverses; the end of the run is no cursor at all', async () => {
    const p = new Playground(client());
    await p.start('#scenario=payment-lost-response&seed=12');
    await settled(p);
    const { playback } = p;
    const cursors = () => JSON.stringify(p.views.map((v) => v.cursor));
    expect(playback.atEnd).toBe(true);
    expect(p.page.t).toBeNull();
    p.playback.restart();
    expect(playback.tick).toBe(0);
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      seen.push(cursors());
      playback.step(1);
    }
    for (let i = 5; i >= 0; i--) {
      playback.step(-1);
      expect(cursors()).toBe(seen[i]);
    }
    playback.seek(playback.ticks.length + 10);
    expect(p.page.t).toBeNull();
  });

  test('the inspector holds its event while playing and catches up when playback stops', async () => {
    const p = new Playground(client());
    await p.start('#scenario=payment-lost-response&seed=12&strategies=naive,idempotency-key');
    await settled(p);
    expect(p.inspectedSeq).toBeNull(); // the end of the run
    p.inspected = 'idempotency-key';
    p.playback.restart();
    const first = p.inspectedSeq;
    expect(first).toBe(p.views[1]!.seq);
    p.playback.play();
    p.playback.seek(4);
    expect(p.inspectedSeq).toBe(first);
    p.playback.pause();
    expect(p.inspectedSeq).toBe(p.views[1]!.seq);
    expect(p.inspectedSeq).not.toBe(first);
  });

  test('the narration at the cursor says every column’s events at that moment, drawn or not', async () => {
    // One payment with every retry knob at its maximum: just past the 5,000 drawn rows.
    const knobs =
      'k.payments=1&k.retries=10&k.gatewayRetries=10&k.pspRetries=10&k.gatewayResponseLoss=1&k.pspLostReply=1';
    for (const link of [
      '#scenario=payment-lost-response&seed=12',
      `#scenario=retry-amplification&${knobs}`,
    ]) {
      const p = new Playground(client());
      await p.start(link);
      await settled(p);
      const { runs } = engine.run({
        scenario: p.result!.scenario,
        seed: p.result!.seed,
        knobs: p.result!.knobs,
        strategies: p.page.strategies,
      });
      const narrators = runs.map((r) => createNarrator(r.trace));
      const expected = (at: number) =>
        runs
          .map((r, i) => {
            const said = eventsAt(r.trace, at).map((e) => narrators[i]!(e));
            return said.length === 0 ? '' : `${p.views[i]!.column.title}: ${said.join(' ')}`;
          })
          .filter((line) => line !== '')
          .join(' ');
      const last = p.playback.ticks.length - 1;
      for (const tick of [0, 1, 2, Math.floor(last / 2), last - 1]) {
        p.playback.seek(tick);
        const want = expected(p.playback.cursorAt);
        expect(want).not.toBe('');
        // Past the drawn rows the worker is asked, and answers a moment later.
        for (let i = 0; i < 200 && p.narration !== want; i++)
          await new Promise((r) => setTimeout(r, 5));
        expect(p.narration).toBe(want);
      }
      if (link.includes('retry')) {
        // The last moments lie past the naive column's drawing: their words came from the worker.
        const drawn = p.views[0]!.diagram;
        expect(drawn.undrawn).toBeGreaterThan(0);
        expect(p.playback.ticks[last - 1]).toBeGreaterThan(drawn.rows.at(-1)!.at);
      }
    }
  });

  test('effect counters count up to the cursor only', async () => {
    const p = new Playground(client());
    await p.start('#scenario=payment-lost-response&seed=12');
    await settled(p);
    const charges = () => p.views[0]!.counts['card-charged'] ?? 0;
    expect(charges()).toBe(2);
    p.playback.restart();
    expect(charges()).toBe(0);
    expect(p.views[0]!.column.effects.find((e) => e.name === 'card-charged')!.total).toBe(2);
  });

  test('a suggestion sets the story defaults plus its change, and shows the strategies it names', async () => {
    const p = new Playground(client());
    await p.start('#scenario=key-lifecycle&seed=9&k.retries=1');
    await settled(p);
    const suggestion = p.scenario!.prose.tryThis[0]!;
    p.applySuggestion(suggestion);
    await settled(p);
    expect(p.page.seed).toBe(p.scenario!.storySeed);
    expect(p.page.knobs).toEqual(suggestion.knobs);
    for (const want of suggestion.expect) {
      const column = p.views.find((v) => v.id === want.strategy)!.column;
      expect(column.invariants.find((i) => i.id === want.invariant)!.holds).toBe(want.holds);
    }
  });

  test('the latest run wins: a slow earlier run never replaces a newer result', async () => {
    const runs = client([0, 80, 0]);
    const p = new Playground(runs);
    await p.start('#scenario=payment-lost-response&seed=1');
    await settled(p);
    p.enterSeed('2'); // slow
    p.enterSeed('3'); // fast
    // Every run has answered, the slow one last: only then is "it never replaced" shown.
    await Promise.all(runs.started);
    // A result is published once its columns are shaped, a few tasks after the engine answers.
    await settled(p);
    expect(runs.started).toHaveLength(3);
    expect(p.result?.seed).toBe(3);
  });

  test('a typed seed that is not one keeps the last run and says why', async () => {
    const p = new Playground(client());
    await p.start('#scenario=payment-lost-response&seed=5');
    await settled(p);
    p.enterSeed('12x');
    expect(p.seedError).toMatch(/whole number/);
    expect(p.page.seed).toBe(5);
  });

  test('strategies can be added and removed, never down to none', async () => {
    const p = new Playground(client());
    await p.start('#scenario=payment-lost-response&seed=12');
    await settled(p);
    p.addStrategy('check-then-insert');
    await settled(p);
    expect(p.views.map((v) => v.id)).toEqual(['naive', 'idempotency-key', 'check-then-insert']);
    p.removeStrategy('naive');
    p.removeStrategy('idempotency-key');
    p.removeStrategy('check-then-insert');
    await settled(p);
    expect(p.page.strategies).toEqual(['check-then-insert']);
    p.addStrategy('no-such');
    expect(p.page.strategies).toEqual(['check-then-insert']);
  });
});

describe('a schedule from the explorer', () => {
  const SCHEDULE = 'v1~n.o1.a1.d';

  test('opens side by side with the cursor where the columns part; seed, faults and knobs clear it', async () => {
    const p = new Playground(client());
    await p.start('#scenario=payment-lost-response&seed=12');
    await settled(p);
    p.openSchedule({
      seed: 7,
      knobs: { ...p.result!.knobs, retries: 2 },
      strategies: ['naive', 'idempotency-key'],
      schedule: SCHEDULE,
    });
    await settled(p);
    const replayed = engine.run({
      scenario: 'payment-lost-response',
      seed: 7,
      knobs: { retries: 2 },
      schedule: SCHEDULE,
    });
    expect(p.result?.runs.map((r) => r.column.traceHash)).toEqual(
      replayed.runs.map((r) => r.traceHash),
    );
    // Only the knob that differs from the story's default is kept in the link.
    expect(p.page.knobs).toEqual({ retries: 2 });
    expect(p.hash).toContain(`&schedule=${SCHEDULE}&t=`);
    expect(p.snapshotOptions).toMatchObject({ seed: 7, schedule: SCHEDULE });
    const parted = Math.min(
      ...replayed.runs.map((r, i) => r.trace[p.views[i]?.divergenceSeq ?? -1]?.at ?? Infinity),
    );
    expect(p.playback.cursorAt).toBe(parted);
    expect(p.playback.atEnd).toBe(false);

    p.clearSchedule();
    await settled(p);
    expect(p.page.schedule).toBeUndefined();
    expect(p.snapshotOptions?.schedule).toBeUndefined();
    for (const change of [
      () => p.enterSeed('8'),
      () => p.rollDice(),
      () => p.setFaults(false),
      () => p.setKnob('retries', 1),
      () => p.resetKnobs(),
    ]) {
      p.openSchedule({ seed: 7, knobs: {}, strategies: ['naive'], schedule: SCHEDULE });
      expect(p.page.schedule).toBe(SCHEDULE);
      change();
      expect(p.page.schedule).toBeUndefined();
    }
  });

  test('a schedule the run refuses is said among the link’s problems; the rest of the link stays', async () => {
    const p = new Playground(client());
    await p.start('#scenario=payment-lost-response&seed=12&k.retries=2&schedule=v1~n.o9.a1.c0.r');
    await settled(p);
    await settled(p);
    expect(p.status).toBe('done');
    expect(p.page).toMatchObject({ seed: 12, knobs: { retries: 2 } });
    expect(p.page.schedule).toBeUndefined();
    expect(p.resultSchedule).toBeUndefined();
    expect(p.problems).toHaveLength(1);
    expect(p.problems[0]).toMatch(
      /^The schedule “v1~n\.o9\.a1\.c0\.r” was refused: .*never reached.*\. The seed’s own faults are shown\.$/,
    );
    expect(p.result?.runs[0]?.column.traceHash).toBe(
      engine.run({ scenario: 'payment-lost-response', seed: 12, knobs: { retries: 2 } }).runs[0]
        ?.traceHash,
    );
  });
});
