// Story: a sign-up sent as POST /users and another as PUT /users/123, both retried after lost answers.

import { USERS_PATH } from '../server/users.ts';
import {
  CLIENT_KNOBS,
  NETWORK_KNOBS,
  PROVIDER_KNOBS,
  SERVER_KNOBS,
  httpWorld,
  serverConfig,
} from './http-world.ts';
import { defineKnobs, readKnobs } from './knobs.ts';
import type { Scenario } from './types.ts';
import { spaced } from './workload.ts';
import {
  KEY_STORE_CHECKS,
  ONE_USER_PER_SIGNUP,
  USER_EFFECTS,
  USER_STRATEGY_IDS,
} from './users-checks.ts';

/** The n-th sign-up of a person: ada@example.com, then ada2@example.com, … */
function person(name: string, n: number) {
  const handle = `${name.toLowerCase()}${n === 1 ? '' : n}`;
  return { name, email: `${handle}@example.com` };
}

// PUT names the user's id up front: the form got it when it loaded (the essay's /users/123).
const FIRST_PUT_ID = 123;

// Two counts and one gap: POST sign-ups go first, then PUT sign-ups, all one gap apart.
const KNOBS = [
  ...defineKnobs([
    {
      id: 'postSignups',
      label: 'POST sign-ups',
      group: 'workload',
      kind: 'int',
      default: 1,
      min: 0,
      max: 20,
      help: 'How many people sign up with POST /users: the server picks each new user’s id.',
    },
    {
      id: 'putSignups',
      label: 'PUT sign-ups',
      group: 'workload',
      kind: 'int',
      default: 1,
      min: 0,
      max: 20,
      help: 'How many people sign up with PUT /users/<id>: the client picked the id when the form loaded.',
    },
    {
      id: 'signupGapMs',
      label: 'Time between sign-ups',
      group: 'workload',
      kind: 'int',
      default: 500,
      min: 0,
      max: 60_000,
      unit: 'ms',
      help: 'How long after one sign-up starts the next one starts; POST sign-ups go first.',
    },
  ]),
  ...CLIENT_KNOBS,
  ...NETWORK_KNOBS,
  ...SERVER_KNOBS,
  ...PROVIDER_KNOBS,
];

export const putVsPost: Scenario = {
  id: 'put-vs-post',
  title: 'PUT or POST',
  summary:
    'A repeated PUT to an id the client chose leaves one user; a repeated POST makes one user per call.',
  storySeed: 12,
  prose: {
    happens:
      'Two people sign up. Ada’s form sends POST /users and the server picks her id. Grace’s form sends PUT /users/123: the client picked her id when the form loaded. On the story seed both answers are lost on the way back, so both forms send their request again.',
    watch:
      'Count the users in each column. The naive server does exactly what each method says: POST makes a new user every time, so Ada ends up twice; PUT writes user 123 again, so Grace stays one user, rewritten. The Idempotency-Key store saves the Idempotency-Key each request carries (an id the form makes once per sign-up and sends again with every retry) together with the first answer. It answers Ada’s retry with that answer instead of making her again.',
    tryThis: [
      {
        label: 'Set POST sign-ups to 0',
        knobs: { postSignups: 0 },
        outcome:
          'Only Grace signs up, by PUT. Her retry rewrites user 123 with the same data: one user, even on the naive server, with no key at all.',
        expect: [{ strategy: 'naive', invariant: 'one-user-per-signup', holds: true }],
      },
      {
        label: 'Set POST sign-ups to 10 and PUT sign-ups to 0',
        knobs: { postSignups: 10, putSignups: 0 },
        outcome:
          'With 30 % of answers lost, 4 of the 10 POSTs are retried after their user was made: the naive server ends with 14 users for 10 people. The key store and upsert (one user per email) make 10. New-key-per-retry makes 14 too: each retry carries a new key, so it looks like a new sign-up.',
        expect: [
          { strategy: 'naive', invariant: 'one-user-per-signup', holds: false },
          { strategy: 'new-key-per-retry', invariant: 'one-user-per-signup', holds: false },
          { strategy: 'idempotency-key', invariant: 'one-user-per-signup', holds: true },
          { strategy: 'upsert', invariant: 'one-user-per-signup', holds: true },
        ],
      },
      {
        label: 'Set Duplicate delivery to 100 % and POST sign-ups to 0',
        knobs: { duplicate: 1, postSignups: 0 },
        outcome:
          'Every PUT now arrives twice, the copies a few milliseconds apart. The naive server writes user 123 with one INSERT … ON CONFLICT DO UPDATE (create the row, or update it if it exists), so the copies cannot both create it: still one user.',
        expect: [{ strategy: 'naive', invariant: 'one-user-per-signup', holds: true }],
      },
    ],
    lesson:
      'Make the request name its result. A PUT to an id the client chose can run any number of times and leave the same state; a POST asks the server to make something new each time, so it needs an Idempotency-Key (or a natural key like the email) to be safe to retry.',
  },
  demonstrates: {
    breaks: 'naive',
    holds: 'idempotency-key',
    invariant: 'one-user-per-signup',
  },
  knobs: KNOBS,
  strategies: USER_STRATEGY_IDS,
  defaultStrategies: ['naive', 'idempotency-key', 'upsert'],
  effects: USER_EFFECTS,
  invariants: [ONE_USER_PER_SIGNUP, ...KEY_STORE_CHECKS],
  world(values, options) {
    const knobs = readKnobs(KNOBS, values);
    // A batch asks for a number of operations: half of them POST, half PUT.
    const total = options.operations;
    const posts = total === undefined ? knobs.int('postSignups') : Math.ceil(total / 2);
    const puts = total === undefined ? knobs.int('putSignups') : Math.floor(total / 2);
    const operations = spaced(posts + puts, knobs.int('signupGapMs'), (n, at) =>
      n <= posts
        ? { at, client: 'signup-form', method: 'POST', path: USERS_PATH, body: person('Ada', n) }
        : {
            at,
            client: 'signup-form',
            method: 'PUT',
            path: `${USERS_PATH}/${FIRST_PUT_ID + n - posts - 1}`,
            body: person('Grace', n - posts),
          },
    );
    return httpWorld(values, options, operations);
  },
  serverConfig,
};
