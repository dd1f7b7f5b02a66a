// upsert: the natural key (client, payment intent) is claimed with INSERT … ON CONFLICT DO
// NOTHING before anything happens; a repeat finds the order instead of making another.

import type { StepInput } from '../../sim/handler.ts';
import type { Db } from '../db.ts';
import { orderResponse, paymentOf, plainPaymentSteps } from '../payments.ts';
import { problem } from '../responses.ts';
import { plainWhereIdempotent } from '../routes/index.ts';
import { next, respond, stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import type { HttpRequest } from '../../sim/http.ts';
import { isUserRoute, naturalKeyUserSteps, WRITE_USER } from '../users.ts';

const CLAIM = `INSERT INTO intent_orders (scope, intent, created_at) VALUES ($scope, $intent, $now)
ON CONFLICT (scope, intent) DO NOTHING RETURNING intent`;
const LINK = `UPDATE intent_orders SET order_id = $order WHERE scope = $scope AND intent = $intent`;
const EXISTING = `SELECT o.id, o.amount_cents, o.status, i.charge_failed
FROM intent_orders i JOIN orders o ON o.id = i.order_id
WHERE i.scope = $scope AND i.intent = $intent`;
const CHARGE_FAILED = `UPDATE intent_orders SET charge_failed = 1 WHERE order_id = $order`;
// Compare-and-set: of several repeats after a failed charge, exactly one charges again.
const RETRY_CHARGE = `UPDATE intent_orders SET charge_failed = 0
WHERE scope = $scope AND intent = $intent AND charge_failed = 1`;

function intentOf(input: StepInput) {
  return { $scope: input.request.client, $intent: paymentOf(input).intent };
}

export const upsert: Strategy = {
  id: 'upsert',
  title: 'Natural key (upsert)',
  summary:
    'Uses a natural key instead of an Idempotency-Key: one order per payment intent, one user per email, enforced by a unique constraint in the database. A repeat finds the existing row and gets it back with 200 instead of doing the work again.',
  correct: true,
  exposedBy:
    'A side effect made before the insert is not protected, and nothing stores the first answer: a retry gets 200 with the order, not the original 201. With no lease, a crash mid-payment leaves the order pending and every repeat gets 409.',
  create(db) {
    const plain = plainPaymentSteps(db, '', {
      // The provider key comes from the order, so a charge repeated after an unknown outcome is
      // recognised by the provider.
      providerKey: (input) => `order-${input.locals.orderId}`,
      onFailure: (input) => db.run(CHARGE_FAILED, { $order: Number(input.locals.orderId) }),
    });
    // A sign-up has a natural key too: one user per (client, email). A read or a delete needs none.
    const idempotent = plainWhereIdempotent(db, (request: HttpRequest) =>
      isUserRoute(request) ? WRITE_USER : 'create-order',
    );
    return stepHandler(db, idempotent.first, {
      ...idempotent.steps,
      ...plain,
      ...naturalKeyUserSteps(db),
      'create-order': (input, effect) => {
        if (!db.get(CLAIM, { ...intentOf(input), $now: input.now })) return repeat(db, input);
        const outcome = plain['create-order']!(input, effect);
        db.run(LINK, { ...intentOf(input), $order: Number(input.locals.orderId) });
        return outcome;
      },
    });
  },
};

/** Another request already claimed this intent: answer with its order, or take over a failed charge. */
function repeat(db: Db, input: StepInput) {
  const order = db.get(EXISTING, intentOf(input));
  if (!order) throw new Error(`intent ${paymentOf(input).intent} is claimed but has no order`);
  if (Number(order.amount_cents) !== paymentOf(input).amountCents)
    return respond(
      problem(
        422,
        'This payment intent was already used',
        'The intent exists with another amount; a new payment needs a new intent.',
      ),
    );
  if (order.status === 'paid') return respond(orderResponse(db, Number(order.id), 200));
  if (db.run(RETRY_CHARGE, intentOf(input)) === 1) {
    input.locals.orderId = Number(order.id);
    return next('charge-card');
  }
  return respond(
    problem(
      409,
      'This payment is in progress',
      'Another request is paying this intent; retry later.',
    ),
  );
}
