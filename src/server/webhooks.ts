// The consumer side of POST /webhooks, shared by every consumer strategy: read the event, do its
// work in one transaction (invoice the payment, reserve its stock, queue the receipt email),
// and acknowledge with 200 — a webhook sender redelivers anything it did not see acknowledged.

import type { StepInput } from '../sim/handler.ts';
import type { HttpResponse } from '../sim/http.ts';
import type { Db } from './db.ts';
import { ACCOUNT_EVENTS_PATH, foldAccountEvent } from './projection.ts';
import { QUEUE_PATH, shipOrder } from './queue-consumer.ts';
import { json } from './responses.ts';
import type { Effect } from './steps.ts';

/**
 * Standard Webhooks' `webhook-id` header, spelt as the spec spells it: the same on every
 * redelivery of one event. (The spec's `webhook-timestamp` and `webhook-signature` are fresh on
 * every attempt; the simulated sender sends the same headers each time, so it sends neither.)
 */
export const WEBHOOK_ID = 'webhook-id';
export const WEBHOOK_PATH = '/webhooks';
/** The consumer's name in the inbox (one inbox may serve several consumers). */
export const CONSUMER = 'billing';

const INSERT_INVOICE = `INSERT INTO invoices (intent, event_id, amount_cents, created_at)
VALUES ($intent, $event, $amount, $now)`;
const INSERT_RESERVATION = `INSERT INTO stock_reservations (intent, created_at) VALUES ($intent, $now)`;
/** The projection, overwritten by whatever arrives last: arrival order decides. */
const PROJECT_BLINDLY = `INSERT INTO payment_status (intent, status, version) VALUES ($intent, $status, $version)
ON CONFLICT (intent) DO UPDATE SET status = excluded.status, version = excluded.version`;
/** The projection, moved only by a newer version: the version decides, not arrival order. */
const PROJECT_IF_NEWER = `${PROJECT_BLINDLY} WHERE excluded.version > payment_status.version`;

export interface WebhookEvent {
  readonly id: string;
  readonly type: string;
  readonly intent: string;
  readonly amountCents: number;
  /** The sender's sequence number: order of creation, not of arrival. */
  readonly sequence: number;
  /** The payment's status as of this event, and that status's version for the payment. */
  readonly status: string;
  readonly version: number;
  /** Only a completed payment is invoiced; every event updates the payment's status. */
  readonly completed: boolean;
}

export function eventOf(input: StepInput): WebhookEvent {
  const { body, headers } = input.request;
  return {
    id: headers[WEBHOOK_ID] ?? String(body.event),
    type: String(body.type),
    intent: String(body.intent),
    amountCents: Number(body.amount_cents),
    sequence: Number(body.sequence),
    status: String(body.status),
    version: Number(body.version),
    completed: body.type === 'payment.completed',
  };
}

/**
 * The change an event reports, whatever its id: the changed object's id plus the event type.
 * Stripe sometimes sends two separate events for one change and advises deduping them on
 * `data.object.id` with `event.type`.
 */
export const businessKey = (event: WebhookEvent): string => `${event.intent}:${event.type}`;

/**
 * The event's work: every row and effect of it commits together, or none does. `versioned`
 * guards the projection with the event's version (the version-check strategy). Returns an answer
 * of its own when the version check left the event out; nothing when the work was done.
 */
export function applyEvent(
  db: Db,
  input: StepInput,
  effect: Effect,
  versioned = false,
): HttpResponse | undefined {
  // Account events feed the event-sourcing story's balance instead; a version check there may
  // answer for the event (a duplicate, or one that must wait for an earlier version).
  if (input.request.path === ACCOUNT_EVENTS_PATH)
    return foldAccountEvent(db, input, effect, versioned);
  // A queue message ships an order instead (queue-redelivery); a version check has no part in it.
  if (input.request.path === QUEUE_PATH) {
    shipOrder(db, input, effect);
    return undefined;
  }
  const event = eventOf(input);
  const projection = { $intent: event.intent, $status: event.status, $version: event.version };
  db.run(versioned ? PROJECT_IF_NEWER : PROJECT_BLINDLY, projection);
  if (!event.completed) return undefined;
  const row = { $intent: event.intent, $now: input.now };
  db.run(INSERT_INVOICE, { ...row, $event: event.id, $amount: event.amountCents });
  db.run(INSERT_RESERVATION, row);
  effect('invoice-created', event.intent);
  effect('stock-reserved', event.intent);
  // Queued in the same transaction; counted as sent when it commits.
  effect('email-sent', event.intent);
  return undefined;
}

/** 200: received. A duplicate is acknowledged too, or the sender would keep redelivering it. */
export function received(duplicate: boolean): HttpResponse {
  return json(200, duplicate ? { received: true, duplicate: true } : { received: true });
}
