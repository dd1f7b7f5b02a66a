// POST /payments as a key-store route: order, charge, finish. Each phase commits with its
// recovery point, and the charge carries a provider key derived from the key row.

import { advance, complete, failed, raiseIfAsked } from '../key-store/phases.ts';
import type { KeyStore } from '../key-store/store.ts';
import { enqueue, relay, relaySteps, RELAY_PATH } from '../outbox.ts';
import {
  chargeCall,
  insertOrder,
  markOrderPaid,
  orderCreated,
  orderForKey,
  paymentOf,
  PAYMENTS_PATH,
  plainPaymentSteps,
} from '../payments.ts';
import { next, respond, type Step } from '../steps.ts';
import type { Background, Route } from './route.ts';

/** What a variant of the payments route adds: the transactional outbox. */
export interface PaymentsOptions {
  /** A completed payment also enqueues its event in the outbox, in the same transaction. */
  readonly outbox?: boolean;
}

/** The outbox's relay: it publishes each enqueued event, then marks it (outbox.ts). */
const RELAY: Background = { path: RELAY_PATH, firstStep: 'publish', job: relay, steps: relaySteps };

export function paymentsRoute(options: PaymentsOptions = {}): Route {
  return {
    serves: (request) => request.path === PAYMENTS_PATH,
    resumeAt: { started: 'create-order', order_created: 'charge-card', charge_created: 'finish' },
    phases: (store) => paymentPhases(store, options),
    plain: (db, prefix) => plainPaymentSteps(db, prefix),
    ...(options.outbox ? { background: RELAY } : {}),
  };
}

function paymentPhases(store: KeyStore, options: PaymentsOptions): Record<string, Step> {
  const { db } = store;
  return {
    'create-order': (input, effect) => {
      // Fence first: a stale owner must meet its lost lease (409), not the new owner's order.
      advance(store, input, 'order_created');
      const orderId = insertOrder(db, input, Number(input.locals.keyId));
      effect('order-created', paymentOf(input).intent);
      input.locals.orderId = orderId;
      return next('charge-card');
    },
    'charge-card': (input) => {
      // Renew the lease first: a stale owner is fenced out here, before it calls the provider.
      advance(store, input, 'order_created');
      // brandur raises its test error in this phase, before the charge (api.rb `raise_error`).
      raiseIfAsked(input);
      const keyId = Number(input.locals.keyId);
      input.locals.orderId = orderForKey(db, keyId);
      return {
        kind: 'call',
        call: chargeCall(paymentOf(input), `ik-${keyId}`),
        step: 'record-charge',
      };
    },
    'record-charge': (input) => {
      const reply = input.reply;
      if (!reply?.ok) return failed(store, input, reply);
      markOrderPaid(db, Number(input.locals.orderId), reply.reference);
      advance(store, input, 'charge_created');
      return next('finish');
    },
    finish: (input) => {
      const response = orderCreated(db, orderForKey(db, Number(input.locals.keyId)));
      complete(store, input, response);
      if (options.outbox) {
        const { intent } = paymentOf(input);
        enqueue(db, input.now, `payment.completed:${intent}`, 'payments', response.body);
      }
      return respond(response);
    },
  };
}
