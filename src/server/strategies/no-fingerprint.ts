// no-fingerprint (buggy): the key store without the payload check. A key reused for another
// request is answered as if it were the first one again.

import type { Strategy } from '../strategy.ts';
import { variantOf } from './idempotency-key.ts';

export const noFingerprint: Strategy = {
  id: 'no-fingerprint',
  title: 'Key not bound to the payload',
  summary:
    'The key store, but it does not check what a key was first sent with. The same key with a different amount gets the answer to the first payment.',
  correct: false,
  exposedBy:
    'A client reuses its key for a different amount: it gets the old answer to a new question, and the new payment never happens.',
  // Under the Powertools profile this is the correct store: Powertools checks payloads only when
  // validation is configured, and the profile models its default.
  create: variantOf({
    store: (store) => ({
      ...store,
      profile: { ...store.profile, checksFingerprint: false },
    }),
  }),
};
