// idempotency-key: the Stripe/IETF-style key store. An atomic claim before any side effect, a
// fingerprint check, a lease with a fencing token, atomic phases with recovery points, a
// provider key derived from the stored row, a stored response replayed on every retry — each
// answered the way the chosen profile (IETF, Stripe, brandur, Powertools) answers. The buggy
// key stores (global-key-scope, no-fingerprint, cache-5xx, …) are this store with one flaw.

import type { ChargeReply, Handler, StepInput, StepOutcome } from '../../sim/handler.ts';
import type { HttpRequest, HttpResponse } from '../../sim/http.ts';
import type { Db } from '../db.ts';
import { claimKey, keyStore, UNKEYED, type KeyStore } from '../key-store/decide.ts';
import { completer, reaper } from '../key-store/jobs.ts';
import { ORDER_FOR_KEY } from '../key-store/sql.ts';
import { storedResponse } from '../key-store/stored-response.ts';
import { chargeCall, insertOrder, markPaid, orderCreated, paymentOf } from '../payments.ts';
import { HOUR_MS } from '../profiles.ts';
import { enqueue, relay, relaySteps, RELAY_PATH } from '../outbox.ts';
import { Fenced, next, respond, stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import { plainPaymentSteps } from './naive.ts';

export const idempotencyKey: Strategy = {
  id: 'idempotency-key',
  title: 'Idempotency-Key store',
  summary:
    'Claims the key atomically before any side effect, stores the first answer and replays it to every retry. A duplicate that arrives mid-flight gets 409.',
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
    reaper(db, HOUR_MS),
    ...(store.profile.completer ? [completer(db)] : []),
    ...(store.outbox ? [relay(db)] : []),
  ];
  const first = (request: HttpRequest) => (request.path === RELAY_PATH ? 'publish' : 'claim-key');
  return stepHandler(
    db,
    store.outbox ? first : 'claim-key',
    {
      'claim-key': (input) => claimKey(store, input),
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
        markPaid(db, Number(input.locals.orderId), reply.chargeId);
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
      ...(store.outbox ? relaySteps(db) : {}),
    },
    { jobs },
  );
}

function orderFor(db: Db, keyId: number): number {
  return Number(db.get(ORDER_FOR_KEY, { $id: keyId })?.id);
}

function fenced(input: StepInput, changed: number): void {
  if (changed === 0)
    throw new Fenced(`key ${input.locals.keyId} was taken over; this execution's token is stale`);
}

/** Moves the key's recovery point forward and renews the lease, or throws Fenced. */
function advance(store: KeyStore, input: StepInput, point: string): void {
  const changed = store.db.run(store.writes.advance, {
    $id: Number(input.locals.keyId),
    $token: Number(input.locals.token),
    $point: point,
    $now: input.now,
    $lease: store.config.leaseMs,
  });
  fenced(input, changed);
}

/** Stores the final answer; from now on every retry gets exactly this. */
function complete(store: KeyStore, input: StepInput, response: HttpResponse): void {
  const changed = store.db.run(store.writes.complete, {
    $id: Number(input.locals.keyId),
    $token: Number(input.locals.token),
    ...storedResponse(response),
    $now: input.now,
  });
  fenced(input, changed);
}

/** The provider failed: what happens to the key is the profile's policy (SEMANTICS.md §1.9). */
function failed(store: KeyStore, input: StepInput, reply: ChargeReply | undefined): StepOutcome {
  const status = reply && !reply.ok ? reply.status : 502;
  const response = store.profile.failed(
    status,
    reply && !reply.ok ? reply.reason : 'no answer from the payment provider',
  );
  const row = {
    $id: Number(input.locals.keyId),
    $token: Number(input.locals.token),
    $now: input.now,
  };
  switch (store.profile.onFailure) {
    case 'unlock':
      fenced(input, store.db.run(store.writes.unlock, row));
      break;
    case 'store':
      complete(store, input, response);
      break;
    case 'delete':
      fenced(input, store.db.run(store.writes.deleteMine, { $id: row.$id, $token: row.$token }));
      break;
  }
  return respond(response);
}
