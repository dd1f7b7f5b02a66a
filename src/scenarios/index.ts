// Every story Twice tells, by id (ids are stable: links and tests use them).

import { apiStudioCreateUser } from './api-studio-create-user.ts';
import { autoIncrementDedupeStory } from './auto-increment-dedupe.ts';
import { doubleClickCheckout } from './double-click-checkout.ts';
import { eventSourcingProjection } from './event-sourcing-projection.ts';
import { exactlyOnceMyth } from './exactly-once-myth.ts';
import { flightBooking } from './flight-booking.ts';
import { keyLifecycle } from './key-lifecycle.ts';
import { keyRetention } from './key-retention.ts';
import { paymentLostResponse } from './payment-lost-response.ts';
import { putVsPost } from './put-vs-post.ts';
import { queueRedelivery } from './queue-redelivery.ts';
import { retryAmplification } from './retry-amplification.ts';
import { webhookDuplicates } from './webhook-duplicates.ts';
import type { Scenario } from './types.ts';

// In the order the gallery shows them: one line each.
// prettier-ignore
const ORDER: readonly Scenario[] = [
  paymentLostResponse,
  doubleClickCheckout,
  putVsPost,
  webhookDuplicates,
  queueRedelivery,
  eventSourcingProjection,
  flightBooking,
  apiStudioCreateUser,
  exactlyOnceMyth,
  retryAmplification,
  autoIncrementDedupeStory,
  keyRetention,
  keyLifecycle,
];

export const SCENARIOS: ReadonlyMap<string, Scenario> = new Map(ORDER.map((s) => [s.id, s]));
