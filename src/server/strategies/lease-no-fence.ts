// lease-no-fence (buggy): the key store whose writes never check the lease token. A stalled
// owner whose lease was taken over wakes up and keeps writing, and calls the provider again.

import { UNFENCED_WRITES } from '../key-store/sql.ts';
import type { Strategy } from '../strategy.ts';
import { variantOf } from './idempotency-key.ts';

export const leaseNoFence: Strategy = {
  id: 'lease-no-fence',
  title: 'Lease without a fence',
  summary:
    'The key store, but its writes do not check the fencing token, the number that says which attempt holds the key now. A stalled request whose key was taken over wakes up and goes on paying and writing.',
  correct: false,
  exposedBy:
    'A pause longer than the lease: a retry takes the key over, and the stale execution still writes to the key and calls the provider again.',
  // The takeover still hands out a new token, as every lease does; the bug is a store that never
  // compares it (Kleppmann's fencing tokens). The schema records every write the stale owner
  // commits, in stale_writes.
  create: variantOf({ store: (store) => ({ ...store, writes: UNFENCED_WRITES }) }),
};
