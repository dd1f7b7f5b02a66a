// The consumer side of POST /webhooks, shared by every consumer strategy: read the event, do its
// work in one transaction (invoice the payment, reserve its stock, queue the receipt email),
// and acknowledge with 200 — a webhook sender redelivers anything it did not see acknowledged.

import type { StepInput } from '../sim/handler.ts';
import type { HttpResponse } from '../sim/http.ts';
import type { Db } from './db.ts';
import { json } from './responses.ts';
import type { Effect } from './steps.ts';

/** Standard Webhooks' header: the same on every redelivery of one event. */
export const WEBHOOK_ID = 'Webhook-Id';
export const WEBHOOK_PATH = '/webhooks';
/** The consumer's name in the inbox (one inbox may serve several consumers). */
export const CONSUMER = 'billing';

const INSERT_INVOICE = `INSERT INTO invoices (intent, event_id, amount_cents, created_at)
VALUES ($intent, $event, $amount, $now)`;
const INSERT_RESERVATION = `INSERT INTO stock_reservations (intent, created_at) VALUES ($intent, $now)`;

export interface WebhookEvent {
  readonly id: string;
  readonly intent: string;
  readonly amountCents: number;
  /** The sender's sequence number: order of creation, not of arrival. */
  readonly sequence: number;
}

export function eventOf(input: StepInput): WebhookEvent {
  const { body, headers } = input.request;
  return {
    id: headers[WEBHOOK_ID] ?? String(body.event),
    intent: String(body.intent),
    amountCents: Number(body.amount_cents),
    sequence: Number(body.sequence),
  };
}

/** The event's work: every row and effect of it commits together, or none does. */
export function applyEvent(db: Db, input: StepInput, effect: Effect): void {
  const event = eventOf(input);
  const row = { $intent: event.intent, $now: input.now };
  db.run(INSERT_INVOICE, { ...row, $event: event.id, $amount: event.amountCents });
  db.run(INSERT_RESERVATION, row);
  effect('invoice-created', event.intent);
  effect('stock-reserved', event.intent);
  // Queued in the same transaction; counted as sent when it commits.
  effect('email-sent', event.intent);
}

/** 200: received. A duplicate is acknowledged too, or the sender would keep redelivering it. */
export function received(duplicate: boolean): HttpResponse {
  return json(200, duplicate ? { received: true, duplicate: true } : { received: true });
}
