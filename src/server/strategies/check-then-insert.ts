// check-then-insert (buggy): SELECT the key in one transaction, INSERT it in the next, on a table
// without a unique constraint. Two requests that both look before either writes both run.

import { orderCreated, plainPaymentSteps } from '../payments.ts';
import { plainWhereIdempotent } from '../routes/index.ts';
import { next, respond, stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import { checkKey, forgetKey, insertKey, storeAnswer } from './checked-keys.ts';

export const checkThenInsert: Strategy = {
  id: 'check-then-insert',
  title: 'Check, then insert',
  summary:
    'Looks the key up and, if it is new, writes it in a second transaction before paying. Between the look-up and the write, a duplicate sees nothing either.',
  correct: false,
  exposedBy:
    'Two requests with the same key at the same moment (a double-click, a duplicated delivery): both pass the check and both charge the card.',
  create(db) {
    const idempotent = plainWhereIdempotent(db, () => 'check-key');
    return stepHandler(db, idempotent.first, {
      ...idempotent.steps,
      'check-key': (input) => checkKey(db, input, 'insert-key'),
      'insert-key': (input) => {
        input.locals.keyId = insertKey(db, input, null);
        return next('create-order');
      },
      ...plainPaymentSteps(db, '', {
        then: 'store-response',
        // Like the libraries it models, it keeps only answers that succeeded: a failed charge
        // frees the key, so the client's retry runs again.
        onFailure: (input) => forgetKey(db, Number(input.locals.keyId)),
      }),
      'store-response': (input) => {
        const response = orderCreated(db, Number(input.locals.orderId));
        storeAnswer(db, Number(input.locals.keyId), response);
        return respond(response);
      },
    });
  },
};
