// The four ways real systems answer for an idempotency key: the IETF draft, Stripe (API v1),
// brandur's Stripe-like Postgres design, and AWS Lambda Powertools. Same store, different
// answers, retention, leases and policy on what gets stored.

import type { HttpResponse } from '../sim/http.ts';
import { json, problem } from './responses.ts';

export type ProfileId = 'ietf' | 'stripe' | 'brandur' | 'powertools';
export const PROFILE_IDS: readonly ProfileId[] = ['ietf', 'stripe', 'brandur', 'powertools'];

export const HOUR_MS = 3_600_000;

/** What the store does with a key whose execution failed on a transient error (a 5xx). */
export type FailurePolicy =
  /** Unlock it: the row keeps its recovery point and a retry resumes there (IETF, brandur). */
  | 'unlock'
  /** Store the 5xx as the final answer and replay it forever (Stripe v1). */
  | 'store'
  /** Delete the record: a retry runs the whole function again (Powertools). */
  | 'delete';

/** An exception inside an atomic phase: a serialization failure (a concurrent write) or a bug. */
export type PhaseError = 'serialization-failure' | 'internal-error';

/** Where the IETF profile's problem types are documented: a section of the project's docs. */
const PROBLEM_DOCS = 'docs/semantics.md';

export interface Profile {
  readonly id: ProfileId;
  readonly title: string;
  readonly leaseMs: number;
  readonly retentionMs: number;
  /** Shortest and longest key accepted. */
  readonly keyLength: readonly [number, number];
  /**
   * How the Idempotency-Key field is read: an RFC 8941 String, quoted (the IETF draft), or the
   * raw text of the field (Stripe, brandur, Powertools).
   */
  readonly keySyntax: 'sf-string' | 'raw';
  /** Where the key comes from: the header, or (Powertools without a key path) the whole event. */
  readonly keySource: 'header' | 'event';
  /**
   * Whether keys are kept per calling client. Powertools keys its records by the hashed key
   * alone (`persistence/dynamodb.py` `_get_key`): one table for every caller.
   */
  readonly scopedKeys: boolean;
  /** Whether a key reused on another method or path is refused (brandur compares parameters only). */
  readonly comparesEndpoint: boolean;
  /**
   * Powertools never stores the key it was given: it stores a hash of it (`function#md5`), so
   * any length works and the stored key is that hash.
   */
  readonly hashesKey: boolean;
  /**
   * Whether a key sent with GET or DELETE, idempotent by definition, is read at all. Stripe: it
   * "has no effect"; the IETF draft makes the field for non-idempotent methods (POST, PATCH);
   * brandur reads it in `post "/rides"` only. Powertools' decorator wraps the whole function,
   * whatever the method, so there the key is claimed and the answer stored.
   */
  readonly keysIdempotentMethods: boolean;
  /** A missing (or, for Powertools, empty) key: refuse, or run without idempotency. */
  readonly missingKey: 'reject' | 'run-without';
  /** Whether a key is bound to its payload (Powertools: only when validation is configured). */
  readonly checksFingerprint: boolean;
  /** Whether replays carry `Idempotent-Replayed: true`. */
  readonly marksReplays: boolean;
  /** What a failed foreign call (the provider down, or no answer) does to the key. */
  readonly onFailure: FailurePolicy;
  /** Whether a background completer re-drives abandoned keys (brandur's completer.rb). */
  readonly completer: boolean;
  readonly missing: () => HttpResponse;
  /** A key outside the length range, or (IETF) a field that is not a quoted String: `why`. */
  readonly malformed: (min: number, max: number, why?: string) => HttpResponse;
  readonly mismatch: () => HttpResponse;
  readonly inFlight: (key: string, retryAfterS: number) => HttpResponse;
  /** The answer for a transient failure (the payment provider is down or did not answer). */
  readonly failed: (status: number, reason: string) => HttpResponse;
  /** The answer when the provider declines the card: final, stored and replayed everywhere. */
  readonly declined: (reason: string) => HttpResponse;
  /** An exception inside an atomic phase: the answer, and what happens to the key. */
  readonly onException: (error: PhaseError) => {
    readonly policy: FailurePolicy;
    readonly response: HttpResponse;
  };
}

/** The Powertools settings a story may turn on; each is off by default, as in Powertools. */
export interface PowertoolsOptions {
  /** `payload_validation_jmespath`: a key reused with another payload raises IdempotencyValidationError. */
  readonly payloadValidation?: boolean;
  /** `raise_on_no_idempotency_key`: a request without a key raises IdempotencyKeyError. */
  readonly raiseOnNoKey?: boolean;
  /** No `event_key_jmespath`: the whole event is hashed into the key, the header is not read. */
  readonly wholeEventKey?: boolean;
  /** The function answers a failed call with an error response, which is saved, instead of raising. */
  readonly returnsErrors?: boolean;
}

/** The profile with a story's Powertools settings applied (other profiles take none). */
export function configured(profile: Profile, options: PowertoolsOptions = {}): Profile {
  if (profile.id !== 'powertools') return profile;
  return {
    ...profile,
    ...(options.payloadValidation ? { checksFingerprint: true } : {}),
    ...(options.raiseOnNoKey ? { missingKey: 'reject' as const } : {}),
    ...(options.wholeEventKey ? { keySource: 'event' as const } : {}),
    ...(options.returnsErrors
      ? {
          onFailure: 'store' as const,
          failed: (status: number, reason: string) => json(status, { message: reason }),
        }
      : {}),
  };
}

const stripeError = (status: number, type: string, message: string, code?: string): HttpResponse =>
  json(status, { error: { type, ...(code ? { code } : {}), message } });
const brandurError = (status: number, message: string): HttpResponse =>
  json(status, { error: message });
const lambdaError = (errorType: string, errorMessage: string): HttpResponse =>
  json(500, { errorType, errorMessage });

export const PROFILES: Readonly<Record<ProfileId, Profile>> = {
  ietf: {
    id: 'ietf',
    title: 'IETF draft',
    leaseMs: 90_000,
    retentionMs: 24 * HOUR_MS,
    keyLength: [1, 255],
    keySyntax: 'sf-string',
    keySource: 'header',
    scopedKeys: true,
    comparesEndpoint: true,
    hashesKey: false,
    keysIdempotentMethods: false,
    missingKey: 'reject',
    checksFingerprint: true,
    marksReplays: true,
    onFailure: 'unlock',
    completer: false,
    // Draft §2.7: each key problem's `type` links to the page that documents it.
    missing: () =>
      problem(
        400,
        'Idempotency-Key is missing',
        'This operation requires an Idempotency-Key header.',
        {},
        `${PROBLEM_DOCS}#idempotency-key-is-missing`,
      ),
    malformed: (min, max, why) =>
      problem(
        400,
        'Idempotency-Key is malformed',
        why
          ? `The key must be a quoted String ("…"): ${why}.`
          : `A key is ${min} to ${max} characters long.`,
        {},
        `${PROBLEM_DOCS}#idempotency-key-is-malformed`,
      ),
    mismatch: () =>
      problem(
        422,
        'Idempotency-Key is already used',
        'This key was sent before with a different request.',
        {},
        `${PROBLEM_DOCS}#idempotency-key-is-already-used`,
      ),
    inFlight: (_key, retryAfterS) =>
      problem(
        409,
        'A request is outstanding for this Idempotency-Key',
        'Retry later with the same key.',
        { 'Retry-After': String(retryAfterS) },
        `${PROBLEM_DOCS}#a-request-is-outstanding-for-this-idempotency-key`,
      ),
    failed: (status, reason) =>
      problem(status, 'The payment could not be completed', `${reason}. Retry with the same key.`),
    declined: (reason) => problem(402, 'The card was declined', `${reason}.`),
    onException: () => ({
      policy: 'unlock',
      response: problem(500, 'Internal Server Error', 'Retry with the same key.'),
    }),
  },
  stripe: {
    id: 'stripe',
    title: 'Stripe (API v1)',
    leaseMs: 90_000,
    retentionMs: 24 * HOUR_MS,
    keyLength: [1, 255],
    keySyntax: 'raw',
    keySource: 'header',
    scopedKeys: true,
    comparesEndpoint: true,
    hashesKey: false,
    keysIdempotentMethods: false,
    missingKey: 'run-without',
    checksFingerprint: true,
    marksReplays: true,
    onFailure: 'store',
    completer: false,
    missing: () =>
      stripeError(400, 'invalid_request_error', 'unused: Stripe runs requests without a key'),
    malformed: (_min, max) =>
      stripeError(
        400,
        'invalid_request_error',
        `Keys for idempotent requests can only be ${max} characters long.`,
      ),
    mismatch: () =>
      stripeError(
        400,
        'idempotency_error',
        'Keys for idempotent requests can only be used with the same parameters they were first used with.',
      ),
    inFlight: () =>
      stripeError(
        409,
        'idempotency_error',
        'There is currently another in-progress request using this Idempotent Key. Please try again later.',
        'idempotency_key_in_use',
      ),
    failed: (status, reason) => stripeError(status === 504 ? 500 : status, 'api_error', reason),
    declined: (reason) =>
      stripeError(402, 'card_error', `Your card was declined: ${reason}.`, 'card_declined'),
    // "Results are only saved … after endpoint execution begins … including 500 errors."
    onException: () => ({
      policy: 'store',
      response: stripeError(500, 'api_error', 'An unexpected error occurred.'),
    }),
  },
  brandur: {
    id: 'brandur',
    title: "brandur's Postgres design",
    leaseMs: 90_000,
    retentionMs: 72 * HOUR_MS,
    keyLength: [20, 100],
    keySyntax: 'raw',
    keySource: 'header',
    scopedKeys: true,
    // api.rb compares `key.request_params` only; method and path are stored, never compared.
    comparesEndpoint: false,
    hashesKey: false,
    keysIdempotentMethods: false,
    missingKey: 'reject',
    checksFingerprint: true,
    marksReplays: false,
    // api.rb: a `Stripe::StripeError` during the charge is a Response(503), which moves the key
    // to `finished` with that answer; only an exception (500, 409) unlocks it.
    onFailure: 'store',
    completer: true,
    missing: () =>
      brandurError(400, 'Please specify an idempotency key with the Idempotency-Key header.'),
    // api.rb checks only the minimum (error_key_too_short); its schema's CHECK caps keys at 100.
    malformed: (min, max) =>
      brandurError(
        400,
        `Idempotency-Key must be at least ${min} characters long (and at most ${max}).`,
      ),
    mismatch: () =>
      brandurError(
        409,
        "There was a mismatch between this request's parameters and the parameters of a previously stored request with the same Idempotency-Key.",
      ),
    inFlight: () =>
      brandurError(409, 'An API request with the same Idempotency-Key is already in progress.'),
    failed: () => brandurError(503, 'Error from payment processor. Please contact support.'),
    declined: (reason) => brandurError(402, `Error from payment processor: ${reason}`),
    // atomic_phase: Sequel::SerializationFailure → 409, anything else → 500; both unlock the key.
    onException: (error) => ({
      policy: 'unlock',
      response:
        error === 'serialization-failure'
          ? brandurError(
              409,
              'Conflict detected with a concurrent request. Please retry with the same Idempotency-Key.',
            )
          : brandurError(
              500,
              'Internal server error. Please retry the request periodically with the same Idempotency-Key until it succeeds.',
            ),
    }),
  },
  powertools: {
    id: 'powertools',
    title: 'AWS Lambda Powertools',
    // In-progress records expire with the Lambda's remaining time: a 30 s function timeout here.
    leaseMs: 30_000,
    retentionMs: HOUR_MS,
    keyLength: [1, Number.MAX_SAFE_INTEGER],
    keySyntax: 'raw',
    keySource: 'header',
    scopedKeys: false,
    comparesEndpoint: true,
    hashesKey: true,
    keysIdempotentMethods: true,
    missingKey: 'run-without',
    checksFingerprint: false,
    marksReplays: false,
    onFailure: 'delete',
    completer: false,
    missing: () =>
      lambdaError('IdempotencyKeyError', 'No data found to create a hashed idempotency_key'),
    malformed: () =>
      lambdaError('IdempotencyKeyError', 'No data found to create a hashed idempotency_key'),
    mismatch: () =>
      lambdaError(
        'IdempotencyValidationError',
        'Payload does not match stored record for this event key',
      ),
    inFlight: (key) =>
      lambdaError(
        'IdempotencyAlreadyInProgressError',
        `There is already an execution in progress with idempotency key: ${key}`,
      ),
    failed: (_status, reason) => lambdaError('Error', reason),
    // A function that gets a decline answers it: a returned response is saved like any other.
    declined: (reason) => json(402, { message: `The card was declined: ${reason}.` }),
    // The function raised: Powertools deletes the record and re-raises (a Lambda 500).
    onException: () => ({
      policy: 'delete',
      response: lambdaError('Error', 'The function raised.'),
    }),
  },
};
