// The key store checked against its sources' own tests and docs: each test is one case of
// brandur's rocket-rides-atomic specs, Powertools' functional tests, Stripe's Idempotent requests
// page or the IETF draft, played through the engine (or the handler, step by step).
import { readFileSync } from 'node:fs';
import type { SqlJsStatic } from 'sql.js';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, StrategyRun } from '../../src/engine/index.ts';
import { RAISE_ERROR } from '../../src/server/key-store/phases.ts';
import { PROFILES, type ProfileId } from '../../src/server/profiles.ts';
import { idempotencyKey } from '../../src/server/strategies/idempotency-key.ts';
import { IDEMPOTENT_REPLAYED, type HttpResponse } from '../../src/sim/http.ts';
import { loadEngine } from '../support/engine.ts';
import { Execution, payment, serve } from '../support/server.ts';
import { loadSql } from '../support/sql.ts';

let engine: Engine;
let SQL: SqlJsStatic;
beforeAll(async () => {
  engine = await loadEngine();
  SQL = await loadSql();
});

/** One key-lifecycle case, played by the correct store under `profile`. */
function play(which: string, profile: ProfileId): StrategyRun {
  const run = engine.run({
    scenario: 'key-lifecycle',
    strategies: ['idempotency-key'],
    knobs: { case: which, profile },
  }).runs[0];
  if (!run) throw new Error('no run');
  return run;
}

/** Every answer the client of operation `op` received, in order. */
function answers(run: StrategyRun, op: number): HttpResponse[] {
  return run.trace.flatMap((e) => {
    if (e.kind !== 'receive' || e.op !== op) return [];
    const sent = run.trace.find((r) => r.seq === e.cause);
    return sent?.kind === 'response' ? [sent] : [];
  });
}
const statuses = (run: StrategyRun, op: number) => answers(run, op).map((a) => a.status);
const errorOf = (a: HttpResponse | undefined) =>
  (a?.body as { error?: unknown } | undefined)?.error;

/** The key-store rows a run left behind, by key. */
const storedKeys = (run: StrategyRun) => {
  const keys = run.tables.idempotency_keys!;
  return keys.rows.map((r) => r[keys.columns.indexOf('idem_key')]);
};

/** The steps each execution serving operation `op` ran, in order, one list per execution. */
function stepsOf(run: StrategyRun, op: number): string[][] {
  const execs = run.trace.flatMap((e) => (e.kind === 'deliver' && e.op === op ? [e.exec] : []));
  return execs.map((exec) =>
    run.trace.flatMap((e) => (e.kind === 'step' && e.exec === exec ? [e.step] : [])),
  );
}

/**
 * get-with-key and delete-with-key under `profile`, where the key is not read: both attempts (the
 * first answer was lost) served plainly, a read (200) and a delete that finds the payment gone
 * (404), and nothing stored for the key.
 */
function expectKeyUnread(profile: ProfileId): { read: StrategyRun; deleted: StrategyRun } {
  const runs = { read: play('get-with-key', profile), deleted: play('delete-with-key', profile) };
  for (const [run, step, status] of [
    [runs.read, 'no-key:read-payment', 200],
    [runs.deleted, 'no-key:delete-payment', 404],
  ] as const) {
    expect(stepsOf(run, 2)).toEqual([[step], [step]]);
    expect(statuses(run, 2)).toEqual([status]);
    // The only row is the payment's.
    expect(storedKeys(run)).toEqual(['key_5e1f0c3a9b7d2468']);
  }
  return runs;
}

describe('brandur, rocket-rides-atomic (spec/api_spec.rb, spec/completer_spec.rb)', () => {
  test("api_spec.rb: denies requests that have a key that's too short (short-key)", () => {
    const run = play('short-key', 'brandur');
    expect(answers(run, 1)).toMatchObject([
      { status: 400, body: { error: expect.stringMatching(/at least 20 characters/) } },
    ]);
    expect(run.effects['order-created']).toBe(0);
  });

  test('api_spec.rb: denies requests that are missing a key, an empty header included (empty-key)', () => {
    const run = play('empty-key', 'brandur');
    expect(errorOf(answers(run, 1)[0])).toBe(
      'Please specify an idempotency key with the Idempotency-Key header.',
    );
    expect(statuses(run, 1)).toEqual([400]);
  });

  test('api_spec.rb: stores results for a permanent failure (declined-card: 402, replayed)', () => {
    const run = play('declined-card', 'brandur');
    const [first] = answers(run, 1);
    const [again] = answers(run, 2);
    expect(first).toMatchObject({ status: 402 });
    expect(errorOf(first)).toMatch(/^Error from payment processor: /);
    expect(again?.body).toEqual(first?.body);
    expect(run.effects).toEqual({ 'order-created': 1, 'card-charged': 0 });
  });

  test('api.rb: a Stripe::StripeError is a 503 stored at recovery point finished (provider-recovers)', () => {
    const run = play('provider-recovers', 'brandur');
    // Every retry, the client's own included, gets the stored 503 back: the key is finished.
    expect(new Set(statuses(run, 2))).toEqual(new Set([503]));
    expect(new Set(answers(run, 2).map(errorOf))).toEqual(
      new Set(['Error from payment processor. Please contact support.']),
    );
    expect(run.effects['card-charged']).toBe(0);
  });

  test('api_spec.rb: unlocks a key and returns 409 on a serialization failure (serialization-failure)', () => {
    const run = play('serialization-failure', 'brandur');
    const failures = answers(run, 1);
    // Each attempt finds the key unlocked (no "already in progress"): it resumes and fails again.
    expect(failures.length).toBe(4);
    for (const a of failures) {
      expect(a.status).toBe(409);
      expect(errorOf(a)).toMatch(/^Conflict detected with a concurrent request/);
    }
    expect(statuses(run, 2)).toEqual([201]);
    expect(run.effects).toEqual({ 'order-created': 1, 'card-charged': 1 });
  });

  test('api_spec.rb: unlocks a key and returns 500 on an internal error (internal-error)', () => {
    const run = play('internal-error', 'brandur');
    expect(statuses(run, 1)).toEqual([500, 500, 500, 500]);
    expect(errorOf(answers(run, 1)[0])).toMatch(/^Internal server error\. Please retry/);
    expect(statuses(run, 2)).toEqual([201]);
    expect(run.effects).toEqual({ 'order-created': 1, 'card-charged': 1 });
  });

  test('completer.rb: pushes through an existing key that an exception left unlocked (completer-after-error)', () => {
    const run = play('completer-after-error', 'brandur');
    expect(statuses(run, 1)).toEqual([500, 500, 500, 500]);
    expect(run.effects).toEqual({ 'order-created': 1, 'card-charged': 1 });
    // Without a completer, nobody comes back for the unlocked key.
    expect(play('completer-after-error', 'ietf').effects['card-charged']).toBe(0);
  });

  test("completer_spec.rb: doesn't crash even on internal API exception", () => {
    const { leaseMs, retentionMs } = PROFILES.brandur;
    const { start, handler, provider, db } = serve(SQL, idempotencyKey, {
      profile: 'brandur',
      leaseMs,
      retentionMs,
    });
    const abandoned = start(payment('key_0123456789abcdef'));
    abandoned.step(0); // claimed; the process dies before the order
    const completer = handler.jobs.find((j) => j.name === 'completer');
    const [redrive] = completer?.run(6 * 60_000).requests ?? [];
    if (!redrive) throw new Error('the completer found no key');
    // The re-driven request raises inside the charge phase, as the spec's stubbed Stripe does.
    const raising = {
      ...redrive,
      headers: { ...redrive.headers, [RAISE_ERROR]: 'serialization-failure' },
    };
    expect(new Execution(handler, provider, raising, 98).finish(6 * 60_000).status).toBe(409);
    expect(db.get('SELECT state, recovery_point FROM idempotency_keys')).toEqual({
      state: 'FAILED_RETRYABLE',
      recovery_point: 'order_created',
    });
    // The completer goes on: a minute later it re-drives the key again, which now finishes.
    const { requests } = completer?.run(8 * 60_000) ?? { requests: [] };
    expect(requests).toHaveLength(1);
    expect(new Execution(handler, provider, requests[0]!, 99).finish(8 * 60_000).status).toBe(201);
    expect(provider.ledger).toHaveLength(1);
  });

  test('api.rb reads the Idempotency-Key in post "/rides" only: a key on GET or DELETE is never looked at (get-with-key, delete-with-key)', () => {
    expectKeyUnread('brandur');
  });
});

describe('Powertools for AWS Lambda (tests/functional/idempotency, persistence/dynamodb.py)', () => {
  const lambdaError = (a: HttpResponse | undefined) =>
    (a?.body as { errorType?: string } | undefined)?.errorType;

  test('test_raise_on_no_idempotency_key: no key raises IdempotencyKeyError (no-key-raises)', () => {
    const run = play('no-key-raises', 'powertools');
    expect(lambdaError(answers(run, 1)[0])).toBe('IdempotencyKeyError');
    expect(run.effects['order-created']).toBe(0);
  });

  test('test_default_no_raise_on_missing_idempotency_key: no key runs without idempotency (missing-key)', () => {
    expect(statuses(play('missing-key', 'powertools'), 1)).toEqual([201]);
  });

  test('test_idempotent_lambda_already_completed_with_validation_bad_payload (payload-validation)', () => {
    const run = play('payload-validation', 'powertools');
    expect(lambdaError(answers(run, 2)[0])).toBe('IdempotencyValidationError');
    expect(run.effects).toEqual({ 'order-created': 1, 'card-charged': 1 });
  });

  test('default event_key_jmespath: the whole event is the key, so a retry with no header is recognised (whole-event-key)', () => {
    const run = play('whole-event-key', 'powertools');
    expect(statuses(run, 1)).toEqual([201]);
    expect(answers(run, 1)[0]?.headers[IDEMPOTENT_REPLAYED]).toBeUndefined();
    expect(run.effects).toEqual({ 'order-created': 1, 'card-charged': 1 });
  });

  test('test_idempotent_lambda_exception: a handler that raises has its record deleted, so the retry runs again (provider-recovers)', () => {
    const run = play('provider-recovers', 'powertools');
    expect(statuses(run, 2)).toEqual([201]);
    expect(run.effects['order-created']).toBeGreaterThan(1);
  });

  test('a handler that returns an error response has it saved and replayed (returned-error)', () => {
    const run = play('returned-error', 'powertools');
    const [first] = answers(run, 1);
    expect(first?.status).toBe(503);
    for (const again of answers(run, 2))
      expect([again.status, again.body]).toEqual([503, first?.body]);
    expect(run.effects).toEqual({ 'order-created': 1, 'card-charged': 0 });
  });

  test('test_idempotent_lambda_expired: a record past expires_after_seconds is a new request (expiry-seconds)', () => {
    const run = play('expiry-seconds', 'powertools');
    expect(run.effects).toEqual({ 'order-created': 2, 'card-charged': 2 });
  });

  test('dynamodb.py _get_key: records are keyed by the hashed key alone, so another caller gets the first one’s result (shared-key)', () => {
    const run = play('shared-key', 'powertools');
    expect(run.invariants.find((i) => i.id === 'own-answers')).toMatchObject({ holds: false });
    expect(play('shared-key', 'ietf').invariants.every((i) => i.holds)).toBe(true);
  });

  test('the idempotent decorator wraps the function whatever the method: the first answer is stored and replayed (get-with-key, delete-with-key)', () => {
    for (const [which, step] of [
      ['get-with-key', 'read-payment'],
      ['delete-with-key', 'delete-payment'],
    ] as const) {
      const run = play(which, 'powertools');
      // The first attempt claimed the key and ran; the retry got its stored 200, even the DELETE.
      expect(stepsOf(run, 2)).toEqual([['claim-key', step], ['claim-key']]);
      expect(statuses(run, 2)).toEqual([200]);
      expect(storedKeys(run)).toHaveLength(2);
    }
  });
});

describe('Stripe, Idempotent requests (API v1)', () => {
  test('keys are up to 255 characters long: 255 accepted (key-255), 256 refused (key-256)', () => {
    expect(statuses(play('key-255', 'stripe'), 1)).toEqual([201]);
    expect(answers(play('key-256', 'stripe'), 1)).toMatchObject([
      { status: 400, body: { error: { type: 'invalid_request_error' } } },
    ]);
  });

  test('the same key on another endpoint is refused (other-endpoint)', () => {
    const run = play('other-endpoint', 'stripe');
    expect(answers(run, 2)).toMatchObject([
      { status: 400, body: { error: { type: 'idempotency_error' } } },
    ]);
    expect(run.effects).toEqual({ 'order-created': 1, 'card-charged': 1 });
  });

  test('GET and DELETE requests are idempotent by definition; sending an idempotency key with them has no effect (get-with-key, delete-with-key)', () => {
    const { read, deleted } = expectKeyUnread('stripe');
    for (const run of [read, deleted])
      expect(answers(run, 2)[0]?.headers[IDEMPOTENT_REPLAYED]).toBeUndefined();
    expect(answers(read, 2)).toMatchObject([{ status: 200, body: { order: 'ord_1' } }]);
    // The retry finds the payment already deleted: the same state, another answer.
    expect(answers(deleted, 2)).toMatchObject([
      { status: 404, body: { title: 'No such payment' } },
    ]);
    const orders = deleted.tables.orders!;
    expect(orders.rows.map((r) => r[orders.columns.indexOf('status')])).toEqual(['deleted']);
  });
});

describe('IETF draft-ietf-httpapi-idempotency-key-header', () => {
  const docs = readFileSync(new URL('../../docs/semantics.md', import.meta.url), 'utf8');
  const anchors = new Set(
    [...docs.matchAll(/^#+ (.+)$/gm)].map((m) =>
      m[1]!
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    ),
  );

  test('§2.1: the key is a quoted String; the server stores the String it parses (replay)', () => {
    const run = play('replay', 'ietf');
    // A strict reader refuses a bare key, so this replay means the client sent it quoted.
    expect(answers(run, 1).at(-1)).toMatchObject({
      status: 201,
      headers: { [IDEMPOTENT_REPLAYED]: 'true' },
    });
    expect(storedKeys(run)).toEqual(['key_5e1f0c3a9b7d2468']);
    const { leaseMs, retentionMs } = PROFILES.ietf;
    const { start } = serve(SQL, idempotencyKey, { profile: 'ietf', leaseMs, retentionMs });
    const escaped = payment(String.raw`"a\"b"`);
    expect(start(escaped, { asSent: true }).finish(0).status).toBe(201);
  });

  test('§2.1: a bare token is not a String, and is malformed under a strict reading (unquoted-key)', () => {
    expect(answers(play('unquoted-key', 'ietf'), 1)).toMatchObject([
      { status: 400, body: { title: 'Idempotency-Key is malformed' } },
    ]);
    // The other profiles read the raw field.
    expect(statuses(play('unquoted-key', 'stripe'), 1)).toEqual([201]);
  });

  test('§2.1: two Idempotency-Key fields in one request are malformed (two-key-fields)', () => {
    expect(answers(play('two-key-fields', 'ietf'), 1)).toMatchObject([
      { status: 400, body: { title: 'Idempotency-Key is malformed' } },
    ]);
  });

  test('§2.7: the 400 and 422 answers link to documentation with a problem type (missing-key, mismatch)', () => {
    const missing = answers(play('missing-key', 'ietf'), 1)[0];
    const reused = answers(play('mismatch', 'ietf'), 2)[0];
    for (const [answer, status] of [
      [missing, 400],
      [reused, 422],
    ] as const) {
      const type = (answer?.body as { type?: string } | undefined)?.type ?? '';
      expect(answer?.status).toBe(status);
      expect(type).toMatch(/^docs\/semantics\.md#/);
      expect(anchors.has(type.split('#')[1]!), type).toBe(true);
    }
  });

  test('§2.6: a completed 4xx is replayed like a 2xx (declined-card)', () => {
    const run = play('declined-card', 'ietf');
    const [first] = answers(run, 1);
    expect(answers(run, 2)).toMatchObject([
      { status: 402, body: first?.body, headers: { [IDEMPOTENT_REPLAYED]: 'true' } },
    ]);
  });

  test('Abstract: the field makes non-idempotent methods (POST, PATCH) fault-tolerant; on GET and DELETE it is not read (get-with-key, delete-with-key)', () => {
    expectKeyUnread('ietf');
  });
});
