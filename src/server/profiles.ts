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

export interface Profile {
  readonly id: ProfileId;
  readonly title: string;
  readonly leaseMs: number;
  readonly retentionMs: number;
  /** Shortest and longest key accepted. */
  readonly keyLength: readonly [number, number];
  /**
   * Powertools never stores the key it was given: it stores a hash of it (`function#md5`), so
   * any length works and the stored key is that hash.
   */
  readonly hashesKey: boolean;
  /** A missing (or, for Powertools, empty) key: refuse, or run without idempotency. */
  readonly missingKey: 'reject' | 'run-without';
  /** Whether a key is bound to its payload (Powertools: only when validation is configured). */
  readonly checksFingerprint: boolean;
  /** Whether replays carry `Idempotent-Replayed: true`. */
  readonly marksReplays: boolean;
  readonly onFailure: FailurePolicy;
  /** Whether a background completer re-drives abandoned keys (brandur's completer.rb). */
  readonly completer: boolean;
  readonly missing: () => HttpResponse;
  readonly malformed: (min: number, max: number) => HttpResponse;
  readonly mismatch: () => HttpResponse;
  readonly inFlight: (key: string, retryAfterS: number) => HttpResponse;
  /** The answer for a transient failure (the payment provider is down or did not answer). */
  readonly failed: (status: number, reason: string) => HttpResponse;
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
    hashesKey: false,
    missingKey: 'reject',
    checksFingerprint: true,
    marksReplays: true,
    onFailure: 'unlock',
    completer: false,
    missing: () =>
      problem(
        400,
        'Idempotency-Key is missing',
        'This operation requires an Idempotency-Key header.',
      ),
    malformed: (min, max) =>
      problem(400, 'Idempotency-Key is malformed', `A key is ${min} to ${max} characters long.`),
    mismatch: () =>
      problem(
        422,
        'Idempotency-Key is already used',
        'This key was sent before with a different request.',
      ),
    inFlight: (_key, retryAfterS) =>
      problem(
        409,
        'A request is outstanding for this Idempotency-Key',
        'Retry later with the same key.',
        {
          'Retry-After': String(retryAfterS),
        },
      ),
    failed: (status, reason) =>
      problem(status, 'The payment could not be completed', `${reason}. Retry with the same key.`),
  },
  stripe: {
    id: 'stripe',
    title: 'Stripe (API v1)',
    leaseMs: 90_000,
    retentionMs: 24 * HOUR_MS,
    keyLength: [1, 255],
    hashesKey: false,
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
  },
  brandur: {
    id: 'brandur',
    title: "brandur's Postgres design",
    leaseMs: 90_000,
    retentionMs: 72 * HOUR_MS,
    keyLength: [20, 100],
    hashesKey: false,
    missingKey: 'reject',
    checksFingerprint: true,
    marksReplays: false,
    onFailure: 'unlock',
    completer: true,
    missing: () =>
      brandurError(400, 'Please specify an idempotency key with the Idempotency-Key header.'),
    malformed: (min, max) =>
      brandurError(400, `Idempotency-Key must be ${min} to ${max} characters long.`),
    mismatch: () =>
      brandurError(
        409,
        "There was a mismatch between this request's parameters and the parameters of a previously stored request with the same Idempotency-Key.",
      ),
    inFlight: () =>
      brandurError(409, 'An API request with the same Idempotency-Key is already in progress.'),
    failed: (_status, reason) =>
      brandurError(
        503,
        `${reason}. Please retry the request periodically with the same Idempotency-Key.`,
      ),
  },
  powertools: {
    id: 'powertools',
    title: 'AWS Lambda Powertools',
    // In-progress records expire with the Lambda's remaining time: a 30 s function timeout here.
    leaseMs: 30_000,
    retentionMs: HOUR_MS,
    keyLength: [1, Number.MAX_SAFE_INTEGER],
    hashesKey: true,
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
  },
};
