// Response builders: JSON bodies and RFC 9457 problem details.

import type { HttpResponse } from '../sim/http.ts';

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body };
}

/**
 * An RFC 9457 problem+json answer, as the IETF idempotency draft's examples use. `type` is a URI
 * reference to the page that documents the problem; `about:blank` when the status says it all.
 */
export function problem(
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
  type = 'about:blank',
): HttpResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
    body: { type, title, status, detail },
  };
}
