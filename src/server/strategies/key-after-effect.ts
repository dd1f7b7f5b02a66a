// key-after-effect (buggy): pays first and writes the key, with its answer, only in the last
// step. A crash between the charge and that write, or a duplicate meanwhile, pays again.

import { BOOKINGS_PATH, bookingConfirmed, plainBookingSteps } from '../bookings.ts';
import { orderCreated, plainPaymentSteps } from '../payments.ts';
import { plainWhereIdempotent } from '../routes/index.ts';
import { respond, stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import { checkKey, insertKey } from './checked-keys.ts';

export const keyAfterEffect: Strategy = {
  id: 'key-after-effect',
  title: 'Key written after the charge',
  summary:
    'Replays the answer of a key it has seen, but writes the key only once the card is charged. Until then, the key looks new.',
  correct: false,
  exposedBy:
    'A crash after the charge and before the key is written, then a retry; or a duplicate that arrives while the first request is still paying.',
  create(db) {
    const isBooking = (path: string) => path === BOOKINGS_PATH;
    const idempotent = plainWhereIdempotent(db, () => 'check-key');
    return stepHandler(db, idempotent.first, {
      ...idempotent.steps,
      'check-key': (input) =>
        checkKey(db, input, isBooking(input.request.path) ? 'create-booking' : 'create-order'),
      ...plainPaymentSteps(db, '', { then: 'store-key' }),
      ...plainBookingSteps(db, '', { then: 'store-key' }),
      'store-key': (input) => {
        const response = isBooking(input.request.path)
          ? bookingConfirmed(db, Number(input.locals.bookingId))
          : orderCreated(db, Number(input.locals.orderId));
        insertKey(db, input, response);
        return respond(response);
      },
    });
  },
};
