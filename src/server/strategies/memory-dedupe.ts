// memory-dedupe (buggy): processed ids kept in the process's memory. A restart forgets them,
// and a redelivery after it is processed again.

import { respond, stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import { applyEvent, eventOf, received } from '../webhooks.ts';

export const memoryDedupe: Strategy = {
  id: 'memory-dedupe',
  title: 'Dedupe in memory',
  summary:
    'Remembers the ids of processed events in the server’s memory only. After a crash, or on a second server, that memory is empty.',
  correct: false,
  exposedBy:
    'The server restarts between processing an event and acknowledging it; the sender redelivers.',
  create(db) {
    const seen = new Set<string>();
    return stepHandler(
      db,
      'apply-event',
      {
        'apply-event': (input, effect) => {
          const event = eventOf(input);
          if (seen.has(event.id)) return respond(received(true));
          applyEvent(db, input, effect);
          seen.add(event.id);
          return respond(received(false));
        },
      },
      { onRestart: () => seen.clear() },
    );
  },
};
