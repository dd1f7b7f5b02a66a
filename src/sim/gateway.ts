// The API gateway between the browser and the service, and the service's own retry of its
// provider call: pure policy (when to retry, what to answer), no scheduling. Each layer runs
// retry(n) of its own, so attempts multiply: (1 + n) per layer.

import type { ForeignReply } from './handler.ts';
import { IDEMPOTENCY_KEY, type HttpRequest, type HttpResponse } from './http.ts';
import type { MessageRef } from './trace.ts';

/** One layer's timeout and retry(n), with capped exponential backoff and jitter. */
export interface RetryPolicy {
  /** Extra tries after the first. */
  readonly retries: number;
  /** How long the layer waits for an answer before it counts a try as failed; null waits forever. */
  readonly timeoutMs: number | null;
  readonly backoffMs: number;
  readonly backoffCapMs: number;
  /** Share of each backoff randomised away, in [0, 1]. */
  readonly jitter: number;
}

export interface GatewayPolicy extends RetryPolicy {
  /** One-way time between the gateway and the service (the inner hop). */
  readonly latencyMs: number;
  /** Chance that a forwarded request never reaches the service. */
  readonly requestLoss: number;
  /** Chance that the service's answer is lost on its way back to the gateway. */
  readonly responseLoss: number;
  /**
   * The gateway mints the Idempotency-Key for every request it receives (the browser sends
   * none): each browser retry then reaches the service under a new key.
   */
  readonly mintsKey: boolean;
}

/** One request the gateway received from the browser, and where its forwarding stands. */
export interface Relay {
  /** The browser's message: its answer goes back under this ref. */
  readonly ref: MessageRef;
  /** What the gateway forwards: the browser's request, with the gateway's key if it mints one. */
  readonly request: HttpRequest;
  /** The current try (1, 2, …). */
  try: number;
  phase: 'waiting' | 'backing-off' | 'done';
}

/** What the gateway does next for a relay. */
export type GatewayMove =
  | { readonly kind: 'ignore'; readonly reason: 'late' | 'done' }
  | { readonly kind: 'retry'; readonly next: number }
  | { readonly kind: 'answer'; readonly response: HttpResponse };

/** The request as the gateway forwards it: unchanged, or under a key the gateway minted. */
export function forwarded(request: HttpRequest, mintedKey: string | null): HttpRequest {
  if (mintedKey === null) return request;
  return { ...request, headers: { ...request.headers, [IDEMPOTENCY_KEY]: mintedKey } };
}

/** A gateway retries gateway errors and overload (5xx), like Envoy's `retry_on: 5xx`; never a 4xx. */
export function gatewayRetries(status: number): boolean {
  return status >= 500;
}

/** The gateway's own answer when its last try timed out. */
export function gatewayTimeout(tries: number): HttpResponse {
  return {
    status: 504,
    headers: { 'Content-Type': 'application/problem+json' },
    body: {
      title: 'Gateway Timeout',
      detail: `The service did not answer in time (${tries} ${tries === 1 ? 'try' : 'tries'}).`,
    },
  };
}

/** The service answered try `tryNo`: pass it on, or try again while tries are left. */
export function onServiceAnswer(
  policy: RetryPolicy,
  relay: Relay,
  tryNo: number,
  response: HttpResponse,
): GatewayMove {
  if (relay.phase === 'done') return { kind: 'ignore', reason: 'done' };
  if (tryNo !== relay.try || relay.phase !== 'waiting') return { kind: 'ignore', reason: 'late' };
  if (gatewayRetries(response.status) && relay.try <= policy.retries)
    return { kind: 'retry', next: relay.try + 1 };
  return { kind: 'answer', response };
}

/** Try `tryNo` timed out: try again while tries are left, else answer 504. Null: nothing to do. */
export function onGatewayTimeout(
  policy: RetryPolicy,
  relay: Relay,
  tryNo: number,
): GatewayMove | null {
  if (relay.phase !== 'waiting' || tryNo !== relay.try) return null;
  if (relay.try <= policy.retries) return { kind: 'retry', next: relay.try + 1 };
  return { kind: 'answer', response: gatewayTimeout(relay.try) };
}

/**
 * Whether the service calls the provider again after this reply: on 503 (down, nothing
 * charged) and 504 (no answer: the card may have been charged), while tries are left.
 */
export function retriesCall(
  policy: RetryPolicy | undefined,
  reply: ForeignReply,
  tryNo: number,
): boolean {
  return policy !== undefined && !reply.ok && reply.status >= 500 && tryNo <= policy.retries;
}
