// no-lease-expiry (buggy): the key store whose in-progress lock lasts as long as the key. A
// request that dies mid-flight leaves its key answering 409 until the key expires.

import type { Strategy } from '../strategy.ts';
import { variantOf } from './idempotency-key.ts';

export const noLeaseExpiry: Strategy = {
  id: 'no-lease-expiry',
  title: 'Lock that never runs out',
  summary:
    'The key store, but an in-progress key stays locked until the key itself expires. If the server dies mid-request, every retry gets 409 until the key expires, a day later by default.',
  correct: false,
  exposedBy:
    'A crash mid-flight, then a retry: the key stays locked, every retry gets 409, and the payment is never finished.',
  // As in powertools-lambda-python#4759: with no in-progress expiry, the record goes only when
  // its retention ends (a day under the IETF profile); to a client that retries for minutes,
  // that is forever.
  create: variantOf({
    store: (store) => ({
      ...store,
      config: { ...store.config, leaseMs: store.config.retentionMs },
    }),
  }),
};
