// Story: the card is charged, the response is lost, the client retries.

import { PAYMENT_STRATEGY_IDS } from '../server/strategies/index.ts';
import type { Operation } from '../sim/simulation.ts';
import {
  CLIENT_KNOBS,
  NETWORK_KNOBS,
  PROVIDER_KNOBS,
  SERVER_KNOBS,
  httpWorld,
  serverConfig,
} from './http-world.ts';
import { readKnobs } from './knobs.ts';
import { OUTBOX_AT_LEAST_ONCE, PAYMENT_EFFECTS, PAYMENT_INVARIANTS } from './payment-checks.ts';
import type { KnobValues, Scenario, WorldOptions } from './types.ts';
import { countAndGap, spaced } from './workload.ts';

/** How many customers pay, and how far apart: the workload of the payment stories. */
export const PAYMENT_KNOBS = countAndGap(
  {
    id: 'payments',
    label: 'Payments',
    default: 1,
    max: 50,
    help: 'How many customers each pay once, one after another.',
  },
  {
    id: 'paymentGapMs',
    label: 'Time between payments',
    default: 500,
    max: 60_000,
    help: 'How long after one customer starts paying the next one starts.',
  },
);

/** Customer n pays intent `pi_n` 42.00, `paymentGapMs` after customer n - 1 started. */
export function paymentOperations(values: KnobValues, options: WorldOptions): Operation[] {
  const knobs = readKnobs(PAYMENT_KNOBS, values);
  const count = options.operations ?? knobs.int('payments');
  return spaced(count, knobs.int('paymentGapMs'), (n, at) => ({
    at,
    client: `customer-${n}`,
    method: 'POST',
    path: '/payments',
    body: { intent: `pi_${n}`, amount_cents: 4200 },
  }));
}

export const paymentLostResponse: Scenario = {
  id: 'payment-lost-response',
  title: 'The lost response',
  summary:
    'A retry after a lost response charges twice, unless the server stores the Idempotency-Key with the first answer and replays that answer.',
  storySeed: 12,
  prose: {
    happens:
      'A customer pays 42.00. The request carries an Idempotency-Key header: an id the client makes once for this payment and sends again with every retry. The server creates the order, charges the card through the payment provider, then answers 201. On the story seed that answer is lost on the way back. The client waits 1000 ms, hears nothing, and sends the same payment again.',
    watch:
      'Follow attempt 1: its response ends in ✕. Then watch attempt 2 arrive. The naive server treats it as a new payment and charges the card again. The Idempotency-Key store (the server that saves each key with its answer) finds the key from attempt 1 and sends back the first answer, marked Idempotent-Replayed: true.',
    tryThis: [
      {
        label: 'Set Response loss to 0 %',
        knobs: { responseLoss: 0 },
        outcome:
          'No answer is lost, so the client never retries a payment that went through. Naive charges once too.',
        expect: [
          { strategy: 'naive', invariant: 'one-charge-per-intent', holds: true },
          { strategy: 'idempotency-key', invariant: 'one-charge-per-intent', holds: true },
        ],
      },
      {
        label: 'Set Retries to 0',
        knobs: { retries: 0 },
        outcome:
          'Naive charges once. But when the answer is lost, the customer never learns that the payment went through.',
        expect: [{ strategy: 'naive', invariant: 'one-charge-per-intent', holds: true }],
      },
      {
        label: 'Set Payments to 20',
        knobs: { payments: 20 },
        outcome:
          'With 20 customers and 30 % response loss, naive charges 6 of them twice. The key store charges each one once.',
        expect: [
          { strategy: 'naive', invariant: 'one-charge-per-intent', holds: false },
          { strategy: 'idempotency-key', invariant: 'one-charge-per-intent', holds: true },
        ],
      },
    ],
    lesson:
      'A client cannot tell a lost request from a lost response. So it must retry, and the retry must be safe. The server makes it safe: it stores the key with the first answer and replays that answer to every retry.',
  },
  demonstrates: {
    breaks: 'naive',
    holds: 'idempotency-key',
    invariant: 'one-charge-per-intent',
  },
  limits: [OUTBOX_AT_LEAST_ONCE],
  knobs: [...PAYMENT_KNOBS, ...CLIENT_KNOBS, ...NETWORK_KNOBS, ...SERVER_KNOBS, ...PROVIDER_KNOBS],
  strategies: PAYMENT_STRATEGY_IDS,
  defaultStrategies: ['naive', 'idempotency-key'],
  effects: PAYMENT_EFFECTS,
  invariants: PAYMENT_INVARIANTS,
  world: (knobs, options) => httpWorld(knobs, options, paymentOperations(knobs, options)),
  serverConfig,
};
