// The business side of the users API: POST /users and POST /create-user make a new user on
// every call (the server picks its id); PUT /users/<id> writes the user the client named.

import type { StepInput } from '../sim/handler.ts';
import type { HttpRequest, HttpResponse } from '../sim/http.ts';
import type { Db } from './db.ts';
import { json } from './responses.ts';
import { respond, type Effect, type Step } from './steps.ts';

export const USERS_PATH = '/users';
/** The API studio's endpoint, named as the essay names it. */
export const CREATE_USER_PATH = '/create-user';
/** A per-send id the caller adds to every request; the server logs it with the row it creates. */
export const REQUEST_ID = 'X-Request-Id';

/** The step every users strategy names the write after; keyed strategies reach it after the claim. */
export const WRITE_USER = 'write-user';

export function isUserRoute(request: HttpRequest): boolean {
  return (
    request.path === USERS_PATH ||
    request.path === CREATE_USER_PATH ||
    request.path.startsWith(`${USERS_PATH}/`)
  );
}

/** The id a PUT names in its path, or null for a create that lets the server pick. */
function putRef(request: HttpRequest): string | null {
  return request.method === 'PUT' && request.path.startsWith(`${USERS_PATH}/`)
    ? request.path.slice(USERS_PATH.length + 1)
    : null;
}

// The server numbers the users it names itself: usr_1, usr_2, … (users are never deleted). A
// client's PUT ids are its own, digits in these stories, so the two never collide.
const INSERT = `INSERT INTO users (ref, scope, name, email, via, request_id, idempotency_key_id, created_at, updated_at)
VALUES ('usr_' || (SELECT count(*) + 1 FROM users WHERE ref LIKE 'usr\\_%' ESCAPE '\\'), $scope, $name, $email, $via, $request, $key_id, $now, $now)
RETURNING id, ref, writes`;
// PUT replaces the user under its id, or creates it: one atomic statement, so two PUTs at once
// still leave one row.
const PUT = `INSERT INTO users (ref, scope, name, email, via, request_id, idempotency_key_id, created_at, updated_at)
VALUES ($ref, $scope, $name, $email, $via, $request, $key_id, $now, $now)
ON CONFLICT (ref) DO UPDATE SET name = excluded.name, email = excluded.email,
  writes = writes + 1, updated_at = excluded.updated_at
RETURNING id, ref, writes`;
const BY_ID = `SELECT ref, name, email FROM users WHERE id = $id`;
// The natural key of a sign-up: one user per (client, email). Claimed before the user exists, in
// a table of its own, so users stays free of the constraint and naive can show duplicates.
const CLAIM_EMAIL = `INSERT INTO user_emails (scope, email, created_at) VALUES ($scope, $email, $now)
ON CONFLICT (scope, email) DO NOTHING RETURNING email`;
const LINK_EMAIL = `UPDATE user_emails SET user_id = $id WHERE scope = $scope AND email = $email`;
const USER_FOR_EMAIL = `SELECT user_id FROM user_emails WHERE scope = $scope AND email = $email`;

function params(input: StepInput, keyId: number | null) {
  const { request, now } = input;
  return {
    $scope: request.client,
    $name: String(request.body.name),
    $email: String(request.body.email),
    $via: `${request.method} ${request.path}`,
    $request: request.headers[REQUEST_ID] ?? null,
    $key_id: keyId,
    $now: now,
  };
}

/** The user as an answer: 201 when this request created it, 200 when it found or replaced it. */
export function userResponse(db: Db, id: number, status: 200 | 201): HttpResponse {
  const user = db.get(BY_ID, { $id: id });
  const ref = String(user?.ref);
  return json(
    status,
    { user: ref, name: user?.name, email: user?.email },
    { Location: `${USERS_PATH}/${ref}` },
  );
}

/**
 * Does what the method says, with no idempotency of its own: a POST inserts a new user, a PUT
 * writes the user it names. `keyId` links the row to the key that guarded it, if any.
 */
export function writeUser(
  db: Db,
  input: StepInput,
  effect: Effect,
  keyId: number | null,
): { readonly id: number; readonly response: HttpResponse } {
  const ref = putRef(input.request);
  const row =
    ref === null
      ? db.get(INSERT, params(input, keyId))
      : db.get(PUT, { ...params(input, keyId), $ref: ref });
  const id = Number(row?.id);
  const created = Number(row?.writes) === 1;
  effect(created ? 'user-created' : 'user-rewritten', String(row?.ref));
  return { id, response: userResponse(db, id, created ? 201 : 200) };
}

/** The plain route: one step that writes the user and answers. */
export function plainUserSteps(db: Db, prefix = ''): Record<string, Step> {
  return {
    [`${prefix}${WRITE_USER}`]: (input, effect) =>
      respond(writeUser(db, input, effect, null).response),
  };
}

/**
 * The natural key: a POST claims (client, email) first; a repeat gets the user that claim made,
 * with 200. A PUT already names its user, so it is written as is.
 */
export function naturalKeyUserSteps(db: Db): Record<string, Step> {
  return {
    [WRITE_USER]: (input, effect) => {
      if (putRef(input.request) !== null)
        return respond(writeUser(db, input, effect, null).response);
      const { $scope, $email, $now } = params(input, null);
      if (!db.get(CLAIM_EMAIL, { $scope, $email, $now })) {
        const found = db.get(USER_FOR_EMAIL, { $scope, $email });
        return respond(userResponse(db, Number(found?.user_id), 200));
      }
      const { id, response } = writeUser(db, input, effect, null);
      db.run(LINK_EMAIL, { $scope, $email, $id: id });
      return respond(response);
    },
  };
}
