// naive: executes every request it receives. Every duplicate becomes a second order and charge.

import { chargeCall, insertOrder, markPaid, orderCreated, paymentOf } from '../payments.ts';
import { next, respond, stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';

export const naive: Strategy = {
  id: 'naive',
  title: 'Naive handler',
  summary:
    'Creates an order and charges the card for every request it receives. It never looks at the Idempotency-Key.',
  correct: false,
  exposedBy: 'Any duplicate: a retry after a lost response, a double-click, a duplicated delivery.',
  create(db) {
    return stepHandler(db, 'create-order', {
      'create-order': (input, effect) => {
        input.locals.orderId = insertOrder(db, input, null);
        effect('order-created', paymentOf(input).intent);
        return next('charge-card');
      },
      'charge-card': (input) => ({
        kind: 'call',
        call: chargeCall(paymentOf(input)),
        step: 'record-charge',
      }),
      'record-charge': (input) => {
        const orderId = Number(input.locals.orderId);
        markPaid(db, orderId, String(input.reply?.chargeId));
        return respond(orderCreated(db, orderId));
      },
    });
  },
};
