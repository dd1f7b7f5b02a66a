// The key store's claim, the first step of every keyed route: validate the key, claim it
// atomically, or decide from the row that already holds it, as the profile answers.

import type { StepInput, StepOutcome } from '../../sim/handler.ts';
import type { HttpRequest } from '../../sim/http.ts';
import type { Row } from '../db.ts';
import { canonicalJson, fingerprint, powertoolsKey } from '../fingerprint.ts';
import type { Profile } from '../profiles.ts';
import { readKeyField } from './key-field.ts';
import { next, respond } from '../steps.ts';
import { CLAIM, DELETE_EXPIRED, DELETE_MINE, FIND, RECORD_SHARED_USE, TAKE_OVER } from './sql.ts';
import type { KeyStore } from './store.ts';
import { replay } from './stored-response.ts';

/** The step prefix of requests the profile runs without a key (Stripe, Powertools): the plain route. */
export const UNKEYED = 'no-key:';

/**
 * Where an execution resumes, by the recovery point its predecessor committed: `started` is
 * also where a fresh claim begins (and, prefixed with UNKEYED, where a keyless request runs).
 */
export type ResumeAt = { readonly started: string } & Readonly<Record<string, string>>;

/**
 * Claims the request's key for this execution and names the step it starts or resumes at, by
 * `resumeAt`; or answers for the key (missing, malformed, reused, in flight, stored).
 */
export function claimKey(store: KeyStore, input: StepInput, resumeAt: ResumeAt): StepOutcome {
  const { profile } = store;
  const [min, max] = profile.keyLength;
  const field = keyOf(profile, input.request);
  if (field.kind === 'malformed') return respond(profile.malformed(min, max, field.why));
  // An empty raw field is no key (brandur: `key.nil? || key.empty?`; Powertools: a falsy key).
  const key =
    field.kind === 'key' && !(field.key === '' && profile.keySyntax === 'raw')
      ? field.key
      : undefined;
  if (key === undefined) {
    return profile.missingKey === 'run-without'
      ? next(`${UNKEYED}${resumeAt.started}`)
      : respond(profile.missing());
  }
  if (key.length < min || key.length > max) return respond(profile.malformed(min, max));
  const params = claimParams(store, input, profile.hashesKey ? powertoolsKey(key) : key);
  const claimed = store.db.get(CLAIM, params);
  if (claimed) return started(input, claimed, resumeAt);
  const row = store.db.get(FIND, { $scope: params.$scope, $key: params.$key });
  if (!row) throw new Error(`key "${params.$key}" is neither claimable nor stored`);
  if (Number(row.expires_at) <= input.now) {
    // An expired key is forgotten: the request is new again (shown, not hidden).
    store.db.run(DELETE_EXPIRED, { $id: Number(row.id), $now: input.now });
    return reclaim(store, input, params, resumeAt);
  }
  return decideFromRow(store, input, row, params, resumeAt);
}

/**
 * The key as the profile finds it: in the Idempotency-Key field, or (Powertools with no key
 * path) the whole event, which here is the request's method, path and body.
 */
function keyOf(profile: Profile, request: HttpRequest) {
  if (profile.keySource === 'event') {
    const { method, path, body } = request;
    return { kind: 'key' as const, key: canonicalJson({ method, path, body }) };
  }
  return readKeyField(profile, request);
}

function claimParams(store: KeyStore, input: StepInput, key: string) {
  const { request, now } = input;
  return {
    $scope: store.scope(request),
    $client: request.client,
    $key: key,
    $method: request.method,
    $path: request.path,
    $fingerprint: fingerprint(request),
    $params: JSON.stringify(request.body),
    $owner: `x${input.exec}`,
    $now: now,
    $lease: store.config.leaseMs,
    $retention: store.config.retentionMs,
  };
}

function started(input: StepInput, claimed: Row, resumeAt: ResumeAt): StepOutcome {
  input.locals.keyId = Number(claimed.id);
  input.locals.token = Number(claimed.lease_token);
  return next(resumeAt.started);
}

function reclaim(
  store: KeyStore,
  input: StepInput,
  params: ReturnType<typeof claimParams>,
  resumeAt: ResumeAt,
): StepOutcome {
  const claimed = store.db.get(CLAIM, params);
  if (!claimed) throw new Error(`key "${params.$key}" could not be claimed after it was removed`);
  return started(input, claimed, resumeAt);
}

/** The decision table for a key another request holds or held. */
function decideFromRow(
  store: KeyStore,
  input: StepInput,
  row: Row,
  params: ReturnType<typeof claimParams>,
  resumeAt: ResumeAt,
): StepOutcome {
  const { profile, db, config } = store;
  const { request, now } = input;
  // brandur compares the stored parameters alone; the others the method and path too.
  const same = profile.comparesEndpoint
    ? row.fingerprint === params.$fingerprint &&
      row.method === request.method &&
      row.path === request.path
    : canonicalJson(JSON.parse(String(row.request_params))) === canonicalJson(request.body);
  const shared = (decision: SharedUse) => noteSharedUse(store, row, request, decision, now);
  if (!same && profile.checksFingerprint) {
    shared('refused-mismatch');
    return respond(profile.mismatch());
  }
  if (row.state === 'COMPLETED') {
    shared('replayed');
    return respond(replay(row, profile.marksReplays));
  }
  const leaseLeftMs = Number(row.lease_expires_at) - now;
  if (row.state === 'IN_PROGRESS' && leaseLeftMs > 0) {
    shared('refused-in-flight');
    return respond(profile.inFlight(params.$key, Math.ceil(leaseLeftMs / 1000)));
  }
  if (profile.onFailure === 'delete') {
    // Powertools overwrites an expired in-progress record: the whole function runs again.
    db.run(DELETE_MINE, { $id: Number(row.id), $token: Number(row.lease_token) });
    return reclaim(store, input, params, resumeAt);
  }
  const taken = db.get(TAKE_OVER, {
    $id: Number(row.id),
    $seen: Number(row.lease_token),
    $owner: `x${input.exec}`,
    $now: now,
    $lease: config.leaseMs,
  });
  if (!taken) {
    shared('refused-in-flight');
    return respond(profile.inFlight(params.$key, 1));
  }
  shared('resumed');
  input.locals.keyId = Number(row.id);
  input.locals.token = Number(taken.lease_token);
  const resume = resumeAt[String(taken.recovery_point)];
  if (!resume)
    throw new Error(`key ${row.id} has no resumable recovery point (${taken.recovery_point})`);
  return next(resume);
}

/** How a request was decided from a key row it did not claim (schema.sql, shared_key_uses). */
type SharedUse = 'refused-mismatch' | 'replayed' | 'refused-in-flight' | 'resumed';

/**
 * Records a decision made from another client's key: instrumentation for the `own-keys`
 * invariant, like the stale_writes trigger, not a rule the store follows. A store that scopes its
 * keys finds only its own client's rows, so it never writes here.
 */
function noteSharedUse(
  store: KeyStore,
  row: Row,
  request: HttpRequest,
  decision: SharedUse,
  now: number,
): void {
  if (row.client === request.client) return;
  store.db.run(RECORD_SHARED_USE, {
    $id: Number(row.id),
    $key: String(row.idem_key),
    $holder: String(row.client),
    $asker: request.client,
    $decision: decision,
    $now: now,
  });
}
