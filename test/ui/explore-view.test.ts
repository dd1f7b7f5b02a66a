// The explorer's verdicts as the panel says them: held (complete or cut), broken with findings grouped by schedule, limits apart, strategies a cancel never reached.
import { beforeAll, describe, expect, test } from 'vitest';
import type { ExploreResult, ScenarioInfo, StrategyExploration } from '../../src/engine/index.ts';
import { faultsText, verdictsOf } from '../../src/ui/explore/explore-view.ts';
import { loadEngine } from '../support/engine.ts';

let info: ScenarioInfo;
let explored: ExploreResult;
beforeAll(async () => {
  const engine = await loadEngine();
  info = engine.scenarios().find((s) => s.id === 'payment-lost-response')!;
  explored = await engine.explore({
    scenario: info.id,
    strategies: ['naive', 'idempotency-key'],
    maxFaults: 1,
  });
});

const ASKED = ['naive', 'idempotency-key'];
const strategy = (id: string) => explored.strategies.find((s) => s.strategy === id)!;

describe('the explorer’s verdicts', () => {
  test('on a real exploration: naive breaks once per schedule, both invariants in one finding; the key holds', () => {
    const [naive, key] = verdictsOf(explored, info, ASKED, {}, 'limit', 10_000);
    const n = strategy('naive');
    expect(n.counterexamples.length).toBe(2);
    expect(new Set(n.counterexamples.map((c) => c.schedule)).size).toBe(1);
    expect(naive).toMatchObject({
      id: 'naive',
      title: info.strategies.find((s) => s.id === 'naive')?.title,
      verdict: 'broken',
      line: `breaks on ${n.broken} of ${n.schedules} schedules (complete)`,
    });
    expect(naive?.findings).toHaveLength(1);
    expect(naive?.findings[0]?.invariants.map((i) => i.id)).toEqual(
      n.counterexamples.map((c) => c.invariant),
    );
    expect(naive?.findings[0]?.invariants[0]?.title).toBe(
      info.invariants.find((i) => i.id === n.counterexamples[0]?.invariant)?.title,
    );
    expect(key).toMatchObject({
      verdict: 'held',
      line: `held on all ${strategy('idempotency-key').schedules} schedules (complete)`,
      findings: [],
    });
  });

  test('a finding opens the broken strategy first, then the others that replay it', () => {
    const schedule = strategy('naive').counterexamples[0]!.schedule;
    const [naive] = verdictsOf(
      explored,
      info,
      ASKED,
      { [schedule]: ['idempotency-key', 'naive'] },
      'limit',
      10_000,
    );
    expect(naive?.findings[0]?.columns).toEqual(['naive', 'idempotency-key']);
    // Without a replay list (none computed), only the broken strategy opens.
    expect(verdictsOf(explored, info, ASKED, {}, 'limit', 10_000)[0]?.findings[0]?.columns).toEqual(
      ['naive'],
    );
  });

  test('a cut search says where and why; a strategy a cancel never reached says so', () => {
    const cut: ExploreResult = {
      ...explored,
      complete: false,
      strategies: [{ ...strategy('naive'), complete: false }],
    };
    const n = strategy('naive');
    const [naive, key] = verdictsOf(cut, info, ASKED, {}, 'cancelled', 10_000);
    expect(naive?.line).toBe(
      `breaks on ${n.broken} of ${n.schedules} schedules (cut at ${n.schedules}: cancelled)`,
    );
    expect(key).toMatchObject({
      verdict: 'not-run',
      line: 'not explored: cancelled before it started',
    });
    const held: StrategyExploration = {
      ...strategy('idempotency-key'),
      schedules: 10_000,
      complete: false,
    };
    const limited = verdictsOf(
      { ...cut, strategies: [held] },
      info,
      ['idempotency-key'],
      {},
      'limit',
      10_000,
    );
    expect(limited[0]?.line).toBe(
      'held on all 10,000 schedules (cut at 10,000: the limit of 10,000 schedules)',
    );
    // A cancel that came once the first strategy had reached its limit cut only the second.
    const both = verdictsOf(
      {
        ...cut,
        strategies: [
          { ...held, strategy: 'naive' },
          { ...held, schedules: 42 },
        ],
      },
      info,
      ['naive', 'idempotency-key'],
      {},
      'cancelled',
      10_000,
    );
    expect(both.map((v) => v.line.replace(/^.* \(/, '('))).toEqual([
      '(cut at 10,000: the limit of 10,000 schedules)',
      '(cut at 42: cancelled)',
    ]);
  });

  test('a declared limit is not a bug: the strategy holds, the limit comes after any bug', () => {
    const schedule = 'v1~n.o1.a1.c0.r';
    const withLimit: StrategyExploration = {
      strategy: 'idempotency-key',
      schedules: 7,
      broken: 1,
      holds: true,
      complete: true,
      counterexamples: [
        {
          invariant: 'one-charge-per-intent',
          faults: 1,
          schedule,
          summary: 'lost',
          detail: 'twice',
          limit: true,
        },
      ],
    };
    const [v] = verdictsOf(
      { ...explored, strategies: [withLimit] },
      info,
      ['idempotency-key'],
      {},
      'limit',
      10_000,
    );
    expect(v).toMatchObject({
      verdict: 'limits',
      line: 'held on all 7 schedules but its story’s declared limits (complete)',
    });
    expect(v?.findings.map((f) => [f.limit, f.key])).toEqual([[true, `limit:${schedule}`]]);
    const mixed: StrategyExploration = {
      ...withLimit,
      holds: false,
      counterexamples: [
        ...withLimit.counterexamples,
        {
          invariant: 'one-order-per-intent',
          faults: 2,
          schedule: 'v1~n.o1.a1.d',
          summary: 'dup',
          detail: 'two',
        },
      ],
    };
    const [m] = verdictsOf(
      { ...explored, strategies: [mixed] },
      info,
      ['idempotency-key'],
      {},
      'limit',
      10_000,
    );
    expect(m?.verdict).toBe('broken');
    expect(m?.findings.map((f) => f.limit)).toEqual([false, true]);
  });

  test('one schedule alone, and faults in words', () => {
    const one: StrategyExploration = { ...strategy('idempotency-key'), schedules: 1 };
    const [v] = verdictsOf(
      { ...explored, strategies: [one] },
      info,
      ['idempotency-key'],
      {},
      'limit',
      10_000,
    );
    expect(v?.line).toBe('held on its only schedule (complete)');
    expect([0, 1, 2].map(faultsText)).toEqual(['no fault', '1 fault', '2 faults']);
  });
});
