// Where the explorer settles each strategy: the story (and knobs) in which, with at most 2 faults, a buggy one breaks and a correct one holds.

import type { ExposedIn } from './types.ts';

/**
 * By strategy id. Knobs turn on the fault kind that matters (the explorer models a fault only
 * where its ratio is above 0) or pick a story's case; timing knobs line events up so that an
 * ordering, not a lucky latency, decides a race.
 */
export const EXPOSED_IN: Readonly<Record<string, ExposedIn>> = {
  naive: { scenario: 'payment-lost-response' },
  'idempotency-key': { scenario: 'payment-lost-response' },
  upsert: { scenario: 'payment-lost-response' },
  outbox: { scenario: 'payment-lost-response' },
  // Click 2 arrives the very ms click 1 writes its key: whichever goes first decides.
  'check-then-insert': {
    scenario: 'double-click-checkout',
    knobs: { clickGapMs: 10, latencyMs: 5, latencySpreadMs: 0, stepMs: 10 },
  },
  'key-after-effect': { scenario: 'payment-lost-response' },
  'new-key-per-retry': { scenario: 'payment-lost-response' },
  // Another customer sends the same key: the IETF store refuses it (422) for a key that is not
  // its own, where the correct store, its keys per client, pays it (own-keys).
  'global-key-scope': { scenario: 'key-lifecycle', knobs: { case: 'shared-key' } },
  'no-fingerprint': { scenario: 'key-lifecycle', knobs: { case: 'mismatch' } },
  'cache-5xx': { scenario: 'key-lifecycle', knobs: { case: 'provider-recovers' } },
  'no-lease-expiry': { scenario: 'key-lifecycle', knobs: { case: 'crash-then-retry', crash: 0.1 } },
  // The story pins a pause, so the explorer models a pause past the lease after every step.
  'lease-no-fence': { scenario: 'key-lifecycle', knobs: { case: 'lease-expired-takeover' } },
  'no-recovery-point': { scenario: 'flight-booking', knobs: { crash: 0.1 } },
  'no-airline-key': { scenario: 'flight-booking', knobs: { airlineLostReply: 0.1 } },
  inbox: { scenario: 'webhook-duplicates', knobs: { responseLoss: 0.1, crash: 0.1 } },
  'inbox-business-key': {
    scenario: 'webhook-duplicates',
    knobs: { responseLoss: 0.1, crash: 0.1 },
  },
  'version-check': { scenario: 'webhook-duplicates', knobs: { responseLoss: 0.1, crash: 0.1 } },
  'memory-dedupe': { scenario: 'webhook-duplicates', knobs: { crash: 0.1 } },
  // A retry 6 minutes later: after the 5-minute window.
  'short-dedupe-window': {
    scenario: 'webhook-duplicates',
    knobs: { responseLoss: 0.1, backoffMs: 360_000 },
  },
  'ack-before-process': { scenario: 'webhook-duplicates', knobs: { crash: 0.1 } },
  'auto-increment-dedupe': { scenario: 'auto-increment-dedupe' },
};
