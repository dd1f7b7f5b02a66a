// Story: POST /create-user sent five times from an API studio. Five users or one? The business
// requirement decides which outcome is correct, and the key has to follow it.

import { CREATE_USER_PATH, REQUEST_ID } from '../server/users.ts';
import { keyMintedAtKnob } from './double-click-checkout.ts';
import {
  CLIENT_KNOBS,
  NETWORK_KNOBS,
  PROVIDER_KNOBS,
  SERVER_KNOBS,
  httpWorld,
  serverConfig,
} from './http-world.ts';
import { defineKnobs, readKnobs, withDefaults } from './knobs.ts';
import type { Scenario } from './types.ts';
import { countAndGap, spaced } from './workload.ts';
import {
  KEY_STORE_CHECKS,
  ONE_USER_PER_FORM,
  REQUIREMENTS,
  USER_EFFECTS,
  USER_PER_SEND,
  USER_STRATEGY_IDS,
  sendId,
  type Requirement,
} from './users-checks.ts';

const REQUIREMENT_TEXT: Readonly<Record<Requirement, string>> = {
  'one-user-per-form':
    'The studio fills one form; sending it again means “make sure this user exists”. Five sends, one user.',
  'each-click-a-new-user':
    'Each Send is meant to make a fresh test user, the way a load test would. Five sends, five users.',
};

// The key the studio made when the request tab was opened: every send of the tab carries it
// (24 characters: brandur's store refuses keys shorter than 20).
const FORM_KEY = 'key_studio_request_tab_1';
const BODY = { name: 'Test User', email: 'test@example.com' };

const KNOBS = [
  ...defineKnobs([
    {
      id: 'requirement',
      label: 'Requirement',
      group: 'workload',
      kind: 'choice',
      default: 'one-user-per-form',
      options: REQUIREMENTS,
      optionHelp: REQUIREMENT_TEXT,
      help: 'What the business wants from several sends of the same request: one user, or one per send. It decides which checks apply.',
    },
  ]),
  ...countAndGap(
    {
      id: 'sends',
      label: 'Sends',
      default: 5,
      max: 20,
      help: 'How many times Send is pressed.',
    },
    {
      id: 'sendGapMs',
      label: 'Time between sends',
      default: 300,
      max: 60_000,
      help: 'How long after one press of Send the next one comes.',
    },
  ),
  ...keyMintedAtKnob(
    'When the studio makes the Idempotency-Key: once for the request tab, or anew on every Send.',
  ),
  ...CLIENT_KNOBS,
  // The sends are the repeats here: random losses and copies start off, so only they show.
  ...withDefaults(NETWORK_KNOBS, { requestLoss: 0, responseLoss: 0, duplicate: 0 }),
  ...SERVER_KNOBS,
  ...PROVIDER_KNOBS,
];

export const apiStudioCreateUser: Scenario = {
  id: 'api-studio-create-user',
  title: 'Five sends, one user?',
  summary:
    'Whether five sends of one request make five users or one is a business decision; the key has to follow it.',
  storySeed: 2,
  prose: {
    happens:
      'Someone testing an API in an API studio (a tool like Postman) presses Send on POST /create-user five times, 300 ms apart. The body is the same each time. The requirement says the form stands for one user. The studio made one Idempotency-Key when the tab was opened, so all five sends carry it: a header the server uses to recognise a repeat of the same request.',
    watch:
      'Count the users. The naive server makes five, and the check fails: the requirement was one. The Idempotency-Key store makes one and answers sends 2 to 5 with the first answer (Idempotent-Replayed: true). Then flip the requirement and watch the verdicts change with no change to the server.',
    tryThis: [
      {
        label: 'Set Requirement to each-click-a-new-user',
        knobs: { requirement: 'each-click-a-new-user' },
        outcome:
          'Now five users is the right answer, and the naive server is correct. The key store is wrong: the key still stands for the whole tab, so sends 2 to 5 get send 1’s user back. Upsert, which keeps one user per email, is wrong the same way.',
        expect: [
          { strategy: 'naive', invariant: 'user-per-send', holds: true },
          { strategy: 'idempotency-key', invariant: 'user-per-send', holds: false },
          { strategy: 'upsert', invariant: 'user-per-send', holds: false },
        ],
      },
      {
        label: 'Set Requirement to each-click-a-new-user and Key made at to click',
        knobs: { requirement: 'each-click-a-new-user', keyMintedAt: 'click' },
        outcome:
          'Each send now carries its own key, so the key store makes five users, one per send. Upsert still makes one: the email is a natural key only while the business says one user per email.',
        expect: [
          { strategy: 'idempotency-key', invariant: 'user-per-send', holds: true },
          { strategy: 'upsert', invariant: 'user-per-send', holds: false },
        ],
      },
      {
        label:
          'Set Requirement to each-click-a-new-user, Key made at to click and Response loss to 30 %',
        knobs: { requirement: 'each-click-a-new-user', keyMintedAt: 'click', responseLoss: 0.3 },
        outcome:
          'An answer is lost and the studio retries that send. The naive server makes a sixth user for it; the key store replays the answer, because the retry carries the same key as its send.',
        expect: [
          { strategy: 'naive', invariant: 'user-per-send', holds: false },
          { strategy: 'idempotency-key', invariant: 'user-per-send', holds: true },
        ],
      },
    ],
    lesson:
      'Idempotency (a repeat has the same effect as the first request) is a business decision, not only a technical one. First decide what counts as the same operation: one form, or one click. Then make the key (or the natural key, such as the email) stand for exactly that, and make retries of it safe either way.',
  },
  demonstrates: {
    breaks: 'naive',
    holds: 'idempotency-key',
    invariant: 'one-user-per-form',
  },
  knobs: KNOBS,
  strategies: USER_STRATEGY_IDS,
  defaultStrategies: ['naive', 'idempotency-key', 'upsert'],
  effects: USER_EFFECTS,
  invariants: [ONE_USER_PER_FORM, USER_PER_SEND, ...KEY_STORE_CHECKS],
  world(values, options) {
    const knobs = readKnobs(KNOBS, values);
    // Faults off is the happy path: Send is pressed once.
    const sends = options.faults ? (options.operations ?? knobs.int('sends')) : 1;
    const perForm = knobs.choice('keyMintedAt') === 'form-render';
    const operations = spaced(sends, knobs.int('sendGapMs'), (n, at) => ({
      at,
      client: 'api-studio',
      method: 'POST',
      path: CREATE_USER_PATH,
      body: BODY,
      // The studio tags every attempt of a send with the send's id, as API clients do.
      headers: { [REQUEST_ID]: sendId(n) },
      ...(perForm ? { key: FORM_KEY } : {}),
    }));
    return httpWorld(values, options, operations);
  },
  serverConfig,
};
