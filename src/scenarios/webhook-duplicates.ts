// Story: "payment completed" is delivered twice because the sender retries until it sees a 2xx —
// and the other ways a webhook consumer meets one change again, or misses it: crashes around the
// answer, a redelivery minutes later, reordering, a consumer that fails, two events for one change.

import { HOUR_MS } from '../server/profiles.ts';
import { inboxBusinessKey } from '../server/strategies/inbox-business-key.ts';
import { WEBHOOK_STRATEGY_IDS } from '../server/strategies/index.ts';
import { WEBHOOK_ID, WEBHOOK_PATH } from '../server/webhooks.ts';
import type { Operation, PinnedFaults } from '../sim/simulation.ts';
import { CONSUMER_SERVER_KNOBS, consumerServerConfig } from './consumer-world.ts';
import { NETWORK_KNOBS, worldWithoutProvider } from './http-world.ts';
import { defineKnobs, readKnobs, withDefaults } from './knobs.ts';
import type { KnobValues, Scenario } from './types.ts';
import { caseKnob } from './workload.ts';
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
  'consumer-error',
] as const;
export type WebhookCase = (typeof WEBHOOK_CASES)[number];

/** What each case does, in words, for the page. The times are those of the default schedule. */
export const WEBHOOK_CASE_TEXT: Readonly<Record<WebhookCase, string>> = {
  redelivery:
    'The consumer’s 200 to the first delivery is lost. The sender waits 15 s, then 1 min, and delivers the same event again, with the same event id.',
  'crash-before-ack':
    'The consumer does the work, then crashes before it can answer. The sender hears nothing and delivers the event again.',
  'crash-after-ack':
    'The consumer crashes right after it answers 200. Only a consumer that answers before it works is hurt: its work never happens.',
  'late-redelivery':
    'The consumer’s 200s to the first three deliveries are lost. The fourth delivery comes 7 to 8 minutes after the first, on the sender’s backoff.',
  'out-of-order':
    'Two payments complete 1 s apart. The first payment’s event is lost on the way and redelivered after the second one.',
  'stale-event':
    'One payment sends “processing”, then “completed” 1 s later. The first delivery of “processing” is lost, so it arrives last.',
  'consumer-error':
    'A free order (amount 0 after a 100 % coupon) breaks the consumer: its invoice table takes only amounts above 0. It answers 500 every time; the sender delivers it 14 more times over about 2.5 days, then gives up.',
};

const SENDER = 'payments-provider';

interface Event {
  readonly at: number;
  readonly intent: string;
  readonly type: 'payment.processing' | 'payment.completed';
  /** The payment's status as of this event, versioned per payment. */
  readonly version: number;
  readonly amountCents: number;
}

const AMOUNT_CENTS = 4200;
const completed = (at: number, intent: string): Event => ({
  at,
  intent,
  type: 'payment.completed',
  version: 2,
  amountCents: AMOUNT_CENTS,
});

/**
 * A case: the events the sender creates, and faults pinned to them. `pinned` names events by
 * their place in `events` (1, 2, …); the script turns those into operation numbers once any
 * second events for one change are added.
 */
interface CaseScript {
  readonly events: readonly Event[];
  readonly pinned: (op: (event: number) => number) => PinnedFaults;
}

const CASES: Readonly<Record<WebhookCase, CaseScript>> = {
  redelivery: {
    events: [completed(0, 'pi_1')],
    pinned: (op) => ({ dropResponse: [{ op: op(1), attempt: 1 }] }),
  },
  'crash-before-ack': {
    events: [completed(0, 'pi_1')],
    pinned: (op) => ({ crashAfter: [{ op: op(1), attempt: 1, step: 'apply-event' }] }),
  },
  'crash-after-ack': {
    events: [completed(0, 'pi_1')],
    pinned: (op) => ({ crashAfter: [{ op: op(1), attempt: 1, step: 'ack' }] }),
  },
  'late-redelivery': {
    events: [completed(0, 'pi_1')],
    pinned: (op) => ({ dropResponse: [1, 2, 3].map((attempt) => ({ op: op(1), attempt })) }),
  },
  'out-of-order': {
    events: [completed(0, 'pi_1'), completed(1000, 'pi_2')],
    pinned: (op) => ({ dropRequest: [{ op: op(1), attempt: 1 }] }),
  },
  'stale-event': {
    events: [
      { ...completed(0, 'pi_1'), type: 'payment.processing', version: 1 },
      completed(1000, 'pi_1'),
    ],
    pinned: (op) => ({ dropRequest: [{ op: op(1), attempt: 1 }] }),
  },
  'consumer-error': {
    events: [{ ...completed(0, 'pi_1'), amountCents: 0 }],
    pinned: () => ({}),
  },
};

/** When Stripe's second event for a change follows is not in our research; ours comes 0.5 s later. */
const SECOND_EVENT_AFTER_MS = 500;

/** The sender's operations in creation order: evt_n is the n-th event, its sequence number n. */
function script(
  which: WebhookCase,
  eventsPerChange: number,
  faults: boolean,
): { operations: Operation[]; pinned: PinnedFaults } {
  const { events, pinned } = CASES[which];
  // Faults off, the sender creates one event per change and the consumer can process each.
  const created = events.flatMap((event, index) => {
    const one = { event: faults ? event : { ...event, amountCents: AMOUNT_CENTS }, index };
    const twice = faults && eventsPerChange > 1 && event.type === 'payment.completed';
    return twice ? [one, { event: { ...one.event, at: event.at + SECOND_EVENT_AFTER_MS } }] : [one];
  });
  const ordered = created.sort((a, b) => a.event.at - b.event.at);
  const operations = ordered.map(({ event }, i) => delivery(event, i + 1));
  const op = (n: number) => ordered.findIndex((c) => 'index' in c && c.index === n - 1) + 1;
  return { operations, pinned: faults ? pinned(op) : {} };
}

function delivery(event: Event, n: number): Operation {
  const id = `evt_${n}`;
  return {
    at: event.at,
    client: SENDER,
    method: 'POST',
    path: WEBHOOK_PATH,
    body: {
      event: id,
      type: event.type,
      intent: event.intent,
      amount_cents: event.amountCents,
      sequence: n,
      status: event.type === 'payment.completed' ? 'completed' : 'processing',
      version: event.version,
    },
    key: null,
    headers: { [WEBHOOK_ID]: id },
  };
}

/**
 * The sender's schedule. Stripe retries a live-mode event "for up to three days with exponential
 * backoff" (docs.stripe.com/webhooks, research/semantics-report.md §2.2); its exact gaps are not
 * in our research, so the defaults double from 1 min up to a 12 h cap: 14 retries, the last about
 * 65 h (2.7 days) after the first delivery. The timeout is the low end of the Standard Webhooks
 * spec's recommended 15–30 s (semantics-report.md §2.5); Stripe's own figure is not in our
 * research. The sim's client plays the sender: these are its knobs, under the provider's name.
 */
const SENDER_KNOBS = defineKnobs([
  {
    id: 'timeoutMs',
    label: 'Sender timeout',
    group: 'provider',
    kind: 'int',
    default: 15_000,
    min: 1000,
    max: 60_000,
    unit: 'ms',
    help: 'How long the sender waits for the consumer’s answer. No 2xx by then counts as a failed delivery.',
  },
  {
    id: 'retries',
    label: 'Redeliveries',
    group: 'provider',
    kind: 'int',
    default: 14,
    min: 0,
    max: 20,
    help: 'How many times the sender tries again after a delivery that timed out or got a 5xx answer.',
  },
  {
    id: 'backoffMs',
    label: 'First backoff',
    group: 'provider',
    kind: 'int',
    default: 60_000,
    min: 0,
    max: HOUR_MS,
    unit: 'ms',
    help: 'The wait before the first redelivery; it doubles for each one after that.',
  },
  {
    id: 'backoffCapMs',
    label: 'Backoff cap',
    group: 'provider',
    kind: 'int',
    default: 12 * HOUR_MS,
    min: 0,
    max: 24 * HOUR_MS,
    unit: 'ms',
    help: 'The longest the sender ever waits between two deliveries.',
  },
  {
    id: 'jitter',
    label: 'Jitter',
    group: 'provider',
    kind: 'ratio',
    default: 0.1,
    min: 0,
    max: 1,
    help: 'Share of each wait that is randomised away, so a sender’s retries do not all land at once.',
  },
  {
    id: 'eventsPerChange',
    label: 'Events per payment',
    group: 'provider',
    kind: 'int',
    default: 1,
    min: 1,
    max: 2,
    help: 'How many events the sender creates for one completed payment. Stripe says it sometimes sends two separate events, with two ids, for one change.',
  },
]);

const KNOBS = [
  ...caseKnob(
    WEBHOOK_CASES,
    WEBHOOK_CASE_TEXT,
    'How the event comes again, or goes missing. Each case is scripted, so it shows on every seed.',
  ),
  ...SENDER_KNOBS,
  ...withDefaults(NETWORK_KNOBS, {
    requestLoss: 0,
    responseLoss: 0,
    duplicate: 0,
    latencySpreadMs: 0,
  }),
  ...CONSUMER_SERVER_KNOBS,
];

/** Room for every delivery: each attempt waits at most the timeout, then at most the cap. */
function horizonMs(values: KnobValues): number {
  const knobs = readKnobs(SENDER_KNOBS, values);
  const attempts = knobs.int('retries') + 1;
  return attempts * (knobs.int('timeoutMs') + knobs.int('backoffCapMs')) + HOUR_MS;
}

// Baseline, correct, buggy: the business-key inbox sits next to the inbox it extends.
const STRATEGY_IDS = WEBHOOK_STRATEGY_IDS.flatMap((id) =>
  id === 'inbox' ? [id, inboxBusinessKey.id] : [id],
);

const STATUS_NOT_ORDERED =
  'It stops repeats, not reordering: a stale “processing” event that arrives last still overwrites “completed”. Ordering takes a version check.';

export const webhookDuplicates: Scenario = {
  id: 'webhook-duplicates',
  title: 'The webhook that came twice',
  summary:
    'A webhook sender retries until it gets a 2xx answer, so one payment can be invoiced, emailed and reserved twice, unless the consumer remembers the event ids it has handled.',
  storySeed: 1,
  prose: {
    happens:
      'A payment provider tells a shop “payment completed” by webhook: an HTTP POST from the provider to the shop’s server. The shop (the consumer) creates an invoice, reserves the stock and emails a receipt, all in one database transaction, then answers 200. The provider waits 15 s for that 200. Without it, it sends the same event again, with the same event id (the webhook-id header), after 1 min, 2 min, 4 min and so on, up to 12 h apart, for about two and a half days (Stripe retries for up to 3 days). On the story seed the first 200 is lost on its way back.',
    watch:
      'Count invoices, emails and stock reservations in each column. The naive consumer does all three again for the second delivery. The inbox consumer wrote the event id into a table of processed events (its “inbox”) in the same transaction as the work. The second delivery finds the id there and gets a 200 without any work.',
    tryThis: [
      {
        label: 'Set Events per payment to 2',
        knobs: { eventsPerChange: 2 },
        outcome:
          'The provider now sends two events with different ids for the one payment. The inbox has never seen the second id, so it invoices again. The inbox-business-key consumer also records the payment and the event type, so it does the work once.',
        expect: [
          { strategy: 'inbox', invariant: 'one-invoice-per-payment', holds: false },
          { strategy: 'inbox-business-key', invariant: 'one-invoice-per-payment', holds: true },
        ],
      },
      {
        label: 'Set Case to late-redelivery',
        knobs: { case: 'late-redelivery' },
        outcome:
          'The fourth delivery comes 7 to 8 minutes after the first. The short-dedupe-window consumer remembers event ids for 5 minutes only: it has forgotten this one and invoices again. The inbox still remembers it.',
        expect: [
          { strategy: 'short-dedupe-window', invariant: 'one-invoice-per-payment', holds: false },
          { strategy: 'inbox', invariant: 'one-invoice-per-payment', holds: true },
        ],
      },
      {
        label: 'Set Case to consumer-error',
        knobs: { case: 'consumer-error' },
        outcome:
          'The consumer answers 500 to every delivery, so the sender keeps trying: 15 deliveries over about 2.5 days, then it gives up. The ack-before-process consumer answered 200 before its work failed, so the event is lost for good.',
        expect: [
          { strategy: 'ack-before-process', invariant: 'nothing-lost', holds: false },
          { strategy: 'inbox', invariant: 'nothing-lost', holds: true },
        ],
      },
    ],
    lesson:
      'A webhook arrives at least once: the sender retries until it gets a 2xx, for days. Record the event id in the same transaction as the work, and keep the ids for longer than the sender retries. When one change can come as two events, also record the payment and the event type.',
  },
  limits: [
    {
      strategy: 'version-check',
      invariant: 'one-invoice-per-payment',
      why: 'A version check orders updates to one row; it does not remember deliveries, so a redelivered event invoices again.',
    },
    {
      strategy: 'inbox',
      invariant: 'one-invoice-per-payment',
      why: 'The inbox knows event ids, not payments. With two events per payment, the second id is new to it and invoices again.',
    },
    { strategy: 'inbox', invariant: 'status-is-latest', why: STATUS_NOT_ORDERED },
    { strategy: 'inbox-business-key', invariant: 'status-is-latest', why: STATUS_NOT_ORDERED },
  ],
  demonstrates: {
    breaks: 'naive',
    holds: 'inbox',
    invariant: 'one-invoice-per-payment',
  },
  knobs: KNOBS,
  strategies: STRATEGY_IDS,
  defaultStrategies: ['naive', 'inbox'],
  effects: WEBHOOK_EFFECTS,
  invariants: [ONE_INVOICE_PER_PAYMENT, NOTHING_LOST, STATUS_IS_LATEST],
  world(knobs, options) {
    const read = readKnobs(KNOBS, knobs);
    const { operations, pinned } = script(
      read.choice('case'),
      read.int('eventsPerChange'),
      options.faults,
    );
    const world = worldWithoutProvider(knobs, options, operations);
    const last = operations[operations.length - 1]?.at ?? 0;
    // Faults off: each change is one event, delivered once and acknowledged once.
    return {
      ...world,
      bounds: { ...world.bounds, maxTimeMs: last + horizonMs(knobs) },
      pinned,
    };
  },
  serverConfig: consumerServerConfig,
};
