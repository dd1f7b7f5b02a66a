// The strategies Twice offers, by id: which handle the payment API, which consume webhooks.

import type { Strategy } from '../strategy.ts';
import { cache5xx } from './cache-5xx.ts';
import { checkThenInsert } from './check-then-insert.ts';
import { globalKeyScope } from './global-key-scope.ts';
import { idempotencyKey } from './idempotency-key.ts';
import { keyAfterEffect } from './key-after-effect.ts';
import { leaseNoFence } from './lease-no-fence.ts';
import { naive } from './naive.ts';
import { newKeyPerRetry } from './new-key-per-retry.ts';
import { noAirlineKey } from './no-airline-key.ts';
import { noFingerprint } from './no-fingerprint.ts';
import { noLeaseExpiry } from './no-lease-expiry.ts';
import { noRecoveryPoint } from './no-recovery-point.ts';
import { outbox } from './outbox.ts';
import { ackBeforeProcess } from './ack-before-process.ts';
import { autoIncrementDedupe } from './auto-increment-dedupe.ts';
import { inbox } from './inbox.ts';
import { inboxBusinessKey } from './inbox-business-key.ts';
import { memoryDedupe } from './memory-dedupe.ts';
import { shortDedupeWindow } from './short-dedupe-window.ts';
import { versionCheck } from './version-check.ts';
import { upsert } from './upsert.ts';

/** Strategies for POST /payments, in the order the page lists them: baseline, correct, buggy. */
const PAYMENT_STRATEGIES: readonly Strategy[] = [
  naive,
  idempotencyKey,
  upsert,
  outbox,
  checkThenInsert,
  keyAfterEffect,
  newKeyPerRetry,
  globalKeyScope,
  noFingerprint,
  cache5xx,
  noLeaseExpiry,
  leaseNoFence,
];

/** Strategies for POST /webhooks (naive serves both): baseline, correct, buggy. */
const WEBHOOK_STRATEGIES: readonly Strategy[] = [
  naive,
  inbox,
  versionCheck,
  memoryDedupe,
  shortDedupeWindow,
  ackBeforeProcess,
  autoIncrementDedupe,
];

/**
 * Webhook consumers only the stories where one change can arrive as two events list: kept out of
 * WEBHOOK_STRATEGIES so other consumer stories choose for themselves whether to show them.
 */
const BUSINESS_KEY_STRATEGIES: readonly Strategy[] = [inboxBusinessKey];

/** Strategies for POST /bookings (a charge and a seat): baseline, correct, buggy. */
const FLIGHT_STRATEGIES: readonly Strategy[] = [
  naive,
  idempotencyKey,
  noRecoveryPoint,
  noAirlineKey,
  keyAfterEffect,
  newKeyPerRetry,
];

export const STRATEGIES: ReadonlyMap<string, Strategy> = new Map(
  [
    ...PAYMENT_STRATEGIES,
    ...WEBHOOK_STRATEGIES,
    ...BUSINESS_KEY_STRATEGIES,
    ...FLIGHT_STRATEGIES,
  ].map((s) => [s.id, s]),
);

export const PAYMENT_STRATEGY_IDS: readonly string[] = PAYMENT_STRATEGIES.map((s) => s.id);

export const WEBHOOK_STRATEGY_IDS: readonly string[] = WEBHOOK_STRATEGIES.map((s) => s.id);

export const FLIGHT_STRATEGY_IDS: readonly string[] = FLIGHT_STRATEGIES.map((s) => s.id);
