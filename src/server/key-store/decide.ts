// The first step of the key store: validate the key, claim it atomically, or decide from the row
// that already holds it (SEMANTICS.md §1.4, answered the way the chosen profile answers).

import type { StepInput, StepOutcome } from '../../sim/handler.ts';
import { IDEMPOTENCY_KEY, type HttpRequest } from '../../sim/http.ts';
import type { Db, Row } from '../db.ts';
import { fingerprint, powertoolsKey } from '../fingerprint.ts';
import { PROFILES, type Profile } from '../profiles.ts';
import { next, respond } from '../steps.ts';
import type { ServerConfig } from '../strategy.ts';
import {
  CLAIM,
  DELETE_EXPIRED,
  DELETE_MINE,
  FENCED_WRITES,
  FIND,
  TAKE_OVER,
  type KeyWrites,
} from './sql.ts';
import type { FlightFlaws } from './flight-phases.ts';
import { replay } from './stored-response.ts';

export interface KeyStore {
  readonly db: Db;
  readonly config: ServerConfig;
  readonly profile: Profile;
  /** Whose keys a request's key is one of: keys are unique per client (SEMANTICS.md §1.2). */
  readonly scope: (request: HttpRequest) => string;
  /** How an execution writes its key: fenced by its lease token (SEMANTICS.md §1.5). */
  readonly writes: KeyWrites;
  /** Whether a completed payment also enqueues its event in the outbox, in the same transaction. */
  readonly outbox?: boolean;
  /** What a flight-booking variant of the store leaves out (absent: nothing). */
  readonly flight?: FlightFlaws;
}

/** The store as SEMANTICS.md §1 specifies it, answering like the configured profile. */
export function keyStore(db: Db, config: ServerConfig): KeyStore {
  return {
    db,
    config,
    profile: PROFILES[config.profile],
    scope: (request) => request.client,
    writes: FENCED_WRITES,
  };
}

/** Steps for requests the profile runs without a key (Stripe, Powertools): the plain payment. */
export const UNKEYED = 'no-key:';

/**
 * Where an execution resumes, by the recovery point its predecessor committed: `started` is
 * also where a fresh claim begins (and, prefixed with UNKEYED, where a keyless request runs).
 */
export type ResumeAt = { readonly started: string } & Readonly<Record<string, string>>;

/** POST /payments: order, charge, finish. */
export const PAYMENT_RESUME_AT: ResumeAt = {
  started: 'create-order',
  order_created: 'charge-card',
  charge_created: 'finish',
};

export function claimKey(
  store: KeyStore,
  input: StepInput,
  resumeAt: ResumeAt = PAYMENT_RESUME_AT,
): StepOutcome {
  const { profile } = store;
  const key = input.request.headers[IDEMPOTENCY_KEY];
  // A profile that runs requests without a key (Stripe, Powertools) treats an empty one as none.
  if (key === undefined || (key === '' && profile.missingKey === 'run-without')) {
    return profile.missingKey === 'run-without'
      ? next(`${UNKEYED}${resumeAt.started}`)
      : respond(profile.missing());
  }
  const [min, max] = profile.keyLength;
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
  return decide(store, input, row, params, resumeAt);
}

function claimParams(store: KeyStore, input: StepInput, key: string) {
  const { request, now } = input;
  return {
    $scope: store.scope(request),
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
function decide(
  store: KeyStore,
  input: StepInput,
  row: Row,
  params: ReturnType<typeof claimParams>,
  resumeAt: ResumeAt,
): StepOutcome {
  const { profile, db, config } = store;
  const { request, now } = input;
  const same =
    row.fingerprint === params.$fingerprint &&
    row.method === request.method &&
    row.path === request.path;
  if (!same && profile.checksFingerprint) return respond(profile.mismatch());
  if (row.state === 'COMPLETED') return respond(replay(row, profile.marksReplays));
  const leaseLeftMs = Number(row.lease_expires_at) - now;
  if (row.state === 'IN_PROGRESS' && leaseLeftMs > 0) {
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
  if (!taken) return respond(profile.inFlight(params.$key, 1));
  input.locals.keyId = Number(row.id);
  input.locals.token = Number(taken.lease_token);
  const resume = resumeAt[String(taken.recovery_point)];
  if (!resume)
    throw new Error(`key ${row.id} has no resumable recovery point (${taken.recovery_point})`);
  return next(resume);
}
