// HTTP shapes shared by the simulated client, network and server (plain data, JSON-safe).

export type Params = Readonly<Record<string, string | number | boolean>>;

export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** The authenticated caller; idempotency keys are scoped to it. */
  readonly client: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Params;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Header names as the simulated server reads and writes them. */
export const IDEMPOTENCY_KEY = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED = 'Idempotent-Replayed';

/**
 * `key` as an RFC 8941 String (§4.1.6): in double quotes, backslash and double quote escaped. The IETF draft
 * (§2.1) asks for the Idempotency-Key field in this form.
 */
export function sfString(key: string): string {
  return `"${key.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
