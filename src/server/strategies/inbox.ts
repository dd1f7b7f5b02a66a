// inbox: the idempotent consumer. The message id goes into processed_messages in the same
// transaction as the event's work; a redelivery finds its id there and only acknowledges.

import type { Db } from '../db.ts';
import { applyEvent, CONSUMER, eventOf, received } from '../webhooks.ts';
import { respond, stepHandler, type Step } from '../steps.ts';
import type { Strategy } from '../strategy.ts';

const CLAIM = `INSERT INTO processed_messages (consumer, message_id, received_at, sequence)
VALUES ($consumer, $id, $now, $sequence)
ON CONFLICT (consumer, message_id) DO NOTHING
RETURNING message_id`;
const FORGET_BEFORE = `DELETE FROM processed_messages WHERE consumer = $consumer AND received_at <= $cutoff`;

/**
 * The inbox step. With `windowMs`, ids older than the window are forgotten first: the buggy
 * short-dedupe-window variant.
 */
export function inboxStep(db: Db, windowMs?: number): Step {
  return (input, effect) => {
    const event = eventOf(input);
    if (windowMs !== undefined)
      db.run(FORGET_BEFORE, { $consumer: CONSUMER, $cutoff: input.now - windowMs });
    const claimed = db.get(CLAIM, {
      $consumer: CONSUMER,
      $id: event.id,
      $now: input.now,
      $sequence: event.sequence,
    });
    if (!claimed) return respond(received(true));
    applyEvent(db, input, effect);
    return respond(received(false));
  };
}

export const inbox: Strategy = {
  id: 'inbox',
  title: 'Inbox (idempotent consumer)',
  summary:
    'Records each event or message id in a table (the inbox), in the same transaction as the work. A redelivery finds its id there and is only acknowledged, with no work done again.',
  correct: true,
  exposedBy:
    'Two different event ids for one change, or an inbox pruned before the sender stops retrying.',
  create(db) {
    return stepHandler(db, 'apply-event', { 'apply-event': inboxStep(db) });
  },
};
