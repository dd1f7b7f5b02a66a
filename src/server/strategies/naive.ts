// naive: executes every request it receives — a payment or a webhook event. Every duplicate
// becomes a second order and charge, or a second invoice and email.

import type { StepInput } from '../../sim/handler.ts';
import type { Db } from '../db.ts';
import { chargeCall, insertOrder, markOrderPaid, orderCreated, paymentOf } from '../payments.ts';
import { BOOKINGS_PATH, plainFlightSteps } from '../flights.ts';
import { problem } from '../responses.ts';
import { next, respond, stepHandler, type Step } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import { ACCOUNT_EVENTS_PATH } from '../projection.ts';
import { QUEUE_PATH } from '../queue-consumer.ts';
import { applyEvent, received, WEBHOOK_PATH } from '../webhooks.ts';
import { isUserRoute, plainUserSteps, WRITE_USER } from '../users.ts';
import type { HttpRequest } from '../../sim/http.ts';

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

export const naive: Strategy = {
  id: 'naive',
  title: 'Naive handler',
  summary:
    'Does the work for every request or message it receives, every time: a new order and charge, user, booking, invoice or shipment. It never looks at keys or event ids.',
  correct: false,
  exposedBy: 'Any duplicate: a retry after a lost response, a double-click, a redelivered event.',
  create(db) {
    const first = (request: HttpRequest) =>
      request.path === WEBHOOK_PATH ||
      request.path === ACCOUNT_EVENTS_PATH ||
      request.path === QUEUE_PATH
        ? 'apply-event'
        : isUserRoute(request)
          ? WRITE_USER
          : request.path === BOOKINGS_PATH
            ? 'create-booking'
            : 'create-order';
    return stepHandler(db, first, {
      ...plainPaymentSteps(db),
      ...plainFlightSteps(db),
      ...plainUserSteps(db),
      'apply-event': (input, effect) => {
        applyEvent(db, input, effect);
        return respond(received(false));
      },
    });
  },
};
