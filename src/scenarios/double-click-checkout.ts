// Story: "Place order" is clicked twice; two requests for one checkout race each other.

import { PAYMENT_STRATEGY_IDS } from '../server/strategies/index.ts';
import {
  CLIENT_KNOBS,
  NETWORK_KNOBS,
  PROVIDER_KNOBS,
  SERVER_KNOBS,
  httpWorld,
  serverConfig,
} from './http-world.ts';
import { defineKnobs, readKnobs, withDefaults } from './knobs.ts';
import { OUTBOX_AT_LEAST_ONCE, PAYMENT_EFFECTS, PAYMENT_INVARIANTS } from './payment-checks.ts';
import type { Scenario } from './types.ts';
import { countAndGap, spaced } from './workload.ts';

export const KEY_MINTED_AT = ['form-render', 'click'] as const;
export type KeyMintedAt = (typeof KEY_MINTED_AT)[number];

/** What each option means, in words, for the page (the users stories use the same knob). */
export const KEY_MINTED_AT_TEXT: Readonly<Record<KeyMintedAt, string>> = {
  'form-render':
    'The page makes one Idempotency-Key when it shows the form; every click of that form sends it.',
  click: 'The page makes a new Idempotency-Key in the click handler, so each click sends its own.',
};

// The key the checkout page minted when it rendered: both clicks carry it. A literal, so the
// story reads the same on every seed; the client draws its own keys only when it mints per click.
// 23 characters: brandur's store refuses keys shorter than 20.
const FORM_KEY = 'key_checkout_form_00001';

// The payment intent is made when the checkout page loads (as Stripe recommends), so both
// clicks ask to pay the same intent: it is what "one order" means here.
const BODY = { intent: 'pi_1', amount_cents: 4200 };

/** The knob that says when the client makes its key, in a story's own words (`help`). */
export const keyMintedAtKnob = (help: string) =>
  defineKnobs([
    {
      id: 'keyMintedAt',
      label: 'Key made at',
      group: 'client',
      kind: 'choice',
      default: 'form-render',
      options: KEY_MINTED_AT,
      optionHelp: KEY_MINTED_AT_TEXT,
      help,
    },
  ]);

const KNOBS = [
  ...keyMintedAtKnob(
    'When the page makes the Idempotency-Key: once when it shows the form, or anew on every click.',
  ),
  ...countAndGap(
    {
      id: 'clicks',
      label: 'Clicks',
      default: 2,
      max: 10,
      help: 'How many times the customer clicks “Place order” for the same checkout.',
    },
    {
      id: 'clickGapMs',
      label: 'Time between clicks',
      default: 20,
      max: 10_000,
      help: 'How long after one click the next one comes.',
    },
  ),
  ...CLIENT_KNOBS,
  // The clicks are the duplicates here: random losses and copies start off, so only they show.
  ...withDefaults(NETWORK_KNOBS, { requestLoss: 0, responseLoss: 0, duplicate: 0 }),
  ...SERVER_KNOBS,
  ...PROVIDER_KNOBS,
];

export const doubleClickCheckout: Scenario = {
  id: 'double-click-checkout',
  title: 'The double-click',
  summary:
    'Two clicks make one order only if both carry the same Idempotency-Key, made when the form was shown, and the server claims that key in a single statement.',
  storySeed: 1,
  prose: {
    happens:
      'A customer clicks “Place order” for 42.00, and 20 ms later clicks again. Two requests for the same checkout are on their way; on the story seed they reach the server 5 ms apart. The page made its Idempotency-Key when it showed the form: an id, sent as a header, that marks this one payment so the server can tell a repeat from a new one. So both requests carry the same key.',
    watch:
      'Look at where the two requests reach the server. Naive makes two orders and charges twice. Check-then-insert looks the key up, finds nothing, and writes the key only in its next step, 10 ms later. The second request looks in between, also finds nothing, and pays again. The Idempotency-Key store claims the key with one INSERT … ON CONFLICT DO NOTHING, a single statement that writes the key only if no row has it yet. The second request gets 409 (Conflict: the key is in use), retries, and is answered with the first order.',
    tryThis: [
      {
        label: 'Set Key made at to click',
        knobs: { keyMintedAt: 'click' },
        outcome:
          'Each click now sends its own key. To the server these are two different orders, so even the Idempotency-Key store charges twice: the key must be made once per intent, when the form is shown. Upsert still charges once: it keys on the payment intent (the payment’s own id), which the page made when it loaded.',
        expect: [
          { strategy: 'idempotency-key', invariant: 'one-charge-per-intent', holds: false },
          { strategy: 'upsert', invariant: 'one-charge-per-intent', holds: true },
        ],
      },
      {
        label: 'Set Time between clicks to 500 ms',
        knobs: { clickGapMs: 500 },
        outcome:
          'The first request has finished and stored its answer before the second one arrives, so check-then-insert replays the first order: a slow double-click hides the race. Naive still charges twice.',
        expect: [
          { strategy: 'check-then-insert', invariant: 'one-charge-per-intent', holds: true },
          { strategy: 'naive', invariant: 'one-charge-per-intent', holds: false },
        ],
      },
      {
        label: 'Set Time between clicks to 150 ms',
        knobs: { clickGapMs: 150 },
        outcome:
          'Key-after-effect writes its key only after the card is charged, about 280 ms after the request arrives. The second click lands inside that gap and pays again. Check-then-insert, whose gap is one 10 ms step, is safe this time.',
        expect: [
          { strategy: 'key-after-effect', invariant: 'one-charge-per-intent', holds: false },
          { strategy: 'check-then-insert', invariant: 'one-charge-per-intent', holds: true },
          { strategy: 'idempotency-key', invariant: 'one-charge-per-intent', holds: true },
        ],
      },
    ],
    lesson:
      'Make the key when the form is shown, so every click of that form is the same request. Then claim it in a single statement: a look-up followed by a separate write leaves a gap that a second click can walk through.',
  },
  demonstrates: {
    breaks: 'check-then-insert',
    holds: 'idempotency-key',
    invariant: 'one-charge-per-intent',
  },
  limits: [OUTBOX_AT_LEAST_ONCE],
  knobs: KNOBS,
  strategies: PAYMENT_STRATEGY_IDS,
  defaultStrategies: ['naive', 'idempotency-key', 'check-then-insert', 'key-after-effect'],
  effects: PAYMENT_EFFECTS,
  invariants: PAYMENT_INVARIANTS,
  world(values, options) {
    const knobs = readKnobs(KNOBS, values);
    // Faults off is the happy path: the customer clicks once.
    const clicks = options.faults ? (options.operations ?? knobs.int('clicks')) : 1;
    const perForm = knobs.choice('keyMintedAt') === 'form-render';
    const operations = spaced(clicks, knobs.int('clickGapMs'), (_, at) => ({
      at,
      client: 'customer-1',
      method: 'POST',
      path: '/payments',
      body: BODY,
      // Left out, the client mints a fresh key for each click.
      ...(perForm ? { key: FORM_KEY } : {}),
    }));
    return httpWorld(values, options, operations);
  },
  serverConfig,
};
