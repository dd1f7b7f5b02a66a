// The key table the buggy key strategies share (checked_keys, no unique constraint): the look-up
// that decides replay, 409 or go ahead, and the statements that write a key.

import type { StepInput, StepOutcome } from '../../sim/handler.ts';
import { IDEMPOTENCY_KEY, type HttpResponse } from '../../sim/http.ts';
import type { Db } from '../db.ts';
import { fingerprint } from '../fingerprint.ts';
import { replay, storedResponse } from '../key-store/stored-response.ts';
import { PROFILES } from '../profiles.ts';
import { next, respond } from '../steps.ts';

// Missing keys, malformed keys, reused keys and duplicates in flight get the IETF answers: these
// strategies are wrong elsewhere, and the page should show only that.
const IETF = PROFILES.ietf;

// LIMIT 1: without a unique constraint a key may have several rows; the oldest speaks for it.
const FIND = `SELECT id, fingerprint, response_status, response_headers, response_body FROM checked_keys
WHERE scope = $scope AND idem_key = $key ORDER BY id LIMIT 1`;
const INSERT = `INSERT INTO checked_keys (scope, idem_key, fingerprint, response_status, response_headers,
  response_body, created_at)
VALUES ($scope, $key, $fingerprint, $status, $headers, $body, $now) RETURNING id`;
const ANSWER = `UPDATE checked_keys SET response_status = $status, response_headers = $headers, response_body = $body
WHERE id = $id`;
const FORGET = `DELETE FROM checked_keys WHERE id = $id`;

function keyOf(input: StepInput) {
  return { $scope: input.request.client, $key: String(input.request.headers[IDEMPOTENCY_KEY]) };
}

/**
 * Looks the request's key up: a stored answer is replayed, a row without one means a request
 * in flight (409), and no row at all lets the request go on to `go`.
 */
export function checkKey(db: Db, input: StepInput, go: string): StepOutcome {
  const key = input.request.headers[IDEMPOTENCY_KEY];
  if (key === undefined) return respond(IETF.missing());
  const [min, max] = IETF.keyLength;
  if (key.length < min || key.length > max) return respond(IETF.malformed(min, max));
  const row = db.get(FIND, keyOf(input));
  if (!row) return next(go);
  if (row.fingerprint !== fingerprint(input.request)) return respond(IETF.mismatch());
  // No lease, so no time left to tell the client: Retry-After 1 s.
  if (row.response_status === null) return respond(IETF.inFlight(key, 1));
  return respond(replay(row, true));
}

/** Writes a key row, with its answer or (null) still running; returns its id. */
export function insertKey(db: Db, input: StepInput, response: HttpResponse | null): number {
  const answer = response
    ? storedResponse(response)
    : { $status: null, $headers: null, $body: null };
  const params = { ...keyOf(input), $fingerprint: fingerprint(input.request), $now: input.now };
  return Number(db.get(INSERT, { ...params, ...answer })?.id);
}

export function storeAnswer(db: Db, keyId: number, response: HttpResponse): void {
  db.run(ANSWER, { $id: keyId, ...storedResponse(response) });
}

export function forgetKey(db: Db, keyId: number): void {
  db.run(FORGET, { $id: keyId });
}
