// version-check: the projection moves only to a newer version (`WHERE excluded.version > version`),
// so a stale event arriving late cannot roll a payment's status back. It dedupes nothing.

import { respond, stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import { applyEvent, received } from '../webhooks.ts';

export const versionCheck: Strategy = {
  id: 'version-check',
  title: 'Version check on the projection',
  summary:
    'Updates a payment’s status only when the event’s version is newer than the one it has. Late, stale events change nothing.',
  correct: true,
  exposedBy:
    'A plain redelivery: the check orders the status but does not stop a second invoice or email.',
  create(db) {
    return stepHandler(db, 'apply-event', {
      'apply-event': (input, effect) => {
        applyEvent(db, input, effect, true);
        return respond(received(false));
      },
    });
  },
};
