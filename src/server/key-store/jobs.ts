// The key store's background jobs: a reaper that deletes expired keys, and brandur's completer
// that re-drives keys abandoned mid-flight through the handler, as their client would.

import type { Job } from '../../sim/handler.ts';
import { IDEMPOTENCY_KEY, type Params } from '../../sim/http.ts';
import type { Db } from '../db.ts';
import type { Profile } from '../profiles.ts';
import { keyFieldValue } from './key-field.ts';
import { ABANDONED, KEY_COUNT, REAP, UNFINISHED } from './sql.ts';

const MINUTE_MS = 60_000;
/**
 * brandur's thresholds (completer.rb): at least 5 min old, idle for 1 min; 1,000 keys a run.
 * Ours also stops after 10 attempts, so a key that can never finish does not run a story into its bounds.
 */
const COMPLETER = {
  everyMs: MINUTE_MS,
  ageMs: 5 * MINUTE_MS,
  idleMs: MINUTE_MS,
  limit: 1000,
  attempts: 10,
};

/** `sized`: each run also reports how many keys are left, so storage over time can be charted. */
export function reaper(db: Db, everyMs: number, sized = false): Job {
  const keys = (n: number) => `${n} key${n === 1 ? '' : 's'}`;
  return {
    name: 'reaper',
    everyMs,
    run(now) {
      const { deleted, size } = db.transaction(() => ({
        deleted: db.run(REAP, { $now: now }),
        size: sized ? Number(db.get(KEY_COUNT, {})?.n) : undefined,
      }));
      const note = `deleted ${deleted} expired ${deleted === 1 ? 'key' : 'keys'}`;
      return {
        requests: [],
        changed: deleted > 0,
        pending: false,
        count: deleted,
        ...(size === undefined ? { note } : { note: `${note}; ${keys(size)} kept`, size }),
      };
    },
  };
}

/** Re-drives each abandoned key with the field its profile's clients send (brandur's: bare). */
export function completer(db: Db, profile: Profile): Job {
  return {
    name: 'completer',
    everyMs: COMPLETER.everyMs,
    run(now) {
      const rows = db.transaction(() =>
        db.all(ABANDONED, {
          $now: now,
          $age: COMPLETER.ageMs,
          $idle: COMPLETER.idleMs,
          $limit: COMPLETER.limit,
          $attempts: COMPLETER.attempts,
        }),
      );
      const requests = rows.map((row) => ({
        method: String(row.method),
        path: String(row.path),
        client: String(row.scope),
        headers: { [IDEMPOTENCY_KEY]: keyFieldValue(profile, String(row.idem_key)) },
        body: JSON.parse(String(row.request_params)) as Params,
      }));
      // Unfinished keys keep the completer coming back, as the real one polls forever.
      const pending = Number(db.get(UNFINISHED, { $attempts: COMPLETER.attempts })?.n) > 0;
      return {
        requests,
        changed: false,
        pending,
        count: requests.length,
        note: `re-drove ${requests.length} abandoned key${requests.length === 1 ? '' : 's'}`,
      };
    },
  };
}
