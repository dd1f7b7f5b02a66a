// Story: one client, one key, walked through every case the IETF draft names — and answered
// the way each profile (IETF, Stripe, brandur, Powertools) answers it.

import { PAYMENT_STRATEGY_IDS } from '../server/strategies/index.ts';
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
import { PAYMENT_EFFECTS, PAYMENT_INVARIANTS } from './payment-checks.ts';
import type { Scenario } from './types.ts';
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
 * customer's order: the leak.
 */
const OTHER_CUSTOMER = { client: 'customer-2', body: { intent: 'pi_2', amount_cents: 4200 } };

/** `provider-recovers`: how long the provider is down from the start, and when the client pays again. */
const PROVIDER_DOWN_MS = 5000;
const PAY_AGAIN_AT_MS = 10_000;

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
  knobs: KNOBS,
  strategies: PAYMENT_STRATEGY_IDS,
  defaultStrategies: ['naive', 'idempotency-key'],
  effects: PAYMENT_EFFECTS,
  invariants: PAYMENT_INVARIANTS,
  world(values, options) {
    const which = readKnobs(KNOBS, values).choice('case');
    const { leaseMs, retentionMs } = serverConfig(values);
    const script = cases(leaseMs, retentionMs)[which];
    // Faults off is the essay's happy path: one well-formed request, made once, that succeeds
    // once. A case's own repeat (the retry, the duplicate, the reuse) and its bad key go.
    const [first] = script.operations;
    if (!options.faults && first)
      return { ...httpWorld(values, options, [{ ...first, key: KEY }]), pinned: {} };
    const world = httpWorld(values, options, script.operations);
    // A case's outage is a pinned fault: the Provider outage knob can only make it longer.
    const outageUntilMs = Math.max(world.provider.outageUntilMs, script.providerDownMs ?? 0);
    return {
      ...world,
      provider: { ...world.provider, outageUntilMs },
      pinned: script.pinned ?? {},
    };
  },
  serverConfig,
};

interface CaseScript {
  readonly operations: readonly Operation[];
  readonly pinned?: PinnedFaults;
  /** The payment provider is down from the start for this long. */
  readonly providerDownMs?: number;
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
  };
}
