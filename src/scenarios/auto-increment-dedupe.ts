// Story: the consumer dedupes by "the highest event number seen". A copy that arrives before the
// first one's row is committed is processed twice, and an event that arrives late is dropped.

import { NOTHING_DOUBLED } from './consumer-checks.ts';
import {
  CONSUMER_SERVER_KNOBS,
  SENDER_KNOBS,
  consumerServerConfig,
  consumerWorld,
  paymentCompleted,
  workloadKnobs,
} from './consumer-world.ts';
import { NETWORK_KNOBS } from './http-world.ts';
import { withDefaults } from './knobs.ts';
import type { Scenario } from './types.ts';
import { NOTHING_LOST, WEBHOOK_EFFECTS } from './webhook-checks.ts';

export const autoIncrementDedupeStory: Scenario = {
  id: 'auto-increment-dedupe',
  title: 'The highest number seen',
  summary:
    'Treating every event numbered at or below the highest one seen as a duplicate misses a copy that arrives before the first one is recorded, and throws away an event that arrives late.',
  storySeed: 2,
  prose: {
    happens:
      'The payment provider numbers its events 1, 2, 3 and sends 5 “payment completed” events, 300 ms apart. The consumer keeps the highest number it has processed and treats anything at or below it as a duplicate. It checks when an event arrives, but it records the number only when the work commits, 100 ms later. The network loses some requests, so their events come again seconds later, and delivers some twice.',
    watch:
      'Watch the auto-increment-dedupe column. When the network delivers an event twice, both copies arrive a few milliseconds apart; the second is checked before the first has recorded its number, so both invoice. When an event’s first delivery is lost, its redelivery comes after a later event, at or below the highest number: it is acknowledged as a duplicate and never processed. The inbox writes each event id into a table with a unique key, in the same transaction as the work, so it catches the copy and keeps the late event.',
    tryThis: [
      {
        label: 'Set Duplicate delivery to 0 %',
        knobs: { duplicate: 0 },
        outcome:
          'No copy arrives while another is being processed, so nothing is doubled; late events are still thrown away.',
        expect: [
          { strategy: 'auto-increment-dedupe', invariant: 'nothing-doubled', holds: true },
          { strategy: 'auto-increment-dedupe', invariant: 'nothing-lost', holds: false },
        ],
      },
      {
        label: 'Set Request loss to 0 % and Response loss to 0 %',
        knobs: { requestLoss: 0, responseLoss: 0 },
        outcome:
          'Every event arrives on its first try, in order, so nothing is dropped; the copies the network makes are still invoiced twice.',
        expect: [
          { strategy: 'auto-increment-dedupe', invariant: 'nothing-lost', holds: true },
          { strategy: 'auto-increment-dedupe', invariant: 'nothing-doubled', holds: false },
          { strategy: 'inbox', invariant: 'nothing-doubled', holds: true },
        ],
      },
      {
        label: 'Set Step time to 1 ms',
        knobs: { stepMs: 1 },
        outcome:
          'The work now commits 1 ms after the check, before the network’s second copy is checked, so the copy is caught. A faster handler narrows the gap without closing it, and the late event is still thrown away.',
        expect: [
          { strategy: 'auto-increment-dedupe', invariant: 'nothing-doubled', holds: true },
          { strategy: 'auto-increment-dedupe', invariant: 'nothing-lost', holds: false },
        ],
      },
    ],
    lesson:
      'The highest number seen (a “high-water mark”) is not a record of what was processed. Record each event id itself, with a unique key, in the same transaction as the work.',
  },
  demonstrates: {
    breaks: 'auto-increment-dedupe',
    holds: 'inbox',
    invariant: 'nothing-lost',
  },
  knobs: [
    ...workloadKnobs('Events', 5, 300),
    ...SENDER_KNOBS,
    ...withDefaults(NETWORK_KNOBS, { requestLoss: 0.2, responseLoss: 0.1, duplicate: 0.2 }),
    ...withDefaults(CONSUMER_SERVER_KNOBS, { stepMs: 100 }),
  ],
  strategies: ['auto-increment-dedupe', 'inbox', 'naive'],
  defaultStrategies: ['auto-increment-dedupe', 'inbox'],
  effects: WEBHOOK_EFFECTS,
  invariants: [NOTHING_LOST, NOTHING_DOUBLED],
  world: (knobs, options) => consumerWorld(knobs, options, paymentCompleted('payments-provider')),
  serverConfig: consumerServerConfig,
};
