// The business side of POST /payments, shared by every strategy: create an order, charge the
// card at the provider, record the charge, answer with the order; and those steps with no key.

import type { ForeignCall, StepInput } from '../sim/handler.ts';
import type { HttpResponse } from '../sim/http.ts';
import type { Db } from './db.ts';
import { json, problem } from './responses.ts';
import { next, respond, type Step } from './steps.ts';

export const PAYMENTS_PATH = '/payments';

const INSERT_ORDER = `INSERT INTO orders (scope, intent, idempotency_key_id, amount_cents, status, created_at)
VALUES ($scope, $intent, $key_id, $amount, 'pending', $now) RETURNING id`;
const MARK_PAID = `UPDATE orders SET status = 'paid', psp_charge_id = $charge WHERE id = $id`;
const ORDER_BY_ID = `SELECT id, intent, amount_cents, status, psp_charge_id FROM orders WHERE id = $id`;
const ORDER_FOR_KEY = `SELECT id FROM orders WHERE idempotency_key_id = $id`;

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

/** The order a key row created, for an execution that resumes it. */
export function orderForKey(db: Db, keyId: number): number {
  return Number(db.get(ORDER_FOR_KEY, { $id: keyId })?.id);
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
  return json(status, body, { Location: `${PAYMENTS_PATH}/ord_${orderId}` });
}

/** How a strategy that wraps the plain payment bends it. */
export interface PaymentHooks {
  /** The provider's idempotency key for the charge, for a strategy that derives one. */
  readonly providerKey?: (input: StepInput) => string;
  /** The step a recorded charge leads to; without one, recording the charge answers 201. */
  readonly then?: string;
  /** Runs inside the step that learns the charge failed, before the error answer. */
  readonly onFailure?: (input: StepInput) => void;
}

/**
 * The payment without any idempotency: order, charge, record. Step names carry `prefix`, so a
 * key store can run these same steps for a request it accepts without a key.
 */
export function plainPaymentSteps(
  db: Db,
  prefix = '',
  hooks: PaymentHooks = {},
): Record<string, Step> {
  return {
    [`${prefix}create-order`]: (input, effect) => {
      input.locals.orderId = insertOrder(db, input, null);
      effect('order-created', paymentOf(input).intent);
      return next(`${prefix}charge-card`);
    },
    [`${prefix}charge-card`]: (input) => ({
      kind: 'call',
      call: chargeCall(paymentOf(input), hooks.providerKey?.(input)),
      step: `${prefix}record-charge`,
    }),
    [`${prefix}record-charge`]: (input) => {
      const { reply } = input;
      if (!reply?.ok) {
        hooks.onFailure?.(input);
        const status = reply?.status ?? 502;
        return respond(
          problem(status, 'The payment could not be completed', reply?.reason ?? 'no answer'),
        );
      }
      const orderId = Number(input.locals.orderId);
      markOrderPaid(db, orderId, reply.reference);
      return hooks.then ? next(hooks.then) : respond(orderCreated(db, orderId));
    },
  };
}
