// naive: executes every request it receives — a payment or a webhook event. Every duplicate
// becomes a second order and charge, or a second invoice and email.

import type { HttpRequest } from '../../sim/http.ts';
import { ACCOUNT_EVENTS_PATH } from '../projection.ts';
import { QUEUE_PATH } from '../queue-consumer.ts';
import { routeFor, ROUTES } from '../routes/index.ts';
import { mergeSteps, respond, stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import { applyEvent, received, WEBHOOK_PATH } from '../webhooks.ts';

/** Where events and messages arrive: each is applied as it comes, whatever its id. */
const CONSUMER_PATHS: readonly string[] = [WEBHOOK_PATH, ACCOUNT_EVENTS_PATH, QUEUE_PATH];

export const naive: Strategy = {
  id: 'naive',
  title: 'Naive handler',
  summary:
    'Does the work for every request or message it receives, every time: a new order and charge, user, booking, invoice or shipment. It never looks at keys or event ids.',
  correct: false,
  exposedBy: 'Any duplicate: a retry after a lost response, a double-click, a redelivered event.',
  create(db) {
    // An API request starts where its route's plain work starts.
    const first = (request: HttpRequest) =>
      CONSUMER_PATHS.includes(request.path)
        ? 'apply-event'
        : routeFor(ROUTES, request).resumeAt.started;
    return stepHandler(
      db,
      first,
      mergeSteps([
        ...Object.values(ROUTES).map((route) => route.plain(db)),
        {
          'apply-event': (input, effect) => {
            applyEvent(db, input, effect);
            return respond(received(false));
          },
        },
      ]),
    );
  },
};
