// new-key-per-retry (buggy): the server is the correct key store; the client mints a fresh key
// for every attempt, so each retry is a new request to it.

import type { Strategy } from '../strategy.ts';
import { idempotencyKey } from './idempotency-key.ts';

export const newKeyPerRetry: Strategy = {
  ...idempotencyKey,
  id: 'new-key-per-retry',
  title: 'New key per retry',
  summary:
    'The server is the Idempotency-Key store, but the client makes up a new key each time it tries again. To the server every retry is a new request.',
  correct: false,
  exposedBy:
    'A lost response and a retry: the retry carries a new key, so the server charges the card again.',
  client: { newKeyPerAttempt: true },
};
