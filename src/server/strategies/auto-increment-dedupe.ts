// auto-increment-dedupe (buggy): dedupes by "the highest sequence number seen": anything at or
// below it counts as already processed. Events that arrive out of order are silently dropped.

import { respond, stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import { applyEvent, CONSUMER, eventOf, received } from '../webhooks.ts';

const HIGHEST = `SELECT max(sequence) AS highest FROM processed_messages WHERE consumer = $consumer`;
const RECORD = `INSERT INTO processed_messages (consumer, message_id, received_at, sequence)
VALUES ($consumer, $id, $now, $sequence)`;

export const autoIncrementDedupe: Strategy = {
  id: 'auto-increment-dedupe',
  title: 'Dedupe by highest id seen',
  summary:
    'Treats every event numbered at or below the highest one processed as a duplicate. Redeliveries are caught, but an event that arrives late is thrown away.',
  correct: false,
  exposedBy: 'Reordering: a later event arrives before an earlier one.',
  create(db) {
    return stepHandler(db, 'apply-event', {
      'apply-event': (input, effect) => {
        const event = eventOf(input);
        const highest = db.get(HIGHEST, { $consumer: CONSUMER })?.highest;
        if (typeof highest === 'number' && event.sequence <= highest)
          return respond(received(true));
        db.run(RECORD, {
          $consumer: CONSUMER,
          $id: event.id,
          $now: input.now,
          $sequence: event.sequence,
        });
        applyEvent(db, input, effect);
        return respond(received(false));
      },
    });
  },
};
