// The transactional outbox: `enqueue` writes an event in the caller's transaction; the relay
// job finds unpublished rows and re-drives each through two steps of the handler — publish to
// the broker, then mark it published. A crash between the two publishes it again later.

import type { Job } from '../sim/handler.ts';
import type { Db } from './db.ts';
import { next, respond, type Step } from './steps.ts';
import { json } from './responses.ts';

export const RELAY_PATH = '/outbox/relay';
const RELAY_EVERY_MS = 1000;

const ENQUEUE = `INSERT INTO outbox (message_id, topic, payload, created_at) VALUES ($id, $topic, $payload, $now)`;
const UNPUBLISHED = `SELECT id FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 100`;
const MESSAGE = `SELECT message_id FROM outbox WHERE id = $id`;
const MARK = `UPDATE outbox SET published_at = $now WHERE id = $id AND published_at IS NULL`;

export function enqueue(db: Db, now: number, id: string, topic: string, payload: unknown): void {
  db.run(ENQUEUE, { $id: id, $topic: topic, $payload: JSON.stringify(payload), $now: now });
}

/** The relay: every second, each unpublished row becomes a publish-then-mark execution. */
export function relay(db: Db): Job {
  return {
    name: 'outbox relay',
    everyMs: RELAY_EVERY_MS,
    run() {
      const rows = db.transaction(() => db.all(UNPUBLISHED));
      const requests = rows.map((row) => ({
        method: 'POST',
        path: RELAY_PATH,
        client: 'relay',
        headers: {},
        body: { outbox_id: Number(row.id) },
      }));
      return {
        requests,
        changed: false,
        pending: rows.length > 0,
        count: rows.length,
        note: `relaying ${rows.length} event${rows.length === 1 ? '' : 's'}`,
      };
    },
  };
}

/** The relay's steps: publishing is a foreign effect; only the mark is a local write. */
export function relaySteps(db: Db): Record<string, Step> {
  return {
    publish: (input, effect) => {
      const row = db.get(MESSAGE, { $id: Number(input.request.body.outbox_id) });
      effect('event-published', String(row?.message_id));
      return next('mark-published');
    },
    'mark-published': (input) => {
      db.run(MARK, { $id: Number(input.request.body.outbox_id), $now: input.now });
      return respond(json(200, { published: true }));
    },
  };
}
