// Conformance: the key store answers each key-lifecycle case as SEMANTICS.md's tables say, per
// profile; and docs/conformance.md is what the engine does now.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  conformance,
  conformanceMarkdown,
  describeCell,
  type ConformanceCell,
} from '../../src/engine/conformance.ts';
import type { LifecycleCase } from '../../src/scenarios/key-lifecycle.ts';
import type { ProfileId } from '../../src/server/profiles.ts';
import { loadEngine } from '../support/engine.ts';

let cells: ConformanceCell[];
beforeAll(async () => {
  cells = conformance(await loadEngine());
});

const RAN_TWICE = '201 · ran again (2 orders, 2 charges)';
const RERAN_ORDER = '201 · ran again (2 orders, 1 charge)';

// Written from SEMANTICS.md §1 (decision table and profile table), not from the engine's output.
const SPEC: Record<LifecycleCase, Record<ProfileId, string>> = {
  // Completed → replay the stored answer; Stripe and the IETF profile mark it Idempotent-Replayed.
  replay: {
    ietf: '201 replayed',
    stripe: '201 replayed',
    brandur: '201 replayed, unmarked',
    powertools: '201 replayed, unmarked',
  },
  // Mismatch: 422 / 400 idempotency_error / 409; Powertools without validation returns the old answer.
  mismatch: { ietf: '422', stripe: '400', brandur: '409', powertools: '201 replayed, unmarked' },
  // In flight: 409 (Powertools: IdempotencyAlreadyInProgressError, a 500); the retry then gets the replay.
  concurrent: {
    ietf: '409 → 201 replayed',
    stripe: '409 → 201 replayed',
    brandur: '409 → 201 replayed, unmarked',
    powertools: '500 → 201 replayed, unmarked',
  },
  // Missing key: 400, except Stripe and Powertools, which run the request without idempotency.
  'missing-key': { ietf: '400', stripe: '201', brandur: '400', powertools: '201' },
  // Malformed key: 400. Powertools stores a hash of whatever key it gets, so a long one works.
  'malformed-key': { ietf: '400', stripe: '400', brandur: '400', powertools: '201' },
  // A retry after retention is a new request for everyone: it runs again (shown, not hidden).
  expired: { ietf: RAN_TWICE, stripe: RAN_TWICE, brandur: RAN_TWICE, powertools: RAN_TWICE },
  // Lease expired → take over and resume at the recovery point; Powertools re-runs the whole function.
  'crash-then-retry': { ietf: '201', stripe: '201', brandur: '201', powertools: RERAN_ORDER },
  // Crash after the charge is recorded (recovery point charge_created): the takeover resumes at
  // the finish and charges nothing. Powertools overwrites the expired record and re-runs the
  // whole function; its new record derives a new provider key, so the card is charged again.
  'crash-after-charge': { ietf: '201', stripe: '201', brandur: '201', powertools: RAN_TWICE },
  'lease-expired-takeover': { ietf: '201', stripe: '201', brandur: '201', powertools: RERAN_ORDER },
  // Keys are scoped per client: another client's key is a new request, paid once. Powertools
  // keys records by the hashed key alone (dynamodb.py `_get_key`) and compares no payload: the
  // second customer is answered from the first one's record.
  'shared-key': {
    ietf: '201',
    stripe: '201',
    brandur: '201',
    powertools: '201 replayed, unmarked',
  },
  // A 503 while the provider is down. IETF unlocks the key: the payment 10 s later resumes at
  // its recovery point and charges. Stripe stored the 503 and replays it; so does brandur
  // (api.rb: a Stripe::StripeError is a Response(503) at recovery point `finished`), unmarked.
  // Powertools deleted the record: each of the 4 attempts in the outage (3 retries) and the
  // payment after it creates its own order, and only the last one charges.
  'provider-recovers': {
    ietf: '201',
    stripe: '503 replayed',
    brandur: '503',
    powertools: '201 · ran again (5 orders, 1 charge)',
  },
  // brandur validate_idempotency_key: shorter than IDEMPOTENCY_KEY_MIN_LENGTH (20) is a 400.
  'short-key': { ietf: '201', stripe: '201', brandur: '400', powertools: '201' },
  // An empty field: brandur `key.empty?` → 400; the IETF profile cannot parse an empty Item →
  // 400; Stripe and Powertools (a falsy key) run the request without idempotency.
  'empty-key': { ietf: '400', stripe: '201', brandur: '400', powertools: '201' },
  // A decline is final: stored and replayed (brandur: Response(402) at `finished`; IETF §2.6:
  // "success or an error"). Stripe and the IETF profile mark the replay.
  'declined-card': {
    ietf: '402 replayed',
    stripe: '402 replayed',
    brandur: '402',
    powertools: '402',
  },
  // An exception in the charge phase: brandur and IETF unlock the key at once, so the payment
  // 30 s later resumes and charges once; Stripe stored the 500 (it saves 500s); Powertools
  // deleted the record on each raise, so every attempt made an order.
  'serialization-failure': {
    ietf: '201',
    stripe: '500 replayed',
    brandur: '201',
    powertools: '201 · ran again (5 orders, 1 charge)',
  },
  'internal-error': {
    ietf: '201',
    stripe: '500 replayed',
    brandur: '201',
    powertools: '201 · ran again (5 orders, 1 charge)',
  },
  // The client gives up after its 500s; only brandur's completer comes back (the client never
  // hears of it: the charge is checked in sources.test.ts).
  'completer-after-error': {
    ietf: '500',
    stripe: '500 replayed',
    brandur: '500',
    powertools: '500 · ran again (4 orders, 0 charges)',
  },
  // Powertools raise_on_no_idempotency_key: IdempotencyKeyError, a Lambda 500.
  'no-key-raises': { ietf: '400', stripe: '201', brandur: '400', powertools: '500' },
  // Powertools payload validation: IdempotencyValidationError, a Lambda 500.
  'payload-validation': { ietf: '422', stripe: '400', brandur: '409', powertools: '500' },
  // Powertools hashes the whole event when no key path is set: the retry is recognised.
  'whole-event-key': {
    ietf: '400',
    stripe: RAN_TWICE,
    brandur: '400',
    powertools: '201 replayed, unmarked',
  },
  // A function that returns its error response has it saved and replayed (Powertools), as
  // Stripe and brandur store theirs; IETF unlocks.
  'returned-error': { ietf: '201', stripe: '503 replayed', brandur: '503', powertools: '503' },
  // A key past its expiry is a new request, whatever the unit.
  'expiry-seconds': {
    ietf: RAN_TWICE,
    stripe: RAN_TWICE,
    brandur: RAN_TWICE,
    powertools: RAN_TWICE,
  },
  // Stripe: "Idempotency keys are up to 255 characters long." brandur's limit is 100.
  'key-255': { ietf: '201', stripe: '201', brandur: '400', powertools: '201' },
  'key-256': { ietf: '400', stripe: '400', brandur: '400', powertools: '201' },
  // Another endpoint: refused where the method and path are compared (Stripe, IETF); brandur
  // compares parameters only and Powertools nothing, so both replay the payment's answer.
  'other-endpoint': {
    ietf: '422',
    stripe: '400',
    brandur: '201 replayed, unmarked',
    powertools: '201 replayed, unmarked',
  },
  // GET and DELETE are idempotent by definition: Stripe says a key on them "has no effect", the
  // IETF draft makes the field for non-idempotent methods, brandur reads it in POST /rides only;
  // so the lost answer's retry is served again (a read; a delete that finds the payment gone,
  // 404). Powertools' decorator wraps every method: the first answer is stored and replayed.
  'get-with-key': {
    ietf: '200',
    stripe: '200',
    brandur: '200',
    powertools: '200 replayed, unmarked',
  },
  'delete-with-key': {
    ietf: '404',
    stripe: '404',
    brandur: '404',
    powertools: '200 replayed, unmarked',
  },
  // Draft §2.1: the value MUST be a String; a bare token and a list of two are malformed under
  // the IETF profile. The others read the raw text as the key.
  'unquoted-key': { ietf: '400', stripe: '201', brandur: '201', powertools: '201' },
  'two-key-fields': { ietf: '400', stripe: '201', brandur: '201', powertools: '201' },
};

describe('conformance', () => {
  test('every case under every profile answers as the spec says', () => {
    const observed = Object.fromEntries(
      Object.keys(SPEC).map((which) => [
        which,
        Object.fromEntries(
          cells.filter((c) => c.case === which).map((c) => [c.profile, describeCell(c)]),
        ),
      ]),
    );
    expect(observed).toEqual(SPEC);
  });

  test('docs/conformance.md is the table the engine produces now', () => {
    const doc = readFileSync(new URL('../../docs/conformance.md', import.meta.url), 'utf8');
    expect(doc).toContain(conformanceMarkdown(cells));
  });
});
