// The projection story: naive folds a duplicate in twice, the inbox folds a late event in after a
// newer one, and the strict version check holds back an event until the one before it is in.
import type { SqlJsStatic } from 'sql.js';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import { ACCOUNT_EVENTS_PATH } from '../../src/server/projection.ts';
import { STRATEGIES } from '../../src/server/strategies/index.ts';
import type { HttpRequest } from '../../src/sim/http.ts';
import { loadEngine } from '../support/engine.ts';
import { serve } from '../support/server.ts';
import { loadSql } from '../support/sql.ts';
import { CONSUMER_CONFIG as config } from './consumer-steps.ts';

let SQL: SqlJsStatic;
let engine: Engine;
beforeAll(async () => {
  SQL = await loadSql();
  engine = await loadEngine();
});

/** Event `version` of acct_1: a payment of 42.00, or a refund of 15.00. */
function event(version: number, type = 'PaymentReceived'): HttpRequest {
  return {
    method: 'POST',
    path: ACCOUNT_EVENTS_PATH,
    client: 'event-stream',
    headers: {},
    body: {
      event: `evt_${version}`,
      type,
      account: 'acct_1',
      amount_cents: type === 'Refund' ? 1500 : 4200,
      version,
      sequence: version,
    },
  };
}

/** Delivers the events in this order to a fresh consumer; returns its answers and projection. */
function deliver(strategy: string, events: HttpRequest[]) {
  const found = STRATEGIES.get(strategy);
  if (!found) throw new Error(strategy);
  const env = serve(SQL, found, config);
  const statuses = events.map((request, i) => env.start(request).finish(i * 100).status);
  const account = env.db.get('SELECT balance_cents, version, last_event FROM account_balances');
  return { statuses, account, entries: env.count('account_entries') };
}

describe('the projection consumers, event by event', () => {
  test('naive folds a duplicate PaymentReceived in twice', () => {
    const { account, entries } = deliver('naive', [event(1), event(1)]);
    expect(account).toEqual({ balance_cents: 8400, version: 1, last_event: 'evt_1' });
    expect(entries).toBe(2);
  });

  test('the inbox drops the duplicate, but a late event moves the account back a version', () => {
    const { statuses, account } = deliver('inbox', [
      event(1),
      event(1),
      event(3, 'Refund'),
      event(2),
    ]);
    expect(statuses).toEqual([200, 200, 200, 200]);
    // The balance is right (42 + 42 - 15); the version says 2 although version 3 is in.
    expect(account).toEqual({ balance_cents: 6900, version: 2, last_event: 'evt_2' });
  });

  test('the version check answers a duplicate 200 and an early event 409, then takes it in order', () => {
    const { statuses, account, entries } = deliver('version-check', [
      event(1),
      event(1),
      event(3, 'Refund'),
      event(2),
      event(3, 'Refund'),
    ]);
    expect(statuses).toEqual([200, 200, 409, 200, 200]);
    expect(account).toEqual({ balance_cents: 6900, version: 3, last_event: 'evt_3' });
    expect(entries).toBe(3);
  });

  test('dedupe by the highest number seen drops the late event: the balance misses 42.00', () => {
    const { statuses, account } = deliver('auto-increment-dedupe', [
      event(1),
      event(3, 'Refund'),
      event(2),
    ]);
    expect(statuses).toEqual([200, 200, 200]);
    expect(account).toEqual({ balance_cents: 2700, version: 3, last_event: 'evt_3' });
  });
});

describe('event-sourcing-projection, on its story seed', () => {
  const play = () =>
    engine.run({
      scenario: 'event-sourcing-projection',
      strategies: ['naive', 'inbox', 'version-check', 'auto-increment-dedupe'],
    }).runs;
  const details = (run: StrategyRun) =>
    run.invariants.filter((i) => !i.holds).map((i) => [i.id, i.detail]);

  test('each consumer breaks what its fault exposes, and the version check nothing', () => {
    const [naive, inbox, versioned, highest] = play();
    expect(details(naive!)[0]).toEqual([
      'balance-is-fold',
      'acct_1 shows 180.00, but its 6 events add up to 138.00.',
    ]);
    expect(details(inbox!)).toEqual([
      ['version-is-newest', 'acct_1 is at version 2 (evt_2), but its newest event is version 6.'],
    ]);
    expect(details(versioned!)).toEqual([]);
    expect(details(highest!).map(([id]) => id)).toEqual(['balance-is-fold']);
  });

  test('only the version check answers 409, and the sender redelivers each such event until it is in', () => {
    const runs = play();
    const refused = (run: StrategyRun) =>
      run.trace.flatMap((e) => (e.kind === 'response' && e.status === 409 ? [e.op] : []));
    expect(runs.filter((r) => refused(r).length > 0).map((r) => r.strategy)).toEqual([
      'version-check',
    ]);
    const versioned = runs[2]!;
    const final = versioned.tables.account_entries!.rows.map((row) => row[2]);
    expect(final).toEqual(['evt_1', 'evt_2', 'evt_3', 'evt_4', 'evt_5', 'evt_6']);
  });
});
