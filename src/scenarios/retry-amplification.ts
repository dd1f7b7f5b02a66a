// Story: retry(3) at three layers — browser, gateway, service — multiplies one payment into up
// to 4 × 4 × 4 = 64 provider calls; without idempotency, into up to 64 charges.

import { PAYMENT_STRATEGY_IDS } from '../server/strategies/index.ts';
import type { Operation, World } from '../sim/simulation.ts';
import {
  CLIENT_KNOBS,
  NETWORK_KNOBS,
  PROVIDER_KNOBS,
  SERVER_KNOBS,
  httpWorld,
  serverConfig,
} from './http-world.ts';
import { defineKnobs, readKnobs, withChanges, withDefaults, type KnobId } from './knobs.ts';
import {
  ONE_CHARGE_PER_INTENT,
  OUTBOX_AT_LEAST_ONCE,
  PAYMENT_EFFECTS,
  PAYMENT_INVARIANTS,
} from './payment-checks.ts';
import { PAYMENT_KNOBS, paymentOperations } from './payment-lost-response.ts';
import type { InvariantSpec, KnobValues, Scenario, WorldOptions } from './types.ts';

export const KEY_MINTERS = ['browser', 'gateway'] as const;

const count = (n: unknown, one: string, many = `${one}s`) =>
  `${Number(n)} ${Number(n) === 1 ? one : many}`;

/**
 * One charge per payment, with the attempts at every layer in the detail: how many tries the
 * browser, the gateway, the service and its provider client made for the payment charged twice.
 * Payment n pays intent `pi_n` (see `world`), which is how a charge finds its attempts.
 */
export const CHARGES_PER_PAYMENT: InvariantSpec = {
  ...ONE_CHARGE_PER_INTENT,
  sql: `SELECT c.intent, c.charges, ifnull(a.client, 0) AS client, ifnull(a.gateway, 0) AS gateway,
  ifnull(a.server, 0) AS server, ifnull(a.provider, 0) AS provider
FROM (SELECT intent, count(*) AS charges FROM psp.charges GROUP BY intent HAVING count(*) > 1) c
LEFT JOIN (
  SELECT op, sum(layer = 'client') AS client, sum(layer = 'gateway') AS gateway,
    sum(layer = 'server') AS server, sum(layer = 'provider') AS provider
  FROM run.attempts GROUP BY op
) a ON c.intent = 'pi_' || a.op
ORDER BY c.intent`,
  ok: 'Every payment was charged at most once, however many attempts it took.',
  describe: (row) =>
    `${row.intent} was charged ${row.charges} times: ${count(row.client, 'browser attempt')} → ${count(row.gateway, 'gateway try', 'gateway tries')} → ${count(row.server, 'service run')} → ${count(row.provider, 'provider call')}`,
};

const GATEWAY_KNOBS = defineKnobs([
  {
    id: 'gatewayRetries',
    label: 'Gateway retries',
    group: 'network',
    kind: 'int',
    default: 3,
    min: 0,
    max: 10,
    help: 'How many more times the API gateway forwards a request to the service after a try times out or gets a 5xx.',
  },
  {
    id: 'gatewayTimeoutMs',
    label: 'Gateway timeout',
    group: 'network',
    kind: 'int',
    default: 3000,
    min: 10,
    max: 60_000,
    unit: 'ms',
    help: 'How long the gateway waits for the service before it counts a try as failed.',
  },
  {
    id: 'gatewayBackoffMs',
    label: 'Gateway backoff',
    group: 'network',
    kind: 'int',
    default: 100,
    min: 0,
    max: 10_000,
    unit: 'ms',
    help: 'The gateway’s wait before its first retry; it doubles for each retry after that (no jitter).',
  },
  {
    id: 'gatewayLatencyMs',
    label: 'Gateway ↔ service latency',
    group: 'network',
    kind: 'int',
    default: 5,
    min: 1,
    max: 5000,
    unit: 'ms',
    help: 'One-way time a message takes between the gateway and the service.',
  },
  {
    id: 'gatewayRequestLoss',
    label: 'Gateway → service loss',
    group: 'network',
    kind: 'ratio',
    default: 0,
    min: 0,
    max: 1,
    help: 'Chance that a request the gateway forwards never reaches the service.',
  },
  {
    id: 'gatewayResponseLoss',
    label: 'Service → gateway loss',
    group: 'network',
    kind: 'ratio',
    default: 0.3,
    min: 0,
    max: 1,
    help: 'Chance that the service’s answer is lost on its way back to the gateway, after the service did the work.',
  },
]);

const SERVICE_RETRY_KNOBS = defineKnobs([
  {
    id: 'pspRetries',
    label: 'Service retries to the provider',
    group: 'provider',
    kind: 'int',
    default: 3,
    min: 0,
    max: 10,
    help: 'How many more times the service calls the payment provider after a call times out (504) or finds it down (503).',
  },
  {
    id: 'pspTimeoutMs',
    label: 'Service timeout on the provider',
    group: 'provider',
    kind: 'int',
    default: 400,
    min: 2,
    max: 60_000,
    unit: 'ms',
    help: 'How long the service waits for the provider’s answer. A provider slower than this always looks lost.',
  },
  {
    id: 'pspBackoffMs',
    label: 'Service backoff',
    group: 'provider',
    kind: 'int',
    default: 100,
    min: 0,
    max: 10_000,
    unit: 'ms',
    help: 'The service’s wait before it calls the provider again; it doubles for each retry after that (no jitter).',
  },
]);

const KNOBS = [
  ...withChanges(PAYMENT_KNOBS, { payments: { max: 20 }, paymentGapMs: { max: 600_000 } }),
  ...defineKnobs([
    {
      id: 'keyMintedBy',
      label: 'Key minted by',
      group: 'client',
      kind: 'choice',
      default: 'browser',
      options: KEY_MINTERS,
      optionHelp: {
        browser: 'The browser mints one key per payment and sends it on every attempt.',
        gateway: 'The browser sends no key; the gateway mints one for every request it receives.',
      },
      help: 'Where the Idempotency-Key is made. Every layer below forwards it unchanged.',
    },
  ]),
  ...withDefaults(CLIENT_KNOBS, { timeoutMs: 15_000 }),
  ...withDefaults(NETWORK_KNOBS, { requestLoss: 0, responseLoss: 0.1, duplicate: 0 }),
  ...GATEWAY_KNOBS,
  ...SERVER_KNOBS,
  ...withDefaults(PROVIDER_KNOBS, { pspLostReply: 0.3 }),
  ...SERVICE_RETRY_KNOBS,
];

/** Retry delays double without a cap here: `retries` bounds them (10 at most). */
const NO_CAP_MS = 3_600_000;

/** The world: httpWorld's client, network, server and provider, plus the gateway and the service's retry. */
function layeredWorld(
  values: KnobValues,
  options: WorldOptions,
  operations: readonly Operation[],
): World {
  const base = httpWorld(values, options, operations);
  const knobs = readKnobs(KNOBS, values);
  const { faults } = options;
  const ratio = (id: KnobId<typeof KNOBS, 'ratio'>) => (faults ? knobs.ratio(id) : 0);
  const tries = (id: KnobId<typeof KNOBS, 'int'>) => 1 + knobs.int(id);
  // Every layer's tries multiply; the bounds grow with the product so a full storm fits.
  const product = tries('retries') * tries('gatewayRetries') * tries('pspRetries');
  return {
    ...base,
    gateway: {
      retries: knobs.int('gatewayRetries'),
      // Faults off: no premature timeout anywhere; the gateway waits for every answer.
      timeoutMs: faults ? knobs.int('gatewayTimeoutMs') : null,
      backoffMs: knobs.int('gatewayBackoffMs'),
      backoffCapMs: NO_CAP_MS,
      jitter: 0,
      latencyMs: knobs.int('gatewayLatencyMs'),
      requestLoss: ratio('gatewayRequestLoss'),
      responseLoss: ratio('gatewayResponseLoss'),
      mintsKey: knobs.choice('keyMintedBy') === 'gateway',
    },
    providerRetry: {
      retries: knobs.int('pspRetries'),
      timeoutMs: faults ? knobs.int('pspTimeoutMs') : null,
      backoffMs: knobs.int('pspBackoffMs'),
      backoffCapMs: NO_CAP_MS,
      jitter: 0,
    },
    bounds: {
      ...base.bounds,
      maxEvents: base.bounds.maxEvents + 60 * operations.length * product,
      maxQueue: base.bounds.maxQueue + 20 * operations.length * product,
    },
  };
}

export const retryAmplification: Scenario = {
  id: 'retry-amplification',
  title: 'retry(3), three times over',
  summary:
    'Retries at three layers multiply one payment into up to 64 attempts; without one Idempotency-Key carried through every layer, into up to 64 charges.',
  storySeed: 18,
  prose: {
    happens:
      'A customer pays 42.00. The browser sends the payment to an API gateway, the gateway forwards it to the payment service, and the service calls the payment provider. Each layer has its own timeout and retries up to 3 times, retry(3): one try from the layer above can become 4 tries below. On the story seed answers get lost on the way back, so every layer tries again without knowing that the layers above and below do too. The naive service charges the card 14 times.',
    watch:
      'Count the arrows into the provider. Each browser attempt becomes up to 4 gateway tries, each gateway try a service run, each run up to 4 provider calls: 4 × 4 × 4 = 64 at worst. The naive service charges the card on every call that reaches the provider. With an Idempotency-Key (an id for this one payment, sent as a header) made once in the browser and forwarded by every layer, the service replays or resumes the first payment, and the provider sees the same key on every call: one charge.',
    tryThis: [
      {
        label: 'Set Service → gateway loss and Provider answer lost to 100 %',
        knobs: { gatewayResponseLoss: 1, pspLostReply: 1 },
        outcome:
          'No answer ever gets back. The browser tries 4 times, the gateway 16 times, the service calls the provider 64 times. Naive charges the card 64 times, the key store once.',
        expect: [
          { strategy: 'naive', invariant: 'one-charge-per-intent', holds: false },
          { strategy: 'idempotency-key', invariant: 'one-charge-per-intent', holds: true },
        ],
      },
      {
        label: 'Set Key minted by to gateway and Service → gateway loss to 100 %',
        knobs: { keyMintedBy: 'gateway', gatewayResponseLoss: 1 },
        outcome:
          'The gateway makes up a new key for every browser attempt, so each of the 4 attempts is a new payment to the service: the key store charges 4 times. Upsert, which keys on the payment intent itself, still charges once.',
        expect: [
          { strategy: 'idempotency-key', invariant: 'one-charge-per-intent', holds: false },
          { strategy: 'upsert', invariant: 'one-charge-per-intent', holds: true },
        ],
      },
      {
        label: 'Set Retries, Gateway retries and Service retries to the provider to 0',
        knobs: { retries: 0, gatewayRetries: 0, pspRetries: 0 },
        outcome:
          'One try per layer: nothing is repeated, so naive charges at most once. The price is a customer who may be told the payment failed when it went through.',
        expect: [{ strategy: 'naive', invariant: 'one-charge-per-intent', holds: true }],
      },
    ],
    lesson:
      'retry(3) at three layers is up to 64 attempts for one click. Retries are still needed. What makes them safe is one key, made where the payment starts (the browser), carried through every layer, and checked at every step that changes something.',
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
      why: 'The store dedupes by the key it is given. When the gateway mints the key, each browser retry arrives under a new key and is a new payment; the key must be minted once per intent, in the browser.',
    },
    OUTBOX_AT_LEAST_ONCE,
  ],
  knobs: KNOBS,
  strategies: PAYMENT_STRATEGY_IDS,
  defaultStrategies: ['naive', 'idempotency-key'],
  effects: PAYMENT_EFFECTS,
  invariants: PAYMENT_INVARIANTS.map((spec) =>
    spec.id === ONE_CHARGE_PER_INTENT.id ? CHARGES_PER_PAYMENT : spec,
  ),
  world(values, options) {
    const operations = paymentOperations(values, options);
    // The gateway mints the key: the browser sends none.
    const byGateway = readKnobs(KNOBS, values).choice('keyMintedBy') === 'gateway';
    return layeredWorld(
      values,
      options,
      byGateway ? operations.map((op) => ({ ...op, key: null })) : operations,
    );
  },
  serverConfig,
};
