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
    'Acknowledge before the work and a crash loses the message; acknowledge after it and the message can come twice. Only a consumer that recognises the repeat makes it count once.',
  storySeed: 20,
  prose: {
    happens:
      'A broker hands 5 “payment completed” messages to the billing consumer, 500 ms apart. For each one the consumer invoices the payment, emails the receipt and reserves the stock. Its 200 answer is the acknowledgement (the ack): until the broker sees it, it keeps delivering the message. After each step the consumer has a 20 % chance to crash, and it needs 2000 ms to restart. 20 % of its acks are lost on the way back.',
    watch:
      'Look for the crash marks. Ack-before-process answers 200 first: a crash between the ack and the work loses the message for good, because the broker already let go of it. Naive does the work first: a crash after the work, or a lost ack, makes the broker deliver again, and naive invoices again. The inbox also acks after the work, but records the message id in the same transaction as the work, so the redelivery is only acknowledged.',
    tryThis: [
      {
        label: 'Set Crash chance to 0 %',
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
        label: 'Set Response loss to 0 %',
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
        label: 'Set Crash chance to 0 % and Response loss to 0 %',
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
      'A broker can deliver at most once (ack first: a message may be lost) or at least once (ack after: a message may come twice), never exactly once. Exactly-once processing is at-least-once delivery plus a consumer that makes the second delivery harmless.',
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
