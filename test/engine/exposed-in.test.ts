// What the explorer must find: every buggy strategy falls where StrategyInfo.exposedIn says, and replays; every correct one holds there, and wherever a buggy one falls.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, ExploreResult, StrategyInfo } from '../../src/engine/index.ts';
import { STRATEGIES } from '../../src/server/strategies/index.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
let infos: Map<string, StrategyInfo>;
beforeAll(async () => {
  engine = await loadEngine();
  infos = new Map(engine.scenarios().flatMap((s) => s.strategies.map((i) => [i.id, i])));
});

/** The faults explored per strategy: 2 for all but the stories whose schedules run into thousands. */
const BOUND: Readonly<Record<string, number>> = { 'no-recovery-point': 1, 'no-airline-key': 1 };

/**
 * The faults each buggy strategy needs where it is exposed: its fewest-fault counterexample
 * (minimality is held by explore.test.ts), 1 unless it falls with none: to an ordering of two
 * concurrent requests, or to a case that is its fault by itself.
 */
const NEEDS: Readonly<Record<string, number>> = {
  'check-then-insert': 0,
  'global-key-scope': 0,
  'no-fingerprint': 0,
  'cache-5xx': 0,
};

const BUGGY = [...STRATEGIES.values()].filter((s) => !s.correct).map((s) => s.id);

/** Explorations by options: buggy strategies that share a place explore its correct ones once. */
const explorations = new Map<string, Promise<ExploreResult>>();
function exploreOnce(options: Parameters<Engine['explore']>[0]): Promise<ExploreResult> {
  const key = JSON.stringify(options);
  const found = explorations.get(key) ?? engine.explore(options);
  explorations.set(key, found);
  return found;
}

/** Where a strategy is exposed, and the correct strategies of that story. */
function placeOf(id: string) {
  const { scenario, knobs = {} } = infos.get(id)?.exposedIn ?? { scenario: '' };
  const story = engine.scenarios().find((s) => s.id === scenario);
  const correct = story?.strategies.filter((s) => s.correct).map((s) => s.id) ?? [];
  return { scenario, knobs, correct };
}

describe('exposedIn', () => {
  test.each([...STRATEGIES.keys()])(
    '%s: settled where it says, with at most 2 faults',
    async (id) => {
      const info = infos.get(id);
      expect(info, `${id} is in some story`).toBeDefined();
      const { scenario, knobs = {} } = info?.exposedIn ?? { scenario: '' };
      const story = engine.scenarios().find((s) => s.id === scenario);
      expect(story?.strategies.map((s) => s.id)).toContain(id);
      const maxFaults = BOUND[id] ?? 2;
      const result = await engine.explore({ scenario, knobs, strategies: [id], maxFaults });
      const explored = result.strategies[0];
      expect(explored?.complete).toBe(true);
      if (info?.correct) {
        expect(explored?.counterexamples.filter((c) => !c.limit)).toEqual([]);
        expect(explored?.holds).toBe(true);
        return;
      }
      const found = explored?.counterexamples.filter((c) => !c.limit) ?? [];
      expect(found.length, `${id} breaks in ${scenario}`).toBeGreaterThan(0);
      for (const c of found) {
        const replay = engine.run({ scenario, knobs, strategies: [id], schedule: c.schedule });
        const broken = replay.runs[0]?.invariants.find((i) => i.id === c.invariant);
        expect(broken, c.schedule).toMatchObject({ holds: false, detail: c.detail });
      }
    },
  );

  test.each(BUGGY)(
    '%s: where it breaks, with the faults it needs, every correct strategy holds but for declared limits',
    async (id) => {
      const { scenario, knobs, correct } = placeOf(id);
      expect(correct.length, `${scenario} has correct strategies`).toBeGreaterThan(0);
      const maxFaults = NEEDS[id] ?? 1;
      const [buggy] = (await engine.explore({ scenario, knobs, strategies: [id], maxFaults }))
        .strategies;
      const broken = buggy?.counterexamples.filter((c) => !c.limit) ?? [];
      expect(broken.length, `${id} breaks with ${maxFaults} faults`).toBeGreaterThan(0);
      const { strategies } = await exploreOnce({ scenario, knobs, strategies: correct, maxFaults });
      for (const held of strategies) {
        expect(held.complete).toBe(true);
        const bugs = held.counterexamples.filter((c) => !c.limit);
        expect(bugs, `${held.strategy} where ${id} breaks`).toEqual([]);
        expect(held.holds).toBe(true);
      }
    },
  );

  test('a shared key: global-key-scope breaks own-keys under every profile that scopes keys; under powertools the correct stores share keys too, a declared limit', async () => {
    const { scenario, knobs } = placeOf('global-key-scope');
    const correct = ['idempotency-key', 'outbox'];
    for (const profile of ['ietf', 'stripe', 'brandur']) {
      const scoped = { ...knobs, profile };
      const [bug] = (
        await engine.explore({
          scenario,
          knobs: scoped,
          strategies: ['global-key-scope'],
          maxFaults: 0,
        })
      ).strategies;
      expect(
        bug?.counterexamples.filter((c) => !c.limit).map((c) => c.invariant),
        profile,
      ).toContain('own-keys');
      const held = await engine.explore({
        scenario,
        knobs: scoped,
        strategies: correct,
        maxFaults: 0,
      });
      for (const s of held.strategies)
        expect(s.counterexamples, `${s.strategy}, ${profile}`).toEqual([]);
    }
    const powertools = await exploreOnce({
      scenario,
      knobs: { ...knobs, profile: 'powertools' },
      strategies: correct,
      maxFaults: 0,
    });
    for (const held of powertools.strategies) {
      const found = held.counterexamples.map((c) => [c.invariant, c.limit]);
      expect(found, held.strategy).toEqual([
        ['own-keys', true],
        ['own-answers', true],
        ['answers-match', true],
      ]);
    }
  });

  test('the outbox publishes at least once: a crash after publish is its declared limit', async () => {
    const { scenario, knobs } = placeOf('no-lease-expiry');
    const result = await exploreOnce({
      scenario,
      knobs,
      strategies: placeOf('no-lease-expiry').correct,
      maxFaults: 1,
    });
    const outbox = result.strategies.find((s) => s.strategy === 'outbox');
    const twice = outbox?.counterexamples.find((c) => c.invariant === 'published-once');
    expect(twice).toMatchObject({ limit: true, faults: 1 });
    expect(twice?.summary).toMatch(/crashes right after step publish/);
  });

  test('two stalls past the lease: the outbox still relays the late attempt’s event', async () => {
    const { scenario, knobs } = placeOf('lease-no-fence');
    const result = await engine.explore({ scenario, knobs, strategies: ['outbox'], maxFaults: 2 });
    const [outbox] = result.strategies;
    expect(outbox?.complete).toBe(true);
    expect(outbox?.counterexamples.map((c) => [c.invariant, c.limit])).toEqual([
      ['published-once', true],
    ]);
  });

  test('check-then-insert falls to an ordering of two concurrent requests, not to a fault', async () => {
    const { scenario, knobs } = infos.get('check-then-insert')?.exposedIn ?? { scenario: '' };
    const result = await engine.explore({
      scenario,
      knobs,
      strategies: ['check-then-insert'],
      maxFaults: 0,
    });
    const [first] = result.strategies[0]?.counterexamples ?? [];
    expect(first?.faults).toBe(0);
    // O = an ordering: at 15 ms click 2's arrival goes before click 1's second step.
    expect(first?.schedule).toBe('v1~O.15.1.1');
    // The schedule order alone (no decision) holds: the race needs the other ordering.
    const plain = engine.run({
      scenario,
      knobs: knobs ?? {},
      strategies: ['check-then-insert'],
      schedule: 'v1',
    });
    expect(plain.runs[0]?.invariants.every((i) => i.holds)).toBe(true);
  });

  test('lease-no-fence falls to a pause past the lease, a fault kind of its own', async () => {
    const { scenario, knobs } = infos.get('lease-no-fence')?.exposedIn ?? { scenario: '' };
    const result = await engine.explore({
      scenario,
      knobs,
      strategies: ['lease-no-fence', 'idempotency-key'],
      maxFaults: 1,
    });
    const [noFence, fenced] = result.strategies;
    const stale = noFence?.counterexamples.find((c) => c.invariant === 'no-stale-writes');
    expect(stale?.faults).toBe(1);
    expect(stale?.summary).toMatch(/stalls after step create-order, past its lease/);
    expect(fenced?.holds).toBe(true);
  });
});
