// global-key-scope (buggy): the key store with one key space for every client. A client that
// sends a key another client already used is answered from the other client's row.

import { EVERY_CLIENT } from '../key-store/store.ts';
import type { Strategy } from '../strategy.ts';
import { variantOf } from './idempotency-key.ts';

export const globalKeyScope: Strategy = {
  id: 'global-key-scope',
  title: 'Keys shared by all clients',
  summary:
    'The key store, but a key is not kept per client. A customer who sends a key that another customer already used gets that customer’s stored answer.',
  correct: false,
  exposedBy:
    'Two clients send the same key: the second is told about the first one’s order. Where the store compares payloads and they differ, the second is refused instead.',
  create: variantOf({ store: (store) => ({ ...store, scope: () => EVERY_CLIENT }) }),
};
