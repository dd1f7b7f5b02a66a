// outbox: the Idempotency-Key store whose completed payments also write a
// "payment.completed" event into the outbox, in the same transaction; a relay publishes it at
// least once. Nothing is lost between the commit and the broker — but a relay that dies after
// publishing and before marking publishes again, so downstream must dedupe (pair with an inbox).

import { paymentsRoute } from '../routes/payments.ts';
import type { Strategy } from '../strategy.ts';
import { variantOf } from './idempotency-key.ts';

export const outbox: Strategy = {
  id: 'outbox',
  title: 'Transactional outbox',
  summary:
    'Writes the “payment completed” event to an outbox table in the same transaction as the payment. A separate relay job then publishes it to the broker, at least once.',
  correct: true,
  exposedBy:
    'A relay that crashes after publishing and before marking: the event reaches the broker twice.',
  create: variantOf({ routes: { payments: paymentsRoute({ outbox: true }) } }),
};
