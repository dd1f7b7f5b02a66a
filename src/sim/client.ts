// Client policy: timeouts, which answers end an operation, and capped exponential backoff with jitter.

import type { Choices } from './choices.ts';
import { sfString } from './http.ts';

export interface ClientPolicy {
  /** How long the client waits for an answer; null waits forever (the happy path). */
  readonly timeoutMs: number | null;
  /** Extra attempts after the first. */
  readonly retries: number;
  readonly backoffMs: number;
  readonly backoffCapMs: number;
  /** Share of each backoff delay that is randomised away, in [0, 1]. */
  readonly jitter: number;
  /** A buggy client that mints a fresh idempotency key for every attempt. */
  readonly newKeyPerAttempt: boolean;
  /**
   * Sends the Idempotency-Key as an RFC 8941 String (quoted), as the IETF draft asks; absent:
   * the bare key, as Stripe's, brandur's and Powertools' clients send it.
   */
  readonly quotesKey?: boolean;
  /**
   * How long after a server crash the client notices that its attempts there are lost, and
   * retries them: at once for a dropped connection, a session timeout for missed heartbeats.
   * Absent: it never notices and waits for its own timeout.
   */
  readonly crashNoticeMs?: number;
}

export type Verdict = 'ok' | 'retry' | 'failed';

/** How a client reads a status: 2xx ends well; 409, 425, 429 and 5xx are worth another try. */
export function classify(status: number): Verdict {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 409 || status === 425 || status === 429 || status >= 500) return 'retry';
  return 'failed';
}

/**
 * The delay before attempt `next` (2, 3, …): backoffMs doubled per earlier retry, capped, minus
 * up to `jitter` of itself. Doubling is a bounded integer loop, not Math.pow, so every engine
 * computes the same delay.
 */
export function backoffDelay(
  policy: Pick<ClientPolicy, 'backoffMs' | 'backoffCapMs' | 'jitter'>,
  next: number,
  choices: Choices,
  label: string,
): number {
  let delay = policy.backoffMs;
  for (let i = 2; i < next && delay < policy.backoffCapMs; i++) delay *= 2;
  delay = Math.min(delay, policy.backoffCapMs);
  const spread = Math.floor(delay * policy.jitter);
  return spread > 0 ? delay - choices.int(label, 0, spread) : delay;
}

/** An idempotency key drawn through Choices, so it is the same under every strategy. */
export function mintKey(choices: Choices, label: string): string {
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `key_${hex(choices.int(`${label}/hi`, 0, 0xffffffff))}${hex(choices.int(`${label}/lo`, 0, 0xffffffff))}`;
}

/** The Idempotency-Key field a client (or the gateway) sends for `key`, as its policy says. */
export function keyField(policy: Pick<ClientPolicy, 'quotesKey'>, key: string): string {
  return policy.quotesKey ? sfString(key) : key;
}
