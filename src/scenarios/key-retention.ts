// Story: the key table grows with every payment, the reaper deletes keys past their retention,
// and a retry that comes after its key is gone runs the payment again.

import { HOUR_MS } from '../server/profiles.ts';
import { PAYMENT_STRATEGY_IDS } from '../server/strategies/index.ts';
import {
  CLIENT_KNOBS,
  NETWORK_KNOBS,
  PROVIDER_KNOBS,
  SERVER_KNOBS,
  httpWorld,
  serverConfig,
} from './http-world.ts';
import { defineKnobs, readKnobs, withChanges, withDefaults } from './knobs.ts';
import { OUTBOX_AT_LEAST_ONCE, PAYMENT_EFFECTS, PAYMENT_INVARIANTS } from './payment-checks.ts';
import { PAYMENT_KNOBS, paymentOperations } from './payment-lost-response.ts';
import type { Scenario } from './types.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The client's schedule, in hours rather than seconds: it backs off 30 min, then 1 h, then 2 h,
 * so its last retry comes about 3.5 h after the first attempt. Ranges widen to match.
 */
const CLIENT_SCHEDULE_KNOBS = withChanges(CLIENT_KNOBS, {
  timeoutMs: { default: 30_000, max: 600_000 },
  backoffMs: { default: 30 * MINUTE_MS, max: DAY_MS },
  backoffCapMs: { default: 2 * HOUR_MS, max: DAY_MS },
  jitter: { default: 0.1 },
});

const KNOBS = [
  ...withChanges(PAYMENT_KNOBS, {
    payments: { default: 20, max: 100 },
    paymentGapMs: {
      default: 30 * MINUTE_MS,
      max: DAY_MS,
      help: 'How long after one customer starts paying the next one starts: the arrival rate.',
    },
  }),
  ...CLIENT_SCHEDULE_KNOBS,
  ...defineKnobs([
    {
      id: 'lostAnswers',
      label: 'Answers lost for payment 1',
      group: 'network',
      kind: 'int',
      default: 3,
      min: 0,
      max: 10,
      help: 'The server’s answers to the first this-many attempts of payment 1 are lost, so its client keeps retrying on its schedule.',
    },
  ]),
  ...withDefaults(NETWORK_KNOBS, { requestLoss: 0, responseLoss: 0.05, duplicate: 0 }),
  ...withDefaults(SERVER_KNOBS, { retentionHours: 6 }),
  ...defineKnobs([
    {
      id: 'reaperIntervalMs',
      label: 'Reaper interval',
      group: 'server',
      kind: 'int',
      default: 15 * MINUTE_MS,
      min: MINUTE_MS,
      max: DAY_MS,
      unit: 'ms',
      help: 'How often the reaper deletes expired keys. Each run is shown with the number of keys left.',
    },
  ]),
  ...PROVIDER_KNOBS,
];

export const keyRetention: Scenario = {
  id: 'key-retention',
  title: 'How long to remember a key',
  summary:
    'Every key costs storage until a cleanup job (the reaper) deletes it; a retry that comes after its key is gone runs again.',
  storySeed: 1,
  prose: {
    happens:
      'Twenty customers pay 42.00, one every 30 minutes. The server keeps each Idempotency-Key (the id a client sends so the server can recognise its retries) for 6 hours, and a cleanup job, the reaper, deletes expired keys every 15 minutes. The first customer’s answers are lost three times, so its client retries on a slow schedule: after 30 minutes, then 1 hour, then 2 hours. Its last retry comes about 3.5 hours after the first attempt.',
    watch:
      'Follow payment 1’s four attempts. The naive server charges the card on each one. The Idempotency-Key store replays the first answer each time: 3.5 hours is inside the 6-hour retention. Then watch the reaper lines: the key table grows by 2 keys an hour. From hour 6 the reaper deletes the oldest keys as fast as new ones come, and the table levels off at about 12: 2 payments an hour × 6 hours kept. That table is the price of the replay.',
    tryThis: [
      {
        label: 'Set Key retention to 3 h',
        knobs: { retentionHours: 3 },
        outcome:
          'The reaper deletes payment 1’s key after 3 hours, before the last retry comes. To the server that retry is a new payment: the key store charges the card twice. Upsert keys on the payment intent, which it never deletes, and still charges once.',
        expect: [
          { strategy: 'idempotency-key', invariant: 'one-charge-per-intent', holds: false },
          { strategy: 'upsert', invariant: 'one-charge-per-intent', holds: true },
        ],
      },
      {
        label: 'Set Retries to 6 and Answers lost for payment 1 to 6',
        knobs: { retries: 6, lostAnswers: 6 },
        outcome:
          'The client now retries for about 9 hours (the backoff stops growing at 2 hours). Its retry at about 7 hours comes after the 6-hour retention, so the key store charges the card again: the client kept retrying for longer than the server kept the key.',
        expect: [
          { strategy: 'idempotency-key', invariant: 'one-charge-per-intent', holds: false },
          { strategy: 'naive', invariant: 'one-charge-per-intent', holds: false },
        ],
      },
      {
        label: 'Set Key retention to 24 h',
        knobs: { retentionHours: 24 },
        outcome:
          'Every retry is answered from its key, but the reaper never deletes one while the story runs: the table holds every key, 20 of them. Retention buys safety with storage: payments per hour × hours kept.',
        expect: [
          { strategy: 'idempotency-key', invariant: 'one-charge-per-intent', holds: true },
          { strategy: 'idempotency-key', invariant: 'one-row-per-key', holds: true },
        ],
      },
    ],
    lesson:
      'Idempotency is not free: every key is a row the server keeps. Keep keys longer than any client keeps retrying, or a late retry becomes a second payment. A webhook inbox has the same rule: it must remember event ids for longer than the sender retries.',
  },
  demonstrates: {
    breaks: 'naive',
    holds: 'idempotency-key',
    invariant: 'one-charge-per-intent',
  },
  limits: [
    {
      strategy: 'idempotency-key',
      invariant: 'one-charge-per-intent',
      why: 'A key lives for its retention only. A retry that comes after the key expired, or after the reaper deleted it, is a new request and runs again: retention must outlast the longest time a client keeps retrying.',
    },
    OUTBOX_AT_LEAST_ONCE,
  ],
  knobs: KNOBS,
  strategies: PAYMENT_STRATEGY_IDS,
  defaultStrategies: ['naive', 'idempotency-key'],
  effects: PAYMENT_EFFECTS,
  invariants: PAYMENT_INVARIANTS,
  world(values, options) {
    const lost = readKnobs(KNOBS, values).int('lostAnswers');
    const world = httpWorld(values, options, paymentOperations(values, options));
    const dropResponse = Array.from({ length: lost }, (_, i) => ({ op: 1, attempt: i + 1 }));
    // Jobs tick for hours here (the outbox relay every second): room for a tick a second all run long.
    const bounds = {
      ...world.bounds,
      maxEvents: world.bounds.maxEvents + Math.ceil(world.bounds.maxTimeMs / 1000),
    };
    // Faults off: nothing is lost, so payment 1 never retries.
    return { ...world, bounds, pinned: options.faults ? { dropResponse } : {} };
  },
  serverConfig: (values) => ({
    ...serverConfig(values),
    reaperEveryMs: readKnobs(KNOBS, values).int('reaperIntervalMs'),
  }),
};
