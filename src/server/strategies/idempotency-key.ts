// idempotency-key: the Stripe/IETF-style key store. An atomic claim before any side effect, a
// fingerprint check, a lease with a fencing token, atomic phases with recovery points, a
// provider key derived from the stored row, and a stored response replayed on every retry.

import type { StepInput, StepOutcome } from '../../sim/handler.ts';
import { IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED } from '../../sim/http.ts';
import type { Db, Row } from '../db.ts';
import { fingerprint } from '../fingerprint.ts';
import { chargeCall, insertOrder, markPaid, orderCreated, paymentOf } from '../payments.ts';
import { problem } from '../responses.ts';
import { Fenced, next, respond, stepHandler } from '../steps.ts';
import type { ServerConfig, Strategy } from '../strategy.ts';

const CLAIM = `INSERT INTO idempotency_keys (scope, idem_key, method, path, fingerprint, request_params,
  lease_owner, lease_expires_at, created_at, last_run_at, expires_at)
VALUES ($scope, $key, $method, $path, $fingerprint, $params, $owner, $now + $lease, $now, $now, $now + $retention)
ON CONFLICT (scope, idem_key) DO NOTHING
RETURNING id, lease_token`;
const FIND = `SELECT id, method, path, fingerprint, state, recovery_point, lease_token, lease_expires_at,
  response_status, response_headers, response_body, expires_at
FROM idempotency_keys WHERE scope = $scope AND idem_key = $key`;
const DELETE_EXPIRED = `DELETE FROM idempotency_keys WHERE id = $id AND expires_at <= $now`;
const TAKE_OVER = `UPDATE idempotency_keys SET state = 'IN_PROGRESS', lease_owner = $owner,
  lease_token = lease_token + 1, lease_expires_at = $now + $lease, attempts = attempts + 1, last_run_at = $now
WHERE id = $id AND lease_token = $seen
  AND (state = 'FAILED_RETRYABLE' OR (state = 'IN_PROGRESS' AND lease_expires_at <= $now))
RETURNING lease_token, recovery_point`;
const ADVANCE = `UPDATE idempotency_keys SET recovery_point = $point, last_run_at = $now, lease_expires_at = $now + $lease
WHERE id = $id AND lease_token = $token AND state = 'IN_PROGRESS'`;
const COMPLETE = `UPDATE idempotency_keys SET state = 'COMPLETED', recovery_point = 'finished',
  response_status = $status, response_headers = $headers, response_body = $body, completed_at = $now,
  lease_owner = NULL, lease_expires_at = NULL
WHERE id = $id AND lease_token = $token AND state = 'IN_PROGRESS'`;
const ORDER_FOR_KEY = `SELECT id FROM orders WHERE idempotency_key_id = $id`;

/** Where a taken-over execution resumes, by the recovery point its predecessor committed. */
const RESUME_AT: Readonly<Record<string, string>> = {
  started: 'create-order',
  order_created: 'charge-card',
  charge_created: 'finish',
};

/** Response headers worth replaying; per-exchange ones (dates, rate limits) are not stored. */
const REPLAYED_HEADERS = ['Content-Type', 'Location'];

export const MAX_KEY_LENGTH = 255;

export const idempotencyKey: Strategy = {
  id: 'idempotency-key',
  title: 'Idempotency-Key store',
  summary:
    'Claims the key atomically before any side effect, stores the first answer and replays it to every retry. A duplicate that arrives mid-flight gets 409.',
  correct: true,
  exposedBy:
    'A client that mints a new key for each retry, or a retry that comes after the key expired.',
  create(db, config) {
    return stepHandler(db, 'claim-key', {
      'claim-key': (input) => claim(db, config, input),
      'create-order': (input, effect) => {
        const orderId = insertOrder(db, input, Number(input.locals.keyId));
        advance(db, config, input, 'order_created');
        effect('order-created', paymentOf(input).intent);
        input.locals.orderId = orderId;
        return next('charge-card');
      },
      'charge-card': (input) => {
        // Renew the lease first: a stale owner is fenced out here, before it calls the provider.
        advance(db, config, input, 'order_created');
        const keyId = Number(input.locals.keyId);
        input.locals.orderId = Number(db.get(ORDER_FOR_KEY, { $id: keyId })?.id);
        return {
          kind: 'call',
          call: chargeCall(paymentOf(input), `ik-${keyId}`),
          step: 'record-charge',
        };
      },
      'record-charge': (input) => {
        markPaid(db, Number(input.locals.orderId), String(input.reply?.chargeId));
        advance(db, config, input, 'charge_created');
        return next('finish');
      },
      finish: (input) => {
        const keyId = Number(input.locals.keyId);
        const orderId = Number(db.get(ORDER_FOR_KEY, { $id: keyId })?.id);
        const response = orderCreated(db, orderId);
        const stored = Object.fromEntries(
          REPLAYED_HEADERS.flatMap((h) => (response.headers[h] ? [[h, response.headers[h]]] : [])),
        );
        const changed = db.run(COMPLETE, {
          $id: keyId,
          $token: Number(input.locals.token),
          $status: response.status,
          $headers: JSON.stringify(stored),
          $body: JSON.stringify(response.body),
          $now: input.now,
        });
        if (changed === 0)
          throw new Fenced(`key ${keyId} was taken over; this execution's token is stale`);
        return respond(response);
      },
    });
  },
};

/** Moves the key's recovery point forward and renews the lease, or throws Fenced. */
function advance(db: Db, config: ServerConfig, input: StepInput, point: string): void {
  const changed = db.run(ADVANCE, {
    $id: Number(input.locals.keyId),
    $token: Number(input.locals.token),
    $point: point,
    $now: input.now,
    $lease: config.leaseMs,
  });
  if (changed === 0)
    throw new Fenced(`key ${input.locals.keyId} was taken over; this execution's token is stale`);
}

/** The first step: validate the key, then claim it or decide from the row that holds it. */
function claim(db: Db, config: ServerConfig, input: StepInput): StepOutcome {
  const { request, now } = input;
  const key = request.headers[IDEMPOTENCY_KEY];
  if (key === undefined) {
    return respond(
      problem(
        400,
        'Idempotency-Key is missing',
        'This operation requires an Idempotency-Key header.',
      ),
    );
  }
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    return respond(
      problem(
        400,
        'Idempotency-Key is malformed',
        `A key is 1 to ${MAX_KEY_LENGTH} characters long.`,
      ),
    );
  }
  const params = {
    $scope: request.client,
    $key: key,
    $method: request.method,
    $path: request.path,
    $fingerprint: fingerprint(request),
    $params: JSON.stringify(request.body),
    $owner: `x${input.exec}`,
    $now: now,
    $lease: config.leaseMs,
    $retention: config.retentionMs,
  };
  let claimed = db.get(CLAIM, params);
  if (!claimed) {
    const row = db.get(FIND, { $scope: request.client, $key: key });
    if (row && Number(row.expires_at) <= now) {
      // An expired key is forgotten: the request is new again (shown, not hidden).
      db.run(DELETE_EXPIRED, { $id: row.id ?? null, $now: now });
      claimed = db.get(CLAIM, params);
    } else if (row) {
      return decide(db, config, input, row, params.$fingerprint);
    }
  }
  if (!claimed) throw new Error(`claim of key "${key}" returned no row twice`);
  input.locals.keyId = Number(claimed.id);
  input.locals.token = Number(claimed.lease_token);
  return next('create-order');
}

/** The decision table for a key another request already holds. */
function decide(
  db: Db,
  config: ServerConfig,
  input: StepInput,
  row: Row,
  requestFingerprint: string,
): StepOutcome {
  const { request, now } = input;
  if (
    row.fingerprint !== requestFingerprint ||
    row.method !== request.method ||
    row.path !== request.path
  ) {
    return respond(
      problem(
        422,
        'Idempotency-Key is already used',
        'This key was sent before with a different request.',
      ),
    );
  }
  if (row.state === 'COMPLETED') {
    const headers = {
      ...(JSON.parse(String(row.response_headers)) as Record<string, string>),
      [IDEMPOTENT_REPLAYED]: 'true',
    };
    return respond({
      status: Number(row.response_status),
      headers,
      body: JSON.parse(String(row.response_body)),
    });
  }
  const leaseLeftMs = Number(row.lease_expires_at) - now;
  if (row.state === 'IN_PROGRESS' && leaseLeftMs > 0) {
    const retryAfter = String(Math.ceil(leaseLeftMs / 1000));
    return respond(
      problem(
        409,
        'A request is outstanding for this Idempotency-Key',
        'Retry later with the same key.',
        { 'Retry-After': retryAfter },
      ),
    );
  }
  const taken = db.get(TAKE_OVER, {
    $id: row.id ?? null,
    $seen: row.lease_token ?? null,
    $owner: `x${input.exec}`,
    $now: now,
    $lease: config.leaseMs,
  });
  if (!taken)
    return respond(
      problem(
        409,
        'A request is outstanding for this Idempotency-Key',
        'Another retry took the key over first.',
      ),
    );
  input.locals.keyId = Number(row.id);
  input.locals.token = Number(taken.lease_token);
  const resume = RESUME_AT[String(taken.recovery_point)];
  if (!resume)
    throw new Error(`key ${row.id} has no resumable recovery point (${taken.recovery_point})`);
  return next(resume);
}
