// Story: exactly-once delivery is a myth. Acknowledge before the work and a crash loses the
// message; acknowledge after it and a crash or a lost ack delivers it twice.

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

export const exactlyOnceMyth: Scenario = {
  id: 'exactly-once-myth',
  title: 'The exactly-once myth',
  summary:
    'Ack before the work and a crash loses the message; ack after it and the message comes twice; ack after an idempotent consumer and it counts once.',
  storySeed: 20,
  prose: {
    happens:
      'A broker hands 5 “payment completed” messages to the billing consumer, 500 ms apart. For each one the consumer invoices the payment, emails the receipt and reserves the stock. Its 200 is the ack: until the broker sees it, it delivers the message again. The consumer crashes after 20 % of its steps and needs 2000 ms to restart, and 20 % of its acks are lost.',
    watch:
      'Look for the crash marks. ack-before-process answers 200 first: a crash between the ack and the work loses the message for good, because the broker already let go of it. naive does the work first: a crash after the work, or a lost ack, makes the broker deliver again, and naive invoices again. inbox also acks after the work, but records the message id with it, so the redelivery is only acknowledged.',
    tryThis: [
      {
        label: 'Set crash chance to 0 %',
        knobs: { crash: 0 },
        outcome:
          'Without crashes nothing is lost, even when the ack comes first. Lost acks still bring messages back, and naive and ack-before-process both invoice them again.',
        expect: [
          { strategy: 'ack-before-process', invariant: 'nothing-lost', holds: true },
          { strategy: 'ack-before-process', invariant: 'nothing-doubled', holds: false },
          { strategy: 'naive', invariant: 'nothing-doubled', holds: false },
          { strategy: 'inbox', invariant: 'nothing-doubled', holds: true },
        ],
      },
      {
        label: 'Set response loss to 0 %',
        knobs: { responseLoss: 0 },
        outcome:
          'No ack is lost now, and crashes alone do both kinds of harm: ack-before-process loses a message, naive invoices one twice after a crash between the work and the ack, and memory-dedupe does too, because the restart emptied its memory. The inbox is on disk and survives the crash.',
        expect: [
          { strategy: 'ack-before-process', invariant: 'nothing-lost', holds: false },
          { strategy: 'naive', invariant: 'nothing-doubled', holds: false },
          { strategy: 'memory-dedupe', invariant: 'nothing-doubled', holds: false },
          { strategy: 'inbox', invariant: 'nothing-doubled', holds: true },
        ],
      },
      {
        label: 'Set crash chance to 0 % and response loss to 0 %',
        knobs: { crash: 0, responseLoss: 0 },
        outcome:
          'Every message is delivered and acknowledged once, and every consumer is right: exactly once holds only while nothing fails.',
        expect: [
          { strategy: 'ack-before-process', invariant: 'nothing-lost', holds: true },
          { strategy: 'naive', invariant: 'nothing-doubled', holds: true },
        ],
      },
    ],
    lesson:
      'Delivery is at most once (ack first: messages get lost) or at least once (ack after: messages come twice). Exactly-once processing is at-least-once delivery plus a consumer that makes the second delivery harmless.',
  },
  demonstrates: {
    breaks: 'ack-before-process',
    holds: 'inbox',
    invariant: 'nothing-lost',
  },
  knobs: [
    ...workloadKnobs('Messages', 5, 500),
    ...SENDER_KNOBS,
    ...withDefaults(NETWORK_KNOBS, { requestLoss: 0, responseLoss: 0.2, duplicate: 0 }),
    ...withDefaults(CONSUMER_SERVER_KNOBS, { crash: 0.2 }),
  ],
  strategies: ['ack-before-process', 'naive', 'inbox', 'memory-dedupe'],
  defaultStrategies: ['ack-before-process', 'naive', 'inbox'],
  effects: WEBHOOK_EFFECTS,
  invariants: [NOTHING_LOST, NOTHING_DOUBLED],
  world: (knobs, options) => consumerWorld(knobs, options, paymentCompleted('broker')),
  serverConfig: consumerServerConfig,
};
