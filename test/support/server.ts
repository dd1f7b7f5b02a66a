// Helpers to drive handlers step by step on a real sql.js database, outside the simulation.
import type { SqlJsStatic } from 'sql.js';
import { schemaImage } from '../../src/engine/run-strategy.ts';
import { openDb, type OpenDb, type SqlLogEntry } from '../../src/server/db.ts';
import { keyFieldValue } from '../../src/server/key-store/key-field.ts';
import { PROFILES } from '../../src/server/profiles.ts';
import type { ServerConfig, Strategy } from '../../src/server/strategy.ts';
import type { Handler, Locals, StepInput } from '../../src/sim/handler.ts';
import type { HttpRequest, HttpResponse } from '../../src/sim/http.ts';
import { Provider, type ProviderPolicy } from '../../src/sim/provider.ts';

export function freshDb(SQL: SqlJsStatic, log?: SqlLogEntry[]): OpenDb {
  return openDb(new SQL.Database(schemaImage(SQL)), log);
}

export function payment(
  key: string | undefined,
  overrides: Partial<HttpRequest> & { amount?: number } = {},
): HttpRequest {
  const { amount = 4200, ...rest } = overrides;
  return {
    method: 'POST',
    path: '/payments',
    client: 'customer-1',
    headers: key === undefined ? {} : { 'Idempotency-Key': key },
    body: { intent: 'pi_1', amount_cents: amount },
    ...rest,
  };
}

/**
 * A strategy's handler on a fresh database, and a provider that honours keys and is up unless
 * `policy` says otherwise. `start` begins an execution (of a payment with key-1 by default).
 */
export function serve(
  SQL: SqlJsStatic,
  strategy: Strategy,
  config: ServerConfig,
  policy: Partial<ProviderPolicy> = {},
) {
  const db = freshDb(SQL);
  const provider = new Provider({
    latencyMs: 100,
    honoursKeys: true,
    outageUntilMs: 0,
    lostReply: 0,
    ...policy,
  });
  const handler = strategy.create(db, config);
  let exec = 0;
  // A request's key goes out as the profile's clients send it (quoted under the IETF draft),
  // unless `asSent` keeps the field exactly as written, to test what the server makes of it.
  const start = (request = payment('key-1'), { asSent = false } = {}) =>
    new Execution(handler, provider, asSent ? request : sentBy(config, request), ++exec);
  const count = (table: string) => Number(db.get(`SELECT count(*) AS n FROM ${table}`)?.n);
  return { db, provider, handler, start, count };
}

function sentBy(config: ServerConfig, request: HttpRequest): HttpRequest {
  const key = request.headers['Idempotency-Key'];
  if (key === undefined) return request;
  const field = keyFieldValue(PROFILES[config.profile], key);
  return { ...request, headers: { ...request.headers, 'Idempotency-Key': field } };
}

/** One execution of a handler, advanced a step at a time; provider calls are answered at once. */
export class Execution {
  readonly steps: string[] = [];
  readonly locals: Locals = {};
  response: HttpResponse | undefined;
  #next: string;
  #reply: StepInput['reply'];

  readonly handler: Handler;
  readonly provider: Provider;
  readonly request: HttpRequest;
  readonly exec: number;

  constructor(handler: Handler, provider: Provider, request: HttpRequest, exec: number) {
    this.handler = handler;
    this.provider = provider;
    this.request = request;
    this.exec = exec;
    this.#next = handler.firstStep(request);
  }

  /** Runs one step at virtual time `now`; returns the step's name. */
  step(now: number): string {
    if (this.response) throw new Error('execution already answered');
    const name = this.#next;
    const result = this.handler.run(name, {
      exec: this.exec,
      request: this.request,
      now,
      locals: this.locals,
      reply: this.#reply,
    });
    this.steps.push(result.error ? `${name}!` : name);
    this.#reply = undefined;
    const { outcome } = result;
    if (outcome.kind === 'respond') this.response = outcome.response;
    else if (outcome.kind === 'next') this.#next = outcome.step;
    else if (outcome.kind === 'ack' || outcome.kind === 'done')
      throw new Error('Execution does not drive handlers that answer before they finish');
    else {
      this.#reply = this.provider.charge(outcome.call, now).reply;
      this.#next = outcome.step;
    }
    return name;
  }

  /** Runs steps until the handler answers (at most 20). */
  finish(now: number): HttpResponse {
    for (let i = 0; i < 20 && !this.response; i++) this.step(now);
    if (!this.response) throw new Error(`no answer after 20 steps: ${this.steps.join(' → ')}`);
    return this.response;
  }
}
