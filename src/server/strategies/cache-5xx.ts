// cache-5xx (buggy): the key store that stores a transient 5xx as the key's final answer. Once
// the provider recovers, every retry with that key still gets the error.

import type { Strategy } from '../strategy.ts';
import { variantOf } from './idempotency-key.ts';

export const cache5xx: Strategy = {
  id: 'cache-5xx',
  title: 'Transient errors stored for good',
  summary:
    'The key store, but when the payment provider is down, the error is stored as the final answer. Every retry with that key gets the same error, even after the provider is back.',
  correct: false,
  exposedBy:
    'The provider is down for a moment, then recovers: the client retries with its key and is stuck on the replayed 5xx.',
  // Stripe (API v1) stores 5xx on purpose and documents it, so under its profile this is the
  // correct store; elsewhere it is the bug the IETF draft's issue #41 calls being stuck.
  create: variantOf({
    store: (store) => ({ ...store, profile: { ...store.profile, onFailure: 'store' } }),
  }),
};
