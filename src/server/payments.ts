// The business side of POST /payments, shared by every strategy: create an order, charge the
// card at the provider, record the charge, answer with the order.

import type { ForeignCall, StepInput } from '../sim/handler.ts';
import type { HttpResponse } from '../sim/http.ts';
import type { Db } from './db.ts';
import { json } from './responses.ts';

const INSERT_ORDER = `INSERT INTO orders (scope, intent, idempotency_key_id, amount_cents, status, created_at)
VALUES ($scope, $intent, $key_id, $amount, 'pending', $now) RETURNING id`;
const MARK_PAID = `UPDATE orders SET status = 'paid', psp_charge_id = $charge WHERE id = $id`;
const ORDER_BY_ID = `SELECT id, intent, amount_cents, status, psp_charge_id FROM orders WHERE id = $id`;

export interface Payment {
  readonly intent: string;
  readonly amountCents: number;
}

/** Reads the payment a request asks for. */
export function paymentOf(input: StepInput): Payment {
  const { intent, amount_cents } = input.request.body;
  return { intent: String(intent), amountCents: Number(amount_cents) };
}

export function insertOrder(db: Db, input: StepInput, keyId: number | null): number {
  const { intent, amountCents } = paymentOf(input);
  const row = db.get(INSERT_ORDER, {
    $scope: input.request.client,
    $intent: intent,
    $key_id: keyId,
    $amount: amountCents,
    $now: input.now,
  });
  return Number(row?.id);
}

/** The provider call; `key` is the provider-side idempotency key, when the strategy has one. */
export function chargeCall(payment: Payment, key?: string): ForeignCall {
  return {
    system: 'psp',
    intent: payment.intent,
    amountCents: payment.amountCents,
    ...(key ? { key } : {}),
  };
}

export function markOrderPaid(db: Db, orderId: number, reference: string): void {
  db.run(MARK_PAID, { $id: orderId, $charge: reference });
}

/** 201 Created with the order, as both first answers and replays carry it. */
export function orderCreated(db: Db, orderId: number): HttpResponse {
  return orderResponse(db, orderId, 201);
}

/** The order as an answer; 200 when a repeat finds an order that already exists. */
export function orderResponse(db: Db, orderId: number, status: 200 | 201): HttpResponse {
  const order = db.get(ORDER_BY_ID, { $id: orderId });
  const body = {
    order: `ord_${orderId}`,
    intent: order?.intent,
    amount_cents: order?.amount_cents,
    status: order?.status,
    charge: order?.psp_charge_id,
  };
  return json(status, body, { Location: `/payments/ord_${orderId}` });
}
