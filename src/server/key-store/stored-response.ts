// What a key table keeps of an answer, and how it gives that answer back to a retry.

import { IDEMPOTENT_REPLAYED, type HttpResponse } from '../../sim/http.ts';
import type { Row } from '../db.ts';

/** Response headers worth replaying; per-exchange ones (dates, rate limits) are not stored. */
const REPLAYED_HEADERS = ['Content-Type', 'Location'];

/** An answer as SQL parameters: `$status`, `$headers` and `$body` (JSON text). */
export function storedResponse(response: HttpResponse) {
  const headers = Object.fromEntries(
    REPLAYED_HEADERS.flatMap((h) => (response.headers[h] ? [[h, response.headers[h]]] : [])),
  );
  return {
    $status: response.status,
    $headers: JSON.stringify(headers),
    $body: JSON.stringify(response.body),
  };
}

/** The stored answer of `row`; `marked` adds `Idempotent-Replayed: true`. */
export function replay(row: Row, marked: boolean): HttpResponse {
  const stored = JSON.parse(String(row.response_headers)) as Record<string, string>;
  return {
    status: Number(row.response_status),
    headers: marked ? { ...stored, [IDEMPOTENT_REPLAYED]: 'true' } : stored,
    body: JSON.parse(String(row.response_body)),
  };
}
