// Story: one client, one key, walked through every case the IETF draft names — and answered
// the way each profile (IETF, Stripe, brandur, Powertools) answers it.

import { RAISE_ERROR } from '../server/key-store/phases.ts';
import type { PowertoolsOptions } from '../server/profiles.ts';
import { PAYMENT_STRATEGY_IDS } from '../server/strategies/index.ts';
import type { ServerConfig } from '../server/strategy.ts';
import { IDEMPOTENCY_KEY } from '../sim/http.ts';
import type { Operation, PinnedFaults } from '../sim/simulation.ts';
import {
  CLIENT_KNOBS,
  NETWORK_KNOBS,
  PROVIDER_KNOBS,
  SERVER_KNOBS,
  httpWorld,
  serverConfig,
} from './http-world.ts';
import { readKnobs, withDefaults } from './knobs.ts';
import { OUTBOX_AT_LEAST_ONCE, PAYMENT_EFFECTS, PAYMENT_INVARIANTS } from './payment-checks.ts';
import type { KnobValues, Limit, Scenario } from './types.ts';
import { caseKnob } from './workload.ts';

export const LIFECYCLE_CASES = [
  'replay',
  'mismatch',
  'concurrent',
  'missing-key',
  'malformed-key',
  'expired',
  'crash-then-retry',
  'crash-after-charge',
  'lease-expired-takeover',
  'shared-key',
  'provider-recovers',
  // Cases from the sources' own tests and docs: brandur (api_spec.rb, completer_spec.rb) …
  'short-key',
  'empty-key',
  'declined-card',
  'serialization-failure',
  'internal-error',
  'completer-after-error',
  // … Powertools (tests/functional/idempotency) …
  'no-key-raises',
  'payload-validation',
  'whole-event-key',
  'returned-error',
  'expiry-seconds',
  // … Stripe (Idempotent requests) …
  'key-255',
  'key-256',
  'other-endpoint',
  'get-with-key',
  'delete-with-key',
  // … and the IETF draft (§2.1).
  'unquoted-key',
  'two-key-fields',
] as const;
export type LifecycleCase = (typeof LIFECYCLE_CASES)[number];

/** What each case does, in words, for the page. */
export const CASE_TEXT: Readonly<Record<LifecycleCase, string>> = {
  replay: 'The answer to the first request is lost; the client retries with the same key.',
  mismatch: 'The payment completes; 5 s later the client reuses its key for a different amount.',
  concurrent: 'Two requests with the same key arrive 5 ms apart, while the first is still running.',
  'missing-key': 'The client sends no Idempotency-Key at all.',
  'malformed-key': 'The client sends a 300-character key.',
  expired:
    'The payment completes; the client retries with the same key one minute after the key expired.',
  'crash-then-retry':
    'The server crashes right after it creates the order; the client tries again once the lease is over.',
  'crash-after-charge':
    'The server crashes right after it records the charge, before it answers; the client tries again once the lease is over.',
  'lease-expired-takeover':
    'The first attempt stalls after creating the order, for twice the lease; a retry takes the key over and finishes, and the stalled attempt wakes up too late.',
  'shared-key':
    'The payment completes; 5 s later another customer sends the same key, to pay the same amount for an order of its own.',
  'provider-recovers':
    'The payment provider is down for the first 5 s (an outage of 5000 ms), so the payment fails; 10 s in, the provider is back and the client pays again with the same key.',
  'short-key':
    'The client sends a 19-character key. brandur requires at least 20 (api_spec.rb: "denies requests that have a key that\u2019s too short").',
  'empty-key':
    'The client sends the Idempotency-Key header with nothing in it. brandur treats it as missing (400); the IETF profile cannot parse it (400); Stripe and Powertools run the request without a key.',
  'declined-card':
    'The provider declines the card (402). 5 s later the client sends the same key again: a declined payment is a final answer, stored and replayed (brandur: "stores results for a permanent failure"; IETF: a completed 4xx is replayed like a 2xx).',
  'serialization-failure':
    'A serialization failure (a concurrent transaction) hits the charge phase of every attempt; the key is unlocked at once each time. 30 s later the client pays again with the same key, without the failure (brandur: "unlocks a key and returns 409 on a serialization failure").',
  'internal-error':
    'An internal error hits the charge phase of every attempt; the key is unlocked at once each time. 30 s later the client pays again with the same key, without the error (brandur: "unlocks a key and returns 500 on an internal error").',
  'completer-after-error':
    'An internal error hits the charge phase of every attempt and the client gives up. Under brandur the completer finds the unlocked key minutes later and finishes it (completer_spec.rb); the error was never stored with the key.',
  'no-key-raises':
    'Powertools with raise_on_no_idempotency_key on: the client sends no key, and Powertools raises IdempotencyKeyError instead of running without idempotency.',
  'payload-validation':
    'Powertools with payload validation on: the client reuses its key for a different amount and gets IdempotencyValidationError instead of the old answer.',
  'whole-event-key':
    'Powertools with no key path: the whole event is hashed into the key, no header needed. The first answer is lost and the client retries the same event.',
  'returned-error':
    'Powertools, with a function that returns an error response when the provider is down instead of raising: the response is saved and replayed, like Stripe’s. Compare provider-recovers, where the function raises and the record is deleted.',
  'expiry-seconds':
    'Keys expire after 5 seconds (Powertools’ expires_after_seconds=5, for every profile here); the client pays again with the same key 10 s later and it runs again.',
  'key-255': 'The client sends a 255-character key: Stripe’s longest.',
  'key-256': 'The client sends a 256-character key: one more than Stripe allows.',
  'other-endpoint':
    'The payment completes; 5 s later the client sends the same key and body to another endpoint, POST /refunds. Stripe refuses a key used on another endpoint; brandur compares only the parameters.',
  'get-with-key':
    'The payment completes; 5 s later the client reads it, GET /payments/ord_1, with a key of its own, and that answer is lost; it retries with the same key. Stripe: a key on GET "has no effect", so every attempt is read afresh; Powertools stores the first answer and replays it.',
  'delete-with-key':
    'The payment completes; 5 s later the client deletes it, DELETE /payments/ord_1, with a key of its own, and the 200 is lost; it retries with the same key. DELETE is idempotent by definition: the retry finds the payment gone (404), the same state. Powertools replays the stored 200.',
  'unquoted-key':
    'The client sends its key bare (key_5e1f…), not as the quoted String the IETF draft asks for ("key_5e1f…").',
  'two-key-fields':
    'The client sends two Idempotency-Key fields; HTTP joins them into one value ("a", "b"), which is not a single String (draft §2.1).',
};

// 20 characters: long enough for brandur's minimum, short enough for everyone's maximum.
const KEY = 'key_5e1f0c3a9b7d2468';
const BODY = { intent: 'pi_1', amount_cents: 4200 };

/**
 * `shared-key`: the second customer's own payment, alike in all but the intent. Not identical: a
 * store that checks payloads answers a reused key from its row only for an identical payload, and
 * an identical payload names the first customer's intent, which even the correct store would then
 * pay a second time (intents here are global, like a provider's payment intents). So: the same
 * amount, its own intent. With keys shared, the stores that check payloads (IETF, Stripe, brandur)
 * refuse the second customer; Powertools, which checks none by default, hands it the first
 * customer's order: the leak. Either way `own-keys` breaks: the second customer was decided by the
 * first one's key.
 */
const OTHER_CUSTOMER = { client: 'customer-2', body: { intent: 'pi_2', amount_cents: 4200 } };

/** `provider-recovers`: how long the provider is down from the start, and when the client pays again. */
const PROVIDER_DOWN_MS = 5000;
const PAY_AGAIN_AT_MS = 10_000;

/** get-with-key, delete-with-key: the order the payment creates, and the client's key for it. */
const PAYMENT_PATH = '/payments/ord_1';
const RESOURCE_KEY = 'key_7a3c9e1b5d2f4680';

/** A request about the payment, whose first answer is lost, so the client retries its key. */
function onPayment(method: 'GET' | 'DELETE'): CaseScript {
  return {
    operations: [
      pay(0),
      { at: 5000, client: 'customer-1', method, path: PAYMENT_PATH, body: {}, key: RESOURCE_KEY },
    ],
    pinned: { dropResponse: [{ op: 2, attempt: 1 }] },
  };
}

/** An Idempotency-Key field exactly as written, which the client sends instead of its key. */
function rawField(value: string): Partial<Operation> {
  return { key: null, headers: { [IDEMPOTENCY_KEY]: value } };
}

/** brandur's raise_error hook on every attempt of the payment (never stored with the key). */
const RAISING = (error: string): Partial<Operation> => ({ headers: { [RAISE_ERROR]: error } });

/** When the client pays again after a raised error: once its retries are over. */
const AFTER_ERRORS_MS = 30_000;

/** expiry-seconds: Powertools' `expires_after_seconds`, 5 here. */
const EXPIRY_MS = 5_000;

function pay(at: number, extra: Partial<Operation> = {}): Operation {
  return {
    at,
    client: 'customer-1',
    method: 'POST',
    path: '/payments',
    body: BODY,
    key: KEY,
    ...extra,
  };
}

/**
 * Under the powertools profile the store's keys are Powertools' keys: unscoped, by design. The
 * correct stores then do what Powertools does in `shared-key`, and the story says so.
 */
const POWERTOOLS_UNSCOPED: readonly Limit[] = ['idempotency-key', 'outbox'].flatMap((strategy) =>
  ['own-keys', 'own-answers', 'answers-match'].map((invariant) => ({
    strategy,
    invariant,
    knobs: { profile: 'powertools' },
    why: 'Under the powertools profile, as in Powertools itself, a key is not kept per caller: the record is the function’s name and a hash of the key, nothing of the caller (persistence/dynamodb.py _get_key; DynamoDBPersistenceLayer). With payload validation off, its default, another customer who sends the same key gets the first customer’s stored order. Documented behaviour, not a bug of the store: scope the key yourself, in the key path.',
  })),
);

const KNOBS = [
  ...caseKnob(
    LIFECYCLE_CASES,
    CASE_TEXT,
    'Which case of the key’s life to play; each one is scripted, so it shows on every seed.',
  ),
  ...CLIENT_KNOBS,
  // Scripted cases: random losses, duplicates and reordering start off: only the case's fault shows.
  ...withDefaults(NETWORK_KNOBS, {
    requestLoss: 0,
    responseLoss: 0,
    duplicate: 0,
    latencySpreadMs: 0,
  }),
  ...SERVER_KNOBS,
  ...PROVIDER_KNOBS,
];

export const keyLifecycle: Scenario = {
  id: 'key-lifecycle',
  title: 'The life of a key',
  summary:
    'One key through replay, reuse, races, expiry and crashes: what each real system answers.',
  storySeed: 1,
  prose: {
    happens:
      'One customer, one payment, one Idempotency-Key: the id the client sends so the server can tell a retry from a new payment. Each case plays one moment in the life of that key: a retry after a lost answer, the same key with a different amount, two requests at once, a crash halfway, a key that has expired. Every case is scripted, so it plays out the same on every seed.',
    watch:
      'Read the status codes the client gets back. A replay answers with the first status and Idempotent-Replayed: true. A key reused for another body gets 422. A second request while the first still runs gets 409. Change Key store profile to see how the IETF draft, Stripe, brandur’s Postgres design and AWS Powertools each answer.',
    tryThis: [
      {
        label: 'Set Case to mismatch',
        knobs: { case: 'mismatch' },
        outcome:
          'The client reuses its key for 99.00 instead of 42.00. The key store refuses with 422; no-fingerprint replays the old 42.00 answer as if it were the new one.',
        expect: [
          { strategy: 'idempotency-key', invariant: 'answers-match', holds: true },
          { strategy: 'no-fingerprint', invariant: 'answers-match', holds: false },
        ],
      },
      {
        label: 'Set Case to lease-expired-takeover',
        knobs: { case: 'lease-expired-takeover' },
        outcome:
          'The first attempt stalls for twice its lease (the time one attempt may hold the key), so a retry takes the key over and finishes. Then the stalled attempt wakes up. The key store numbers each holder of the key (a fencing token) and refuses writes with an old number, so the late writes change nothing. Lease-no-fence does not check the number and lets them overwrite the new holder’s row.',
        expect: [
          { strategy: 'idempotency-key', invariant: 'no-stale-writes', holds: true },
          { strategy: 'lease-no-fence', invariant: 'no-stale-writes', holds: false },
        ],
      },
      {
        label: 'Set Case to crash-after-charge',
        knobs: { case: 'crash-after-charge' },
        outcome:
          'The server dies after the charge, before it answers. Naive charges again on every retry (3 charges); the key store resumes from its recovery point (its note of the last step done) and passes its key to the provider, which charges once.',
        expect: [
          { strategy: 'naive', invariant: 'one-charge-per-intent', holds: false },
          { strategy: 'idempotency-key', invariant: 'one-charge-per-intent', holds: true },
        ],
      },
    ],
    lesson:
      'A key is more than a lookup. It needs a fingerprint of the request (to refuse a key reused for another body), a lease with a fencing token (so a stalled attempt cannot write), recovery points between steps (so a retry resumes), and an expiry longer than any retry.',
  },
  demonstrates: {
    breaks: 'naive',
    holds: 'idempotency-key',
    invariant: 'one-charge-per-intent',
  },
  limits: [OUTBOX_AT_LEAST_ONCE, ...POWERTOOLS_UNSCOPED],
  knobs: KNOBS,
  strategies: PAYMENT_STRATEGY_IDS,
  defaultStrategies: ['naive', 'idempotency-key'],
  effects: PAYMENT_EFFECTS,
  invariants: PAYMENT_INVARIANTS,
  world(values, options) {
    const script = scriptOf(values);
    // Faults off is the essay's happy path: one well-formed request, made once, that succeeds
    // once. A case's own repeat (the retry, the duplicate, the reuse), its bad key and its raised
    // error go.
    const [first] = script.operations;
    if (!options.faults && first)
      return {
        ...httpWorld(values, options, [{ ...first, key: KEY, headers: {} }]),
        pinned: {},
      };
    const world = httpWorld(values, options, script.operations);
    // A case's outage is a pinned fault: the Provider outage knob can only make it longer.
    const outageUntilMs = Math.max(world.provider.outageUntilMs, script.providerDownMs ?? 0);
    return {
      ...world,
      provider: { ...world.provider, outageUntilMs, declines: script.declines ?? [] },
      pinned: script.pinned ?? {},
    };
  },
  // A case may set the server as its source's test does (a Powertools option, an expiry).
  serverConfig: (values) => ({ ...serverConfig(values), ...scriptOf(values).server }),
};

function scriptOf(values: KnobValues): CaseScript {
  const which = readKnobs(KNOBS, values).choice('case');
  const { leaseMs, retentionMs } = serverConfig(values);
  return cases(leaseMs, retentionMs)[which];
}

interface CaseScript {
  readonly operations: readonly Operation[];
  readonly pinned?: PinnedFaults;
  /** The payment provider is down from the start for this long. */
  readonly providerDownMs?: number;
  /** Payment intents whose card the provider declines. */
  readonly declines?: readonly string[];
  /** Server settings the case's source test sets. */
  readonly server?: Partial<Pick<ServerConfig, 'retentionMs'>> & {
    readonly powertools?: PowertoolsOptions;
  };
}

function cases(leaseMs: number, retentionMs: number): Record<LifecycleCase, CaseScript> {
  return {
    replay: { operations: [pay(0)], pinned: { dropResponse: [{ op: 1, attempt: 1 }] } },
    mismatch: { operations: [pay(0), pay(5000, { body: { ...BODY, amount_cents: 9900 } })] },
    concurrent: { operations: [pay(0), pay(5)] },
    'missing-key': { operations: [pay(0, { key: null })] },
    'malformed-key': { operations: [pay(0, { key: 'k'.repeat(300) })] },
    expired: { operations: [pay(0), pay(retentionMs + 60_000)] },
    'crash-then-retry': {
      operations: [pay(0), pay(leaseMs + 5000)],
      pinned: { crashAfter: [{ op: 1, attempt: 1, step: 'create-order' }] },
    },
    // Every payment strategy names the step that records the provider's charge `record-charge`.
    'crash-after-charge': {
      operations: [pay(0), pay(leaseMs + 5000)],
      pinned: { crashAfter: [{ op: 1, attempt: 1, step: 'record-charge' }] },
    },
    'lease-expired-takeover': {
      operations: [pay(0), pay(leaseMs + 1000)],
      pinned: { pauseAfter: [{ op: 1, attempt: 1, step: 'create-order', ms: 2 * leaseMs }] },
    },
    'shared-key': { operations: [pay(0), pay(5000, OTHER_CUSTOMER)] },
    'provider-recovers': {
      operations: [pay(0), pay(PAY_AGAIN_AT_MS)],
      providerDownMs: PROVIDER_DOWN_MS,
    },
    'short-key': { operations: [pay(0, { key: KEY.slice(0, 19) })] },
    'empty-key': { operations: [pay(0, rawField(''))] },
    'declined-card': { operations: [pay(0), pay(5000)], declines: [BODY.intent] },
    'serialization-failure': {
      operations: [pay(0, RAISING('serialization-failure')), pay(AFTER_ERRORS_MS)],
    },
    'internal-error': { operations: [pay(0, RAISING('internal-error')), pay(AFTER_ERRORS_MS)] },
    'completer-after-error': { operations: [pay(0, RAISING('internal-error'))] },
    'no-key-raises': {
      operations: [pay(0, { key: null })],
      server: { powertools: { raiseOnNoKey: true } },
    },
    'payload-validation': {
      operations: [pay(0), pay(5000, { body: { ...BODY, amount_cents: 9900 } })],
      server: { powertools: { payloadValidation: true } },
    },
    'whole-event-key': {
      operations: [pay(0, { key: null })],
      pinned: { dropResponse: [{ op: 1, attempt: 1 }] },
      server: { powertools: { wholeEventKey: true } },
    },
    'returned-error': {
      operations: [pay(0), pay(PAY_AGAIN_AT_MS)],
      providerDownMs: PROVIDER_DOWN_MS,
      server: { powertools: { returnsErrors: true } },
    },
    'expiry-seconds': {
      operations: [pay(0), pay(2 * EXPIRY_MS)],
      server: { retentionMs: EXPIRY_MS },
    },
    'key-255': { operations: [pay(0, { key: 'k'.repeat(255) })] },
    'key-256': { operations: [pay(0, { key: 'k'.repeat(256) })] },
    'other-endpoint': { operations: [pay(0), pay(5000, { path: '/refunds' })] },
    'get-with-key': onPayment('GET'),
    'delete-with-key': onPayment('DELETE'),
    'unquoted-key': { operations: [pay(0, rawField(KEY))] },
    'two-key-fields': {
      operations: [pay(0, rawField(`"${KEY}", "${KEY.replace('key', 'alt')}"`))],
    },
  };
}
