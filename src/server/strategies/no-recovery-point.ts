// no-recovery-point (buggy, flight bookings): the key store without atomic phases. It locks the
// key and stores the final answer, but records no progress in between, so a retry that takes
// over after a crash cannot tell what was done and starts again from the top.

import { bookingsRoute } from '../routes/bookings.ts';
import type { Strategy } from '../strategy.ts';
import { variantOf } from './idempotency-key.ts';

export const noRecoveryPoint: Strategy = {
  id: 'no-recovery-point',
  title: 'Key store without recovery points',
  summary:
    'Claims the key and replays the final answer, but writes down no progress between steps. It keys the charge and the seat by the booking it creates. After a crash, the retry that takes the key over starts from the top: a new booking, new keys, a second charge and a second seat.',
  correct: false,
  exposedBy:
    'A crash after the card was charged, then a retry once the lease is over: the fare is charged again and a second seat is taken.',
  create: variantOf({ routes: { bookings: bookingsRoute({ noRecoveryPoint: true }) } }),
};
