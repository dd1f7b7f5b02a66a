// Response builders: JSON bodies and RFC 9457 problem details.

import type { HttpResponse } from '../sim/http.ts';

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body };
}

/** An RFC 9457 problem+json answer, as the IETF idempotency draft's examples use. */
export function problem(
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
    body: { type: 'about:blank', title, status, detail },
  };
}
