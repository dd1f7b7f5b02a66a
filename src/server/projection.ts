// The consumer side of an event-sourced account: events (PaymentReceived, Refund) are folded into
// each account's balance, a projection. The webhook consumers fold them through applyEvent.

import type { StepInput } from '../sim/handler.ts';
import type { HttpResponse } from '../sim/http.ts';
import type { Db } from './db.ts';
import { json, problem } from './responses.ts';
import type { Effect } from './steps.ts';

/** Where the event stream delivers account events. */
export const ACCOUNT_EVENTS_PATH = '/events';

export const ACCOUNT_EVENT_TYPES = ['PaymentReceived', 'Refund'] as const;

export interface AccountEvent {
  readonly id: string;
  readonly account: string;
  readonly type: (typeof ACCOUNT_EVENT_TYPES)[number];
  /** Always positive: the type says which way it moves the balance. */
  readonly amountCents: number;
  /** The account's version after this event: 1, 2, 3, … per account, with no gaps. */
  readonly version: number;
}

function accountEventOf(input: StepInput): AccountEvent {
  const { body } = input.request;
  return {
    id: String(body.event),
    account: String(body.account),
    type: body.type === 'Refund' ? 'Refund' : 'PaymentReceived',
    amountCents: Number(body.amount_cents),
    version: Number(body.version),
  };
}

const VERSION = `SELECT version FROM account_balances WHERE account = $account`;
/**
 * Folds one event in. The version and latest event are simply overwritten: without a check,
 * whichever event arrives last decides them, and a late old event moves them back.
 */
const FOLD = `INSERT INTO account_balances (account, balance_cents, version, last_event)
VALUES ($account, $delta, $version, $event)
ON CONFLICT (account) DO UPDATE SET balance_cents = balance_cents + excluded.balance_cents,
  version = excluded.version, last_event = excluded.last_event`;
const ENTRY = `INSERT INTO account_entries (account, event_id, version, amount_cents, applied_at)
VALUES ($account, $event, $version, $delta, $now)`;

/**
 * Folds the event into its account's balance, in the step's transaction. With `versioned`, the
 * strict version check of an event-sourced projection: only version = current + 1 is applied.
 * A balance is a sum of changes, so "any newer version" would skip the change it missed; an
 * older or equal version is already in (a duplicate), and one further ahead is refused with a
 * 409, so the sender delivers it again once the gap is filled. Returns that answer, or nothing
 * when the event was folded in.
 */
export function foldAccountEvent(
  db: Db,
  input: StepInput,
  effect: Effect,
  versioned: boolean,
): HttpResponse | undefined {
  const event = accountEventOf(input);
  if (versioned) {
    const current = Number(db.get(VERSION, { $account: event.account })?.version ?? 0);
    if (event.version <= current)
      return json(200, { received: true, duplicate: true, version: current });
    if (event.version > current + 1)
      return problem(
        409,
        'An earlier event is missing',
        `${event.account} is at version ${current}; version ${event.version} waits for version ${current + 1}.`,
      );
  }
  const delta = event.type === 'Refund' ? -event.amountCents : event.amountCents;
  const row = { $account: event.account, $event: event.id, $version: event.version, $delta: delta };
  db.run(FOLD, row);
  db.run(ENTRY, { ...row, $now: input.now });
  effect('event-applied', `${event.account} v${event.version}`);
  return undefined;
}
