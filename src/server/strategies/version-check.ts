// version-check: the projection moves only to a newer version (`WHERE excluded.version > version`),
// so a stale event arriving late cannot roll a payment's status back. A balance, a sum of changes,
// takes only the next version (see projection.ts). It dedupes no other work.

import { respond, stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import { applyEvent, received } from '../webhooks.ts';

export const versionCheck: Strategy = {
  id: 'version-check',
  title: 'Version check on the projection',
  summary:
    'Keeps a version number with each record it builds from events, and lets an event only move it forward: a payment’s status to a newer version, an account’s balance by the next version only (an event further ahead gets 409 and is sent again later). A late, older event changes nothing.',
  correct: true,
  exposedBy:
    'A plain redelivery: the check orders the status but does not stop a second invoice or email.',
  create(db) {
    return stepHandler(db, 'apply-event', {
      'apply-event': (input, effect) =>
        respond(applyEvent(db, input, effect, true) ?? received(false)),
    });
  },
};
