// inbox-business-key: the inbox, plus a claim on the change itself (the payment and the event
// type), in the same transaction as the work. A second event with a new id for the same change,
// which Stripe sometimes sends, is acknowledged and does nothing.

import { respond, stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import { businessKey, CONSUMER, eventOf, received } from '../webhooks.ts';
import { inboxStep } from './inbox.ts';

const CLAIM_CHANGE = `INSERT INTO processed_business_keys (consumer, business_key, message_id, received_at)
VALUES ($consumer, $key, $id, $now)
ON CONFLICT (consumer, business_key) DO NOTHING
RETURNING business_key`;

export const inboxBusinessKey: Strategy = {
  id: 'inbox-business-key',
  title: 'Inbox + business key',
  summary:
    'Records each event id, and also the payment and event type it is about, in the same transaction as the work. A redelivery or a second event for the same change is only acknowledged.',
  correct: true,
  exposedBy:
    'Events that arrive out of order: it stops repeats, not stale updates (pair it with a version check). Two real changes that share a key would be merged into one.',
  create(db) {
    const inbox = inboxStep(db);
    return stepHandler(db, 'apply-event', {
      // One step, one transaction: the change's claim rolls back with the work if either fails.
      'apply-event': (input, effect) => {
        const event = eventOf(input);
        const claimed = db.get(CLAIM_CHANGE, {
          $consumer: CONSUMER,
          $key: businessKey(event),
          $id: event.id,
          $now: input.now,
        });
        return claimed ? inbox(input, effect) : respond(received(true));
      },
    });
  },
};
