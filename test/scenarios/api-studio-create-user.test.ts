// The API-studio story: the same five sends and the same servers, judged by two requirements.
// The requirement flips which outcome is correct; the key has to follow it.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import { loadEngine } from '../support/engine.ts';
import { broken } from './runs.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const STORY = 'api-studio-create-user';
const STRATEGIES = ['naive', 'idempotency-key', 'upsert'];

function play(knobs: Record<string, string | number> = {}): Record<string, StrategyRun> {
  const { runs } = engine.run({ scenario: STORY, strategies: STRATEGIES, knobs });
  return Object.fromEntries(runs.map((r) => [r.strategy, r]));
}
const checked = (run: StrategyRun) => run.invariants.map((i) => i.id);
const userCount = (run: StrategyRun) => run.tables.users?.rows.length;

describe(STORY, () => {
  test('the requirement decides which check applies, not the servers', () => {
    const form = play();
    const click = play({ requirement: 'each-click-a-new-user' });
    for (const id of STRATEGIES) {
      expect(checked(form[id]!)).toContain('one-user-per-form');
      expect(checked(form[id]!)).not.toContain('user-per-send');
      expect(checked(click[id]!)).toContain('user-per-send');
      expect(checked(click[id]!)).not.toContain('one-user-per-form');
      // The servers did the same thing under both requirements: only the verdict moved.
      expect(userCount(click[id]!)).toBe(userCount(form[id]!));
    }
  });

  test('one user per form: naive is wrong with 5 users, the key store and upsert are right with 1', () => {
    const runs = play();
    expect(userCount(runs.naive!)).toBe(5);
    expect(broken(runs.naive!)).toEqual(['one-user-per-form']);
    expect(runs.naive!.invariants[0]!.detail).toBe(
      'the form for test@example.com made 5 users (usr_1, usr_2, usr_3, usr_4, usr_5); the requirement is one.',
    );
    for (const id of ['idempotency-key', 'upsert']) {
      expect(userCount(runs[id]!)).toBe(1);
      expect(broken(runs[id]!)).toEqual([]);
    }
    // Sends 2 to 5 were answered from the stored key, marked as replays.
    const replayed = runs['idempotency-key']!.trace.flatMap((e) =>
      e.kind === 'response' && e.headers['Idempotent-Replayed'] === 'true' ? [e.op] : [],
    );
    expect(replayed).toEqual([2, 3, 4, 5]);
  });

  test('each click a new user: the same runs flip; naive is now right, the tab’s key is wrong', () => {
    const runs = play({ requirement: 'each-click-a-new-user' });
    expect(broken(runs.naive!)).toEqual([]);
    expect(broken(runs['idempotency-key']!)).toEqual(['user-per-send']);
    expect(
      runs['idempotency-key']!.invariants.find((i) => i.id === 'user-per-send')?.detail,
    ).toMatch(/^send 2 was answered 201 but made no user of its own/);
    // Upsert answers the repeats with the existing user (200): merged, not new.
    expect(broken(runs.upsert!)).toEqual(['user-per-send']);
    expect(runs.upsert!.operations.slice(1).map((o) => o.status)).toEqual([200, 200, 200, 200]);
  });

  test('with a key per click the key store makes one user per send and dedupes each send’s retries', () => {
    const runs = play({
      requirement: 'each-click-a-new-user',
      keyMintedAt: 'click',
      responseLoss: 0.3,
    });
    const keyed = runs['idempotency-key']!;
    const created = keyed.tables.users!;
    const requestIds = created.rows.map((r) => r[created.columns.indexOf('request_id')]);
    expect([...requestIds].sort()).toEqual(['send-1', 'send-2', 'send-3', 'send-4', 'send-5']);
    expect(broken(keyed)).toEqual([]);
    // On the same schedule a lost answer made naive run one send twice.
    expect(userCount(runs.naive!)).toBeGreaterThan(5);
    expect(runs.naive!.invariants.find((i) => i.id === 'user-per-send')?.detail).toMatch(
      /made 2 users: a retry of it ran again/,
    );
  });

  test('with faults off Send is pressed once and every server makes one user', () => {
    const { runs } = engine.run({ scenario: STORY, faults: false, strategies: STRATEGIES });
    for (const run of runs) {
      expect(run.operations, run.strategy).toHaveLength(1);
      expect(userCount(run), run.strategy).toBe(1);
    }
  });
});
