// The strategies Twice offers, by id, and which of them handle the payment API.

import type { Strategy } from '../strategy.ts';
import { cache5xx } from './cache-5xx.ts';
import { checkThenInsert } from './check-then-insert.ts';
import { globalKeyScope } from './global-key-scope.ts';
import { idempotencyKey } from './idempotency-key.ts';
import { keyAfterEffect } from './key-after-effect.ts';
import { leaseNoFence } from './lease-no-fence.ts';
import { naive } from './naive.ts';
import { newKeyPerRetry } from './new-key-per-retry.ts';
import { noFingerprint } from './no-fingerprint.ts';
import { noLeaseExpiry } from './no-lease-expiry.ts';
import { upsert } from './upsert.ts';

/** Strategies for POST /payments, in the order the page lists them: baseline, correct, buggy. */
const PAYMENT_STRATEGIES: readonly Strategy[] = [
  naive,
  idempotencyKey,
  upsert,
  checkThenInsert,
  keyAfterEffect,
  newKeyPerRetry,
  globalKeyScope,
  noFingerprint,
  cache5xx,
  noLeaseExpiry,
  leaseNoFence,
];

export const STRATEGIES: ReadonlyMap<string, Strategy> = new Map(
  PAYMENT_STRATEGIES.map((s) => [s.id, s]),
);

export const PAYMENT_STRATEGY_IDS: readonly string[] = PAYMENT_STRATEGIES.map((s) => s.id);
