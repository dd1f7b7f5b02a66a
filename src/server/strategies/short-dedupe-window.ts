// short-dedupe-window (buggy): an inbox that forgets ids after 5 minutes — "save the IDs in
// redis for 5 minutes" — while the sender keeps retrying for hours (Stripe: up to 3 days).

import { stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';
import { inboxStep } from './inbox.ts';

const WINDOW_MS = 5 * 60_000;

export const shortDedupeWindow: Strategy = {
  id: 'short-dedupe-window',
  title: 'Five-minute dedupe window',
  summary:
    'Remembers event ids for 5 minutes only. A sender that retries later than that gets the event processed again.',
  correct: false,
  exposedBy: 'A redelivery that comes after the window, well inside the sender’s retry schedule.',
  create(db) {
    return stepHandler(db, 'apply-event', { 'apply-event': inboxStep(db, WINDOW_MS) });
  },
};
