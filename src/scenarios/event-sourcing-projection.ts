// Story: an account's balance is a projection of its events; PaymentReceived arrives twice, and
// events arrive out of order.

import { ACCOUNT_EVENTS_PATH } from '../server/projection.ts';
import {
  CONSUMER_SERVER_KNOBS,
  SENDER_KNOBS,
  consumerServerConfig,
  consumerWorld,
  workloadKnobs,
  type EventOf,
} from './consumer-world.ts';
import { BALANCE_IS_FOLD, PROJECTION_EFFECTS, VERSION_IS_NEWEST } from './consumer-checks.ts';
import { NETWORK_KNOBS } from './http-world.ts';
import { defineKnobs, readKnobs, withDefaults } from './knobs.ts';
import type { KnobValues, Scenario } from './types.ts';

const KNOBS = [
  ...workloadKnobs('Events', 6, 100),
  ...defineKnobs([
    {
      id: 'accounts',
      label: 'Accounts',
      group: 'workload',
      kind: 'int',
      default: 1,
      min: 1,
      max: 5,
      help: 'How many accounts the events take turns on; each account counts its own versions.',
    },
  ]),
  ...SENDER_KNOBS,
  ...withDefaults(NETWORK_KNOBS, {
    latencySpreadMs: 150,
    requestLoss: 0.1,
    responseLoss: 0.1,
    duplicate: 0.15,
  }),
  ...CONSUMER_SERVER_KNOBS,
];

/** Every third event of an account is a refund of 15.00; the others are payments of 42.00. */
function accountEvents(values: KnobValues): EventOf {
  const accounts = readKnobs(KNOBS, values).int('accounts');
  return (n, at) => {
    // Accounts take turns; versions count each account's own events, from 1 with no gaps.
    const account = ((n - 1) % accounts) + 1;
    const version = Math.floor((n - 1) / accounts) + 1;
    const refund = version % 3 === 0;
    return {
      at,
      client: 'event-stream',
      method: 'POST',
      path: ACCOUNT_EVENTS_PATH,
      key: null,
      body: {
        event: `evt_${n}`,
        type: refund ? 'Refund' : 'PaymentReceived',
        account: `acct_${account}`,
        amount_cents: refund ? 1500 : 4200,
        version,
        sequence: n,
      },
    };
  };
}

export const eventSourcingProjection: Scenario = {
  id: 'event-sourcing-projection',
  title: 'The projection that counted twice',
  summary:
    'A balance built from events goes wrong when an event arrives twice or late, unless each event is applied only if its version is the next one.',
  storySeed: 15,
  prose: {
    happens:
      'An account’s balance is not stored as such: the consumer builds it by adding up the account’s events. A total built this way is called a projection. The event stream sends 6 events, 100 ms apart: PaymentReceived 42.00, PaymentReceived 42.00, Refund 15.00, and again. Each event carries the account’s version: 1, 2, 3 and so on. The stream sends an event again until the consumer acknowledges it with a 200, and the network sometimes delivers one twice or lets a later one overtake an earlier one.',
    watch:
      'Compare the balances. The naive projection adds every delivery, so a duplicate PaymentReceived adds 42.00 twice. The inbox keeps a table of the event ids it has applied and drops copies, so the balance is right, but it takes events in arrival order: after a late event the account shows an old version. The version check applies only version = current + 1; it answers an older version as a duplicate and answers one further ahead with 409, so the stream sends it again after the gap is filled.',
    tryThis: [
      {
        label: 'Set Duplicate delivery to 0 % and Response loss to 0 %',
        knobs: { duplicate: 0, responseLoss: 0 },
        outcome:
          'Nothing arrives twice now, yet events still overtake each other: the naive balance is right, but its version is not.',
        expect: [
          { strategy: 'naive', invariant: 'balance-is-fold', holds: true },
          { strategy: 'naive', invariant: 'version-is-newest', holds: false },
          { strategy: 'version-check', invariant: 'version-is-newest', holds: true },
        ],
      },
      {
        label: 'Set Latency spread to 0 ms, Request loss to 0 % and Duplicate delivery to 30 %',
        knobs: { latencySpreadMs: 0, requestLoss: 0, duplicate: 0.3 },
        outcome:
          'Events now arrive in the order they were sent, but often twice. The inbox is right on both counts. Naive adds the copies, and so does auto-increment-dedupe: both copies arrive before the first has recorded its number.',
        expect: [
          { strategy: 'inbox', invariant: 'balance-is-fold', holds: true },
          { strategy: 'inbox', invariant: 'version-is-newest', holds: true },
          { strategy: 'naive', invariant: 'balance-is-fold', holds: false },
          { strategy: 'auto-increment-dedupe', invariant: 'balance-is-fold', holds: false },
        ],
      },
      {
        label: 'Set Accounts to 3',
        knobs: { accounts: 3 },
        outcome:
          'The events take turns on 3 accounts, each with its own versions. Auto-increment-dedupe compares the stream’s event numbers instead: an event overtaken by a later one, even for another account, is thrown away, and a balance misses it. The version check compares each account’s own versions and misses nothing.',
        expect: [
          { strategy: 'auto-increment-dedupe', invariant: 'balance-is-fold', holds: false },
          { strategy: 'version-check', invariant: 'balance-is-fold', holds: true },
          { strategy: 'version-check', invariant: 'version-is-newest', holds: true },
        ],
      },
    ],
    lesson:
      'A balance built from events must count each event once, and in order. An event id catches copies; a version per account puts events in order. Applying only version = current + 1 does both: an older version is a copy, and a gap means an event is still on its way.',
  },
  demonstrates: {
    breaks: 'naive',
    holds: 'version-check',
    invariant: 'balance-is-fold',
  },
  limits: [
    {
      strategy: 'inbox',
      invariant: 'version-is-newest',
      why: 'An inbox remembers which events it has seen, not their order: a late event is applied after a newer one and moves the account back to its older version.',
    },
  ],
  knobs: KNOBS,
  strategies: ['naive', 'inbox', 'version-check', 'auto-increment-dedupe'],
  defaultStrategies: ['naive', 'inbox', 'version-check'],
  effects: PROJECTION_EFFECTS,
  invariants: [BALANCE_IS_FOLD, VERSION_IS_NEWEST],
  world: (knobs, options) => consumerWorld(knobs, options, accountEvents(knobs)),
  serverConfig: consumerServerConfig,
};
