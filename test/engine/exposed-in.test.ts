// What the explorer must find: every buggy strategy falls where StrategyInfo.exposedIn says, and replays; every correct one holds there.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, StrategyInfo } from '../../src/engine/index.ts';
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
