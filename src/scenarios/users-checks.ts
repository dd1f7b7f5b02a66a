// Effects, invariants and strategies of the users stories (put-vs-post, api-studio-create-user),
// written as SQL over the users table and what the clients were told.

import { LEASES_END, NO_STALE_WRITES, ONE_ROW_PER_KEY, OWN_KEYS } from './payment-checks.ts';
import type { EffectSpec, InvariantSpec, KnobValues } from './types.ts';

/** The strategies that serve the users routes: the baseline, the two correct ones, one buggy client. */
export const USER_STRATEGY_IDS: readonly string[] = [
  'naive',
  'idempotency-key',
  'upsert',
  'new-key-per-retry',
];

export const USER_EFFECTS: readonly EffectSpec[] = [
  { name: 'user-created', label: 'Users created' },
  { name: 'user-rewritten', label: 'Users rewritten' },
];

/** One intent's user: every row with the same email (a form, a sign-up) beyond the first is a duplicate. */
const DUPLICATE_USERS = `SELECT email, count(*) AS users, group_concat(ref, ', ' ORDER BY id) AS refs, min(via) AS via
FROM users
GROUP BY scope, email
HAVING count(*) > 1
ORDER BY email`;

export const ONE_USER_PER_SIGNUP: InvariantSpec = {
  id: 'one-user-per-signup',
  title: 'Each sign-up makes one user, however often it is sent',
  sql: DUPLICATE_USERS,
  ok: 'Every sign-up has exactly one user.',
  describe: (row) => `${row.email} has ${row.users} users (${row.refs}), made by ${row.via}`,
};

/** The API studio's business rule, a knob of that story. */
export const REQUIREMENTS = ['one-user-per-form', 'each-click-a-new-user'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

const requires = (knobs: KnobValues, requirement: Requirement) => knobs.requirement === requirement;

export const ONE_USER_PER_FORM: InvariantSpec = {
  id: 'one-user-per-form',
  title: 'The form makes one user, however many times it is sent',
  sql: DUPLICATE_USERS,
  ok: 'The form made exactly one user.',
  describe: (row) =>
    `the form for ${row.email} made ${row.users} users (${row.refs}); the requirement is one`,
  appliesTo: (knobs) => requires(knobs, 'one-user-per-form'),
};

/** The id the API studio puts in X-Request-Id on every attempt of send n (the world and this SQL agree). */
export const sendId = (n: number): string => `send-${n}`;

export const USER_PER_SEND: InvariantSpec = {
  id: 'user-per-send',
  title: 'Each send makes its own user, and only one',
  // A send that made two users had a retry run again; a send answered 2xx with no user of its
  // own was merged into another send's user. A send that never got through made none, rightly.
  sql: `SELECT op, result, status, users FROM (
  SELECT o.op, o.result, o.status,
    (SELECT count(*) FROM users u WHERE u.request_id = 'send-' || o.op) AS users
  FROM run.outcomes o)
WHERE users > 1 OR (users = 0 AND result = 'ok')
ORDER BY op`,
  ok: 'Every send that got through made one user of its own.',
  describe: (row) =>
    Number(row.users) > 1
      ? `send ${row.op} made ${row.users} users: a retry of it ran again`
      : `send ${row.op} was answered ${row.status} but made no user of its own: it got another send’s user`,
  appliesTo: (knobs) => requires(knobs, 'each-click-a-new-user'),
};

/** What any key store promises, whatever the route. */
export const KEY_STORE_CHECKS: readonly InvariantSpec[] = [
  ONE_ROW_PER_KEY,
  OWN_KEYS,
  LEASES_END,
  NO_STALE_WRITES,
];
