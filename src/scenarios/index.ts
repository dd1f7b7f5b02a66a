// Every story Twice tells, by id (ids are stable: links and tests use them).

import { keyLifecycle } from './key-lifecycle.ts';
import { paymentLostResponse } from './payment-lost-response.ts';
import { webhookDuplicates } from './webhook-duplicates.ts';
import type { Scenario } from './types.ts';

// In the order the gallery shows them: one line each.
// prettier-ignore
const ORDER: readonly Scenario[] = [
  paymentLostResponse,
  webhookDuplicates,
  keyLifecycle,
];

export const SCENARIOS: ReadonlyMap<string, Scenario> = new Map(ORDER.map((s) => [s.id, s]));
