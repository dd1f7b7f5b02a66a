// Where the explorer settles each strategy: the story (and knobs) in which, with at most 2 faults, a buggy one breaks and a correct one holds.

import type { ExposedIn } from './types.ts';

/** By strategy id. A strategy missing here is shown in the first story that lists it. */
export const EXPOSED_IN: Readonly<Record<string, ExposedIn>> = {
  naive: { scenario: 'payment-lost-response' },
  'idempotency-key': { scenario: 'payment-lost-response' },
};
