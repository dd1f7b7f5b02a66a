// no-airline-key (buggy, flight bookings): the correct key store, except that it passes no
// idempotency key to the airline. A seat request whose answer was lost is sent again as new.

import { bookingsRoute } from '../routes/bookings.ts';
import type { Strategy } from '../strategy.ts';
import { variantOf } from './idempotency-key.ts';

export const noAirlineKey: Strategy = {
  id: 'no-airline-key',
  title: 'No key for the airline',
  summary:
    'The Idempotency-Key store with recovery points, and a key on every charge, but none on the seat request. When the airline’s answer is lost, the retry resumes at the seat step and asks the airline for a seat again.',
  correct: false,
  exposedBy:
    'A lost answer from the airline (an unknown outcome), then a retry: the airline books a second seat.',
  create: variantOf({ routes: { bookings: bookingsRoute({ noAirlineKey: true }) } }),
};
