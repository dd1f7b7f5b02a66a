// Every story Twice tells, by id (ids are stable: links and tests use them).

import { keyLifecycle } from './key-lifecycle.ts';
import { paymentLostResponse } from './payment-lost-response.ts';
import { webhookDuplicates } from './webhook-duplicates.ts';
import type { Scenario } from './types.ts';

export const SCENARIOS: ReadonlyMap<string, Scenario> = new Map(
  [paymentLostResponse, keyLifecycle, webhookDuplicates].map((s) => [s.id, s]),
);
