// ack-before-process (buggy): acknowledges the event first and does the work afterwards.
// A crash in between loses the event: the sender saw 200 and never redelivers (at-most-once).

import { stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import { applyEvent, received } from '../webhooks.ts';

export const ackBeforeProcess: Strategy = {
  id: 'ack-before-process',
  title: 'Acknowledge, then process',
  summary:
    'Acknowledges with 200 as soon as the event arrives and does the work afterwards. If the server dies in between, the event is gone: the sender will not send it again.',
  correct: false,
  exposedBy: 'A crash after the acknowledgement and before the work.',
  create(db) {
    return stepHandler(db, 'ack', {
      ack: () => ({ kind: 'ack', response: received(false), step: 'apply-event' }),
      'apply-event': (input, effect) => {
        applyEvent(db, input, effect);
        return { kind: 'done' };
      },
    });
  },
};
