// idempotency-key: the Stripe/IETF-style key store. An atomic claim before any side effect, a
// fingerprint check, a lease with a fencing token, atomic phases with recovery points, a
// provider key derived from the stored row, a stored response replayed on every retry — each
// answered the way the chosen profile (IETF, Stripe, brandur, Powertools) answers. The buggy
// key stores (global-key-scope, no-fingerprint, cache-5xx, …) are this store with one flaw.
// POST /bookings runs the flight phases (key-store/flight-phases.ts) behind the same claim.

import type { Handler } from '../../sim/handler.ts';
import type { HttpRequest } from '../../sim/http.ts';
import type { Db } from '../db.ts';
import { BOOKINGS_PATH, plainFlightSteps } from '../flights.ts';
import { claimKey, keyStore, UNKEYED, type KeyStore } from '../key-store/decide.ts';
import { FLIGHT_RESUME_AT, flightPhases } from '../key-store/flight-phases.ts';
import { completer, reaper } from '../key-store/jobs.ts';
import { advance, complete, failed } from '../key-store/phases.ts';
import { ORDER_FOR_KEY } from '../key-store/sql.ts';
import { chargeCall, insertOrder, markOrderPaid, orderCreated, paymentOf } from '../payments.ts';
import { HOUR_MS } from '../profiles.ts';
import { enqueue, relay, relaySteps, RELAY_PATH } from '../outbox.ts';
import { next, respond, stepHandler } from '../steps.ts';
import { isUserRoute, keyedUserSteps, plainUserSteps, USER_RESUME_AT } from '../users.ts';
import type { Strategy } from '../strategy.ts';
import { plainPaymentSteps } from './naive.ts';

export const idempotencyKey: Strategy = {
  id: 'idempotency-key',
  title: 'Idempotency-Key store',
  summary:
    'Claims the Idempotency-Key in a single statement before doing any work, stores the first answer and replays it to every retry. A copy that arrives while the first request is still running gets 409.',
  correct: true,
  exposedBy:
    'A client that mints a new key for each retry, or a retry that comes after the key expired.',
  create: (db, config) => keyStoreHandler(keyStore(db, config)),
};

/** A variant's handler: the store with one thing of it changed (a bug of SEMANTICS.md §3, or the outbox). */
export function variantOf(flaw: (store: KeyStore) => KeyStore): Strategy['create'] {
  return (db, config) => keyStoreHandler(flaw(keyStore(db, config)));
}

function keyStoreHandler(store: KeyStore): Handler {
  const { db } = store;
  const jobs = [
    reaper(db, store.config.reaperEveryMs ?? HOUR_MS, store.config.reaperEveryMs !== undefined),
    ...(store.profile.completer ? [completer(db)] : []),
    ...(store.outbox ? [relay(db)] : []),
  ];
  const first = (request: HttpRequest) => (request.path === RELAY_PATH ? 'publish' : 'claim-key');
  return stepHandler(
    db,
    store.outbox ? first : 'claim-key',
    {
      // One claim for both routes; the route decides where an execution starts and resumes.
      'claim-key': (input) =>
        input.request.path === BOOKINGS_PATH
          ? claimKey(store, input, FLIGHT_RESUME_AT)
          : isUserRoute(input.request)
            ? claimKey(store, input, USER_RESUME_AT)
            : claimKey(store, input),
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
        const keyId = Number(input.locals.keyId);
        input.locals.orderId = orderFor(db, keyId);
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
        const response = orderCreated(db, orderFor(db, Number(input.locals.keyId)));
        complete(store, input, response);
        if (store.outbox) {
          const { intent } = paymentOf(input);
          enqueue(db, input.now, `payment.completed:${intent}`, 'payments', response.body);
        }
        return respond(response);
      },
      ...plainPaymentSteps(db, UNKEYED),
      ...flightPhases(store, store.flight),
      ...plainFlightSteps(db, UNKEYED),
      ...keyedUserSteps(store),
      ...plainUserSteps(db, UNKEYED),
      ...(store.outbox ? relaySteps(db) : {}),
    },
    { jobs },
  );
}

function orderFor(db: Db, keyId: number): number {
  return Number(db.get(ORDER_FOR_KEY, { $id: keyId })?.id);
}
