// Effects and invariants of the payment stories, written as SQL over the final state.

import type { SqlValue } from '../server/db.ts';
import type { EffectSpec, InvariantSpec, Limit } from './types.ts';

const UNITS: readonly (readonly [number, string])[] = [
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

/** Milliseconds in the largest whole unit, for a detail: "24 h", "90 s", "1500 ms". */
function duration(value: SqlValue | undefined): string {
  const ms = Number(value);
  const unit = UNITS.find(([size]) => ms >= size && ms % size === 0);
  return unit ? `${ms / unit[0]} ${unit[1]}` : `${ms} ms`;
}

export const PAYMENT_EFFECTS: readonly EffectSpec[] = [
  { name: 'card-charged', label: 'Card charges' },
  { name: 'order-created', label: 'Orders' },
];

export const ONE_CHARGE_PER_INTENT: InvariantSpec = {
  id: 'one-charge-per-intent',
  title: 'The card is charged at most once per payment intent',
  sql: `SELECT intent, count(*) AS charges, group_concat(id, ', ' ORDER BY charged_at, rowid) AS ids
FROM psp.charges
GROUP BY intent
HAVING count(*) > 1
ORDER BY intent`,
  ok: 'Every payment intent was charged at most once.',
  describe: (row) => `${row.intent} was charged ${row.charges} times (${row.ids})`,
};

export const ONE_ORDER_PER_INTENT: InvariantSpec = {
  id: 'one-order-per-intent',
  title: 'One order per payment intent',
  sql: `SELECT intent, count(*) AS orders, group_concat(id, ', ' ORDER BY id) AS ids
FROM orders
GROUP BY intent
HAVING count(*) > 1
ORDER BY intent`,
  ok: 'No payment intent has more than one order.',
  describe: (row) => `${row.intent} has ${row.orders} orders (ids ${row.ids})`,
};

export const ONE_ROW_PER_KEY: InvariantSpec = {
  id: 'one-row-per-key',
  title: 'At most one stored row per (client, key)',
  // Both key tables: the correct store's, and the one the check-then-insert family keeps.
  sql: `SELECT scope, idem_key, count(*) AS rows
FROM (SELECT scope, idem_key FROM idempotency_keys UNION ALL SELECT scope, idem_key FROM checked_keys)
GROUP BY scope, idem_key
HAVING count(*) > 1
ORDER BY scope, idem_key`,
  ok: 'Every key of every client has at most one row.',
  describe: (row) => `${row.scope} has ${row.rows} rows for key ${row.idem_key}`,
};

/** How each decision of shared_key_uses reads in a sentence, after the asking client's name. */
const SHARED_USE_WORDS: Readonly<Record<string, string>> = {
  'refused-mismatch': 'was refused because of',
  replayed: 'was sent the answer stored with',
  'refused-in-flight': 'was told to wait for',
  resumed: 'had its request resume the execution of',
};

export const OWN_KEYS: InvariantSpec = {
  id: 'own-keys',
  title: 'A client is never refused or answered because of another client’s key',
  // The store records each request it decided from a key row another client claimed
  // (shared_key_uses, schema.sql): keys are unique per client, so a key of someone else is a
  // different key, however it is spelled.
  sql: `SELECT asker, holder, idem_key, decision, count(*) AS times
FROM shared_key_uses
GROUP BY asker, holder, idem_key, decision
ORDER BY min(id)`,
  ok: 'Every request was decided by its own client’s keys alone.',
  describe: (row) =>
    `${row.asker} ${SHARED_USE_WORDS[String(row.decision)] ?? String(row.decision)} key ${row.idem_key} of ${row.holder}${Number(row.times) > 1 ? ` (${row.times} times)` : ''}`,
};

export const OWN_ANSWERS: InvariantSpec = {
  id: 'own-answers',
  title: 'A client is only ever told about its own orders',
  sql: `SELECT a.client, a.op, a.order_ref, o.scope AS owner
FROM run.answers a JOIN orders o ON a.order_ref = 'ord_' || o.id
WHERE o.scope <> a.client
ORDER BY a.op, a.attempt`,
  ok: 'Every answer named an order of the client who asked.',
  describe: (row) => `${row.client} was told about ${row.order_ref}, an order of ${row.owner}`,
};

export const ANSWERS_MATCH: InvariantSpec = {
  id: 'answers-match',
  title: 'Every answer is about the payment that was asked for',
  sql: `SELECT a.op, a.order_ref, a.intent AS asked_intent, a.amount_cents AS asked,
  o.intent AS paid_intent, o.amount_cents AS paid
FROM run.answers a JOIN orders o ON a.order_ref = 'ord_' || o.id
WHERE o.amount_cents <> a.amount_cents OR o.intent <> a.intent
ORDER BY a.op, a.attempt`,
  ok: 'Every answer described the payment its request asked for.',
  // Both the intent and the amount: an answer about another intent for the same amount must
  // read as wrong too.
  describe: (row) =>
    `request ${row.op} asked to pay ${row.asked} cents for ${row.asked_intent} and was told about ${row.order_ref}: ${row.paid} cents for ${row.paid_intent}`,
};

export const NO_STORED_FAILURE: InvariantSpec = {
  id: 'no-stored-failure',
  title: 'A transient failure is never stored as the final answer',
  sql: `SELECT scope, idem_key, response_status
FROM idempotency_keys
WHERE state = 'COMPLETED' AND response_status >= 500
ORDER BY id`,
  ok: 'No 5xx was stored: a retry after a transient failure can still succeed.',
  describe: (row) =>
    `key ${row.idem_key} of ${row.scope} stores a ${row.response_status} that every retry gets back`,
  // Stripe (API v1) stores 5xx on purpose and says so, and brandur's api.rb stores a provider
  // error as a finished 503; the IETF and Powertools profiles promise this.
  appliesTo: (knobs) => knobs.profile !== 'stripe' && knobs.profile !== 'brandur',
};

export const LEASES_END: InvariantSpec = {
  id: 'leases-end',
  title: 'A key left in progress is locked for one lease, not forever',
  sql: `SELECT k.scope, k.idem_key, k.lease_expires_at - k.last_run_at AS locked_ms, m.lease_ms
FROM idempotency_keys k, run.meta m
WHERE k.state = 'IN_PROGRESS' AND k.lease_expires_at - k.last_run_at > m.lease_ms
ORDER BY k.id`,
  ok: 'Every in-progress key frees itself when its lease runs out.',
  describe: (row) =>
    `key ${row.idem_key} of ${row.scope} is locked for ${duration(row.locked_ms)}; the lease is ${duration(row.lease_ms)}`,
};

export const NO_STALE_WRITES: InvariantSpec = {
  id: 'no-stale-writes',
  title: 'An attempt that lost its key never writes',
  // The schema fills stale_writes: a trigger records each committed key write whose writer's
  // token is below the row's (its owner was taken over), where a fence would have stopped it.
  sql: `SELECT scope, idem_key, writer_token, lease_token, state_before, point_before, state_after, point_after
FROM stale_writes
ORDER BY id`,
  ok: 'Every write to a key came from the attempt holding its lease.',
  describe: (row) =>
    `key ${row.idem_key} of ${row.scope}: the owner with token ${row.writer_token} wrote after token ${row.lease_token} took over (${row.state_before} at ${row.point_before} → ${row.state_after} at ${row.point_after})`,
};

export const EVENTS_RELAYED: InvariantSpec = {
  id: 'events-relayed',
  title: 'Every event written to the outbox reaches the broker',
  sql: `SELECT message_id FROM outbox WHERE published_at IS NULL ORDER BY id`,
  ok: 'Every outbox event was published.',
  describe: (row) => `${row.message_id} is still waiting in the outbox`,
};

export const PUBLISHED_ONCE: InvariantSpec = {
  id: 'published-once',
  title: 'The broker receives each event once',
  sql: `SELECT subject, count(*) AS times FROM run.effects
WHERE name = 'event-published'
GROUP BY subject
HAVING count(*) > 1
ORDER BY subject`,
  ok: 'No event was published twice.',
  describe: (row) => `${row.subject} was published ${row.times} times`,
};

/** The invariants (docs/semantics.md, Invariants) that every HTTP payment story checks. */
export const PAYMENT_INVARIANTS: readonly InvariantSpec[] = [
  ONE_CHARGE_PER_INTENT,
  ONE_ORDER_PER_INTENT,
  ONE_ROW_PER_KEY,
  OWN_KEYS,
  OWN_ANSWERS,
  ANSWERS_MATCH,
  NO_STORED_FAILURE,
  LEASES_END,
  NO_STALE_WRITES,
  EVENTS_RELAYED,
  PUBLISHED_ONCE,
];

/**
 * The outbox's documented limit in every story that runs it: the relay publishes, then marks,
 * so it publishes at least once (docs/semantics.md, Limits of the correct strategies).
 */
export const OUTBOX_AT_LEAST_ONCE: Limit = {
  strategy: 'outbox',
  invariant: 'published-once',
  why: 'The relay publishes an event to the broker, then marks it published. If the server crashes between the two, or the relay stalls there until its next pass, the event is still unmarked and goes out again: an outbox publishes at least once (microservices.io, Transactional outbox). The consumer must dedupe, with an inbox.',
};
