// Driving a consumer step by step in tests: the key-store config it runs under, and a story's event as the request it receives.
import type { ServerConfig } from '../../src/server/strategy.ts';
import type { HttpRequest } from '../../src/sim/http.ts';
import type { Operation } from '../../src/sim/simulation.ts';

/** The IETF profile's own lease and retention: a consumer story keeps the defaults. */
export const CONSUMER_CONFIG: ServerConfig = {
  profile: 'ietf',
  leaseMs: 90_000,
  retentionMs: 86_400_000,
};

/** What the consumer receives for one of a story's operations. */
export function received(operation: Operation): HttpRequest {
  const { method, path, client, headers = {}, body } = operation;
  return { method, path, client, headers, body };
}
