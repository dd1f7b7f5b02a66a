// Effects and invariants of the consumer stories (exactly once, the projection, the high-water
// mark), as SQL over the consumer's tables and what the sender saw acknowledged.

import type { EffectSpec, InvariantSpec } from './types.ts';

export const NOTHING_DOUBLED: InvariantSpec = {
  id: 'nothing-doubled',
  title: 'No event was processed twice',
  sql: `SELECT event_id, min(intent) AS intent, count(*) AS times
FROM invoices
GROUP BY event_id
HAVING count(*) > 1
ORDER BY event_id`,
  ok: 'Every event was processed at most once.',
  describe: (row) =>
    `${row.event_id} was processed ${row.times} times: ${row.intent} has ${row.times} invoices`,
};

export const PROJECTION_EFFECTS: readonly EffectSpec[] = [
  { name: 'event-applied', label: 'Events added to a balance' },
];

/**
 * Every distinct event the consumer is answerable for: each one the sender saw acknowledged,
 * and each one the projection folded in (account_entries is written in the same transaction
 * as the balance, so it is what was applied, copies included). UNION keeps one row per event.
 * An event that was never acknowledged and never applied is the sender's loss, not the fold's.
 */
const EVENTS = `WITH events AS (
  SELECT json_extract(asked, '$.event') AS event,
    json_extract(asked, '$.account') AS account,
    json_extract(asked, '$.version') AS version,
    CASE json_extract(asked, '$.type') WHEN 'Refund' THEN -1 ELSE 1 END
      * json_extract(asked, '$.amount_cents') AS delta
  FROM run.answers
  WHERE status BETWEEN 200 AND 299
  UNION
  SELECT event_id, account, version, amount_cents FROM account_entries
),
fold AS (
  SELECT account, sum(delta) AS balance, count(*) AS events, max(version) AS version
  FROM events GROUP BY account
)`;

const money = (cents: unknown) => (Number(cents) / 100).toFixed(2);

export const BALANCE_IS_FOLD: InvariantSpec = {
  id: 'balance-is-fold',
  title: 'Each balance equals the sum of its distinct events',
  sql: `${EVENTS}
SELECT f.account, coalesce(b.balance_cents, 0) AS shown, f.balance AS folded, f.events
FROM fold f LEFT JOIN account_balances b ON b.account = f.account
WHERE coalesce(b.balance_cents, 0) <> f.balance
ORDER BY f.account`,
  ok: 'Every balance is the sum of its events, each counted once.',
  describe: (row) =>
    `${row.account} shows ${money(row.shown)}, but its ${row.events} events add up to ${money(row.folded)}`,
};

export const VERSION_IS_NEWEST: InvariantSpec = {
  id: 'version-is-newest',
  title: 'Each account is at the version of its newest event',
  sql: `${EVENTS}
SELECT f.account, coalesce(b.version, 0) AS shown, b.last_event, f.version AS newest
FROM fold f LEFT JOIN account_balances b ON b.account = f.account
WHERE coalesce(b.version, 0) <> f.version
ORDER BY f.account`,
  ok: 'Every account is at the version of its newest event.',
  describe: (row) =>
    `${row.account} is at version ${row.shown} (${row.last_event ?? 'no event'}), but its newest event is version ${row.newest}`,
};
