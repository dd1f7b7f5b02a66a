// auto-increment-dedupe (buggy): dedupes by "the highest sequence number seen": anything at or
// below it counts as already processed. Events that arrive out of order are silently dropped,
// and a duplicate that arrives while the first copy is still being processed is not caught.

import { next, respond, stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import { applyEvent, CONSUMER, eventOf, received } from '../webhooks.ts';

const HIGHEST = `SELECT max(sequence) AS highest FROM processed_messages WHERE consumer = $consumer`;
// The row only moves the high-water mark: the max check is trusted to dedupe, so a clash with
// a copy recorded meanwhile is ignored rather than treated as a duplicate.
const RECORD = `INSERT INTO processed_messages (consumer, message_id, received_at, sequence)
VALUES ($consumer, $id, $now, $sequence)
ON CONFLICT (consumer, message_id) DO NOTHING`;

export const autoIncrementDedupe: Strategy = {
  id: 'auto-increment-dedupe',
  title: 'Dedupe by highest id seen',
  summary:
    'Treats every event numbered at or below the highest one processed as a duplicate. It checks when an event arrives and records the number when the work commits, a step later. An event that arrives late is thrown away, and a copy that arrives before the first one commits is processed again.',
  correct: false,
  exposedBy:
    'Reordering (a later event arrives before an earlier one), or a duplicate that arrives before the first copy’s row is visible.',
  create(db) {
    return stepHandler(db, 'check-seen', {
      // Its own transaction: the work below commits a step later, and a copy arriving in
      // between reads the same, older high-water mark.
      'check-seen': (input) => {
        const { sequence } = eventOf(input);
        const highest = db.get(HIGHEST, { $consumer: CONSUMER })?.highest;
        return typeof highest === 'number' && sequence <= highest
          ? respond(received(true))
          : next('apply-event');
      },
      'apply-event': (input, effect) => {
        const event = eventOf(input);
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
