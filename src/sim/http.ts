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
