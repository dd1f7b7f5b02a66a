// The PUT-vs-POST story: a retried POST makes a second user on a naive server, a retried PUT
// rewrites the one it names; the key store and the natural key keep POST to one user too.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import { PROFILE_IDS } from '../../src/server/profiles.ts';
import { SCENARIOS } from '../../src/scenarios/index.ts';
import { paymentKnobs, seed } from '../support/arbitraries.ts';
import { loadEngine } from '../support/engine.ts';
import { broken } from './runs.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const STORY = 'put-vs-post';
const storySeed = SCENARIOS.get(STORY)!.storySeed;

/** A table of the run's final database as objects, by column name. */
function rows(run: StrategyRun, table: string): Record<string, unknown>[] {
  const found = run.tables[table];
  if (!found) throw new Error(`${run.strategy} has no table ${table}`);
  return found.rows.map((row) => Object.fromEntries(found.columns.map((c, i) => [c, row[i]])));
}
const users = (run: StrategyRun) =>
  rows(run, 'users').map((u) => [u.ref, u.email, u.via, u.writes]);

describe(STORY, () => {
  test('on the story seed both answers are lost: naive makes Ada twice and rewrites Grace once', () => {
    const [naive] = engine.run({ scenario: STORY, strategies: ['naive'] }).runs;
    const lost = naive!.trace.flatMap((e) =>
      e.kind === 'lost' && e.message === 'response' ? [[e.op, e.attempt]] : [],
    );
    expect(lost).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(users(naive!)).toEqual([
      ['usr_1', 'ada@example.com', 'POST /users', 1],
      ['123', 'grace@example.com', 'PUT /users/123', 2],
      ['usr_2', 'ada@example.com', 'POST /users', 1],
    ]);
    expect(broken(naive!)).toEqual(['one-user-per-signup']);
    expect(naive!.invariants[0]!.detail).toBe(
      'ada@example.com has 2 users (usr_1, usr_2), made by POST /users.',
    );
  });

  test('on the same schedule the key store runs each sign-up once and replays the first answer', () => {
    const [keyed] = engine.run({ scenario: STORY, strategies: ['idempotency-key'] }).runs;
    expect(users(keyed!)).toEqual([
      ['usr_1', 'ada@example.com', 'POST /users', 1],
      ['123', 'grace@example.com', 'PUT /users/123', 1],
    ]);
    const replays = keyed!.trace.flatMap((e) =>
      e.kind === 'response' && e.headers['Idempotent-Replayed'] === 'true' ? [e.op] : [],
    );
    expect(replays).toEqual([1, 2]);
    // Each user row is linked to the key that guarded it.
    expect(rows(keyed!, 'users').every((u) => typeof u.idempotency_key_id === 'number')).toBe(true);
  });

  test('upsert claims the email: Ada’s retry gets her existing user back with 200', () => {
    const [upsert] = engine.run({ scenario: STORY, strategies: ['upsert'] }).runs;
    expect(rows(upsert!, 'user_emails').map((e) => [e.email, e.user_id])).toEqual([
      ['ada@example.com', 1],
    ]);
    const retry = upsert!.trace.find((e) => e.kind === 'response' && e.op === 1 && e.attempt === 2);
    expect(retry).toMatchObject({ status: 200, body: { user: 'usr_1' } });
  });

  test('PUT alone converges on the naive server, whatever the network does', () => {
    for (let s = 0; s < 15; s++) {
      const [naive] = engine.run({
        scenario: STORY,
        seed: storySeed + s,
        strategies: ['naive'],
        knobs: { postSignups: 0, putSignups: 3, responseLoss: 0.5, duplicate: 0.5 },
      }).runs;
      const refs = users(naive!).map(([ref]) => ref);
      expect(new Set(refs).size, `seed ${storySeed + s}`).toBe(refs.length);
      expect(refs.every((r) => ['123', '124', '125'].includes(String(r)))).toBe(true);
      expect(broken(naive!)).toEqual([]);
    }
  });

  test('the key store and the natural key hold every check under any knobs and profile', () => {
    const knobs = paymentKnobs.map(({ payments: _p, paymentGapMs: _g, ...rest }) => rest);
    fc.assert(
      fc.property(
        seed,
        knobs,
        fc.constantFrom(...PROFILE_IDS),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        (s, k, profile, postSignups, putSignups) => {
          const { runs } = engine.run({
            scenario: STORY,
            seed: s,
            strategies: ['idempotency-key', 'upsert'],
            knobs: { ...k, profile, postSignups, putSignups },
          });
          for (const run of runs) expect(broken(run), run.strategy).toEqual([]);
        },
      ),
      { numRuns: process.env.TWICE_FULL ? 300 : 40 },
    );
  });
});
