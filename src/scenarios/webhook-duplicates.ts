// Story: "payment completed" is delivered twice after a timeout — and the other ways a webhook
// consumer meets the same event again, or misses one: crashes around the acknowledgement, a
// redelivery hours later, events that arrive out of order.

import { WEBHOOK_STRATEGY_IDS } from '../server/strategies/index.ts';
import { WEBHOOK_ID, WEBHOOK_PATH } from '../server/webhooks.ts';
import type { Operation, PinnedFaults } from '../sim/simulation.ts';
import {
  CLIENT_KNOBS,
  NETWORK_KNOBS,
  PROVIDER_KNOBS,
  SERVER_KNOBS,
  httpWorld,
  serverConfig,
} from './http-world.ts';
import { choiceKnob, withDefaults } from './knobs.ts';
import type { KnobValue, Scenario } from './types.ts';
import {
  NOTHING_LOST,
  ONE_INVOICE_PER_PAYMENT,
  STATUS_IS_LATEST,
  WEBHOOK_EFFECTS,
} from './webhook-checks.ts';

export const WEBHOOK_CASES = [
  'redelivery',
  'crash-before-ack',
  'crash-after-ack',
  'late-redelivery',
  'out-of-order',
  'stale-event',
] as const;
export type WebhookCase = (typeof WEBHOOK_CASES)[number];

/** What each case does, in words, for the page. */
export const WEBHOOK_CASE_TEXT: Readonly<Record<WebhookCase, string>> = {
  redelivery:
    'The consumer’s 200 for the first delivery is lost; the sender delivers the event again.',
  'crash-before-ack':
    'The consumer crashes after the work commits and before it answers; the sender redelivers.',
  'crash-after-ack': 'The consumer crashes right after it answered 200, before any work.',
  'late-redelivery':
    'The consumer’s 200s to the first three deliveries are lost; the fourth comes about 7 minutes later, on the sender’s backoff.',
  'out-of-order':
    'Two payments complete a second apart; the first event’s delivery is lost and redelivered after the second.',
  'stale-event':
    'One payment: “processing” is sent, then “completed” a second later; the first delivery of “processing” is lost and redelivered last.',
};

const SENDER = 'payments-provider';

interface Event {
  readonly intent: string;
  readonly type: 'payment.processing' | 'payment.completed';
  /** The payment's status as of this event, versioned per payment. */
  readonly version: number;
}

const COMPLETED = (n: number): Event => ({
  intent: `pi_${n}`,
  type: 'payment.completed',
  version: 2,
});

/** The n-th event the sender emits (its sequence number), delivered from `at` on. */
function delivery(at: number, n: number, event: Event = COMPLETED(n)): Operation {
  const id = `evt_${n}`;
  const status = event.type === 'payment.completed' ? 'completed' : 'processing';
  return {
    at,
    client: SENDER,
    method: 'POST',
    path: WEBHOOK_PATH,
    body: {
      event: id,
      type: event.type,
      intent: event.intent,
      amount_cents: 4200,
      sequence: n,
      status,
      version: event.version,
    },
    key: null,
    headers: { [WEBHOOK_ID]: id },
  };
}

interface CaseScript {
  readonly operations: readonly Operation[];
  readonly pinned: PinnedFaults;
}

const CASES: Readonly<Record<WebhookCase, CaseScript>> = {
  redelivery: { operations: [delivery(0, 1)], pinned: { dropResponse: [{ op: 1, attempt: 1 }] } },
  'crash-before-ack': {
    operations: [delivery(0, 1)],
    pinned: { crashAfter: [{ op: 1, attempt: 1, step: 'apply-event' }] },
  },
  'crash-after-ack': {
    operations: [delivery(0, 1)],
    pinned: { crashAfter: [{ op: 1, attempt: 1, step: 'ack' }] },
  },
  'late-redelivery': {
    operations: [delivery(0, 1)],
    pinned: { dropResponse: [1, 2, 3].map((attempt) => ({ op: 1, attempt })) },
  },
  'out-of-order': {
    operations: [delivery(0, 1), delivery(1000, 2)],
    pinned: { dropRequest: [{ op: 1, attempt: 1 }] },
  },
  'stale-event': {
    operations: [
      delivery(0, 1, { intent: 'pi_1', type: 'payment.processing', version: 1 }),
      delivery(1000, 2, { intent: 'pi_1', type: 'payment.completed', version: 2 }),
    ],
    pinned: { dropRequest: [{ op: 1, attempt: 1 }] },
  },
};

// The sender's schedule: webhook providers wait for seconds, then back off for minutes to hours.
const SENDER_DEFAULTS = {
  timeoutMs: 10_000,
  retries: 5,
  backoffMs: 60_000,
  backoffCapMs: 3_600_000,
  jitter: 0.2,
};
const SHOWN_SERVER_KNOBS = SERVER_KNOBS.filter((k) =>
  ['stepMs', 'crash', 'restartMs'].includes(k.id),
);
// No payment provider and no key store take part here; the world still needs their settings.
const UNUSED: Readonly<Record<string, KnobValue>> = Object.fromEntries(
  [...PROVIDER_KNOBS, ...SERVER_KNOBS].map((k) => [k.id, k.default]),
);

export const webhookDuplicates: Scenario = {
  id: 'webhook-duplicates',
  title: 'The webhook that came twice',
  summary:
    'A redelivered event invoices, emails and reserves twice, unless the consumer dedupes by event id.',
  storySeed: 1,
  prose: {
    happens:
      'The payment provider tells the shop "payment completed" by webhook. The shop invoices, emails the customer and reserves the stock, then answers 200. On the story seed the 200 is lost, so the provider delivers the same event again, with the same Webhook-Id.',
    watch:
      'Count invoices and emails. The naive consumer does all the work again for the second delivery. The inbox consumer records the event id in the same transaction as the work and answers the second delivery 200 without doing anything.',
    tryThis: [
      {
        label: 'Set case to "crash-after-ack"',
        knobs: { case: 'crash-after-ack' },
        outcome:
          'The consumer answers 200 and then crashes. ack-before-process has already said yes, so the provider never sends the event again: the invoice is never made.',
        expect: [
          { strategy: 'ack-before-process', invariant: 'nothing-lost', holds: false },
          { strategy: 'inbox', invariant: 'nothing-lost', holds: true },
        ],
      },
      {
        label: 'Set case to "late-redelivery"',
        knobs: { case: 'late-redelivery' },
        outcome:
          'The fourth delivery comes about 7 minutes after the first. A dedupe window of 5 minutes has forgotten the event and invoices twice; the inbox remembers it.',
        expect: [
          { strategy: 'short-dedupe-window', invariant: 'one-invoice-per-payment', holds: false },
          { strategy: 'inbox', invariant: 'one-invoice-per-payment', holds: true },
        ],
      },
    ],
    lesson:
      'Webhooks are delivered at least once. The consumer must dedupe by the event id, in the same transaction as its work, and remember ids for longer than the sender retries.',
  },
  limits: [
    {
      strategy: 'version-check',
      invariant: 'one-invoice-per-payment',
      why: 'A version check orders updates to one row; it does not remember deliveries, so a redelivered event invoices again.',
    },
  ],
  demonstrates: {
    breaks: 'naive',
    holds: 'inbox',
    invariant: 'one-invoice-per-payment',
  },
  knobs: [
    {
      id: 'case',
      label: 'Case',
      group: 'workload',
      kind: 'choice',
      default: 'redelivery',
      options: WEBHOOK_CASES,
      optionHelp: WEBHOOK_CASE_TEXT,
      help: 'Which way the event comes again (or goes missing); each case is scripted, so it shows on every seed.',
    },
    ...withDefaults(CLIENT_KNOBS, SENDER_DEFAULTS),
    ...withDefaults(NETWORK_KNOBS, {
      requestLoss: 0,
      responseLoss: 0,
      duplicate: 0,
      latencySpreadMs: 0,
    }),
    ...SHOWN_SERVER_KNOBS,
  ],
  strategies: WEBHOOK_STRATEGY_IDS,
  defaultStrategies: ['naive', 'inbox'],
  effects: WEBHOOK_EFFECTS,
  invariants: [ONE_INVOICE_PER_PAYMENT, NOTHING_LOST, STATUS_IS_LATEST],
  world(knobs, options) {
    const script = CASES[choiceKnob(knobs, 'case', WEBHOOK_CASES)];
    const all = { ...UNUSED, ...knobs };
    // Faults off: each event is delivered once and acknowledged once.
    return {
      ...httpWorld(all, options, script.operations),
      pinned: options.faults ? script.pinned : {},
    };
  },
  serverConfig: (knobs) => serverConfig({ ...UNUSED, ...knobs }),
};
