// The client: starts each operation, sends its attempts, reads answers and timeouts, retries or gives up.

import { assert } from '../assert.ts';
import { backoffDelay, classify, keyField, mintKey } from '../client.ts';
import type { SimEvent } from '../events.ts';
import { IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, type HttpRequest } from '../http.ts';
import type { Kernel } from '../kernel.ts';
import type { Records } from '../records.ts';
import type { OperationResult } from '../world.ts';
import { transmit } from './network.ts';

type On<T extends SimEvent['type']> = Extract<SimEvent, { type: T }>;

interface OpState {
  attempt: number;
  /** The current attempt waits for an answer, has one, or gave up waiting. */
  phase: 'waiting' | 'answered' | 'timed-out';
  result: OperationResult['result'];
  status: number | null;
  key: string | null;
}

export class Client {
  readonly #k: Kernel;
  readonly #records: Records;
  /** Told each time an operation ends: what it left behind is the background jobs' to find. */
  readonly #onFinished: () => void;
  readonly #ops: OpState[] = [];
  #finished = 0;

  constructor(k: Kernel, records: Records, onFinished: () => void) {
    this.#k = k;
    this.#records = records;
    this.#onFinished = onFinished;
  }

  /** Whether every operation has ended. */
  get done(): boolean {
    return this.#finished >= this.#k.world.operations.length;
  }

  /** Each operation's result so far, numbered from 1. */
  results(): OperationResult[] {
    const operations = this.#k.world.operations;
    return this.#ops.map((s, i) => ({
      op: i + 1,
      client: operations[i]?.client ?? '',
      result: s.result,
      attempts: s.attempt,
      status: s.status,
    }));
  }

  onStart({ op }: On<'start'>): void {
    const k = this.#k;
    const operations = k.world.operations;
    const following = operations[op];
    // Operations start lazily, one scheduling the next, so the queue holds only live work.
    if (following) k.schedule(Math.max(following.at, k.now), { type: 'start', op: op + 1 });
    const given = operations[op - 1]?.key;
    const key = given === undefined ? mintKey(k.choices, `client/op:${op}/key`) : given;
    this.#ops.push({ attempt: 0, phase: 'waiting', result: 'unfinished', status: null, key });
    this.#send(op, 1, undefined);
  }

  onSend({ op, attempt, cause }: On<'send'>): void {
    this.#send(op, attempt, cause);
  }

  #send(op: number, attempt: number, cause: number | undefined): void {
    const k = this.#k;
    const state = this.#ops[op - 1];
    const operation = k.world.operations[op - 1];
    assert(state && operation, `send: unknown operation ${op}`);
    const { client, network } = k.world;
    if (attempt > 1 && client.newKeyPerAttempt)
      state.key = mintKey(k.choices, `client/op:${op}/attempt:${attempt}/key`);
    state.attempt = attempt;
    state.phase = 'waiting';
    this.#records.attempt('client', op);
    const key = state.key === null ? null : keyField(client, state.key);
    const request: HttpRequest = {
      method: operation.method,
      path: operation.path,
      client: operation.client,
      headers: {
        ...operation.headers,
        ...(key === null ? {} : { [IDEMPOTENCY_KEY]: key }),
        ...(operation.attemptHeader ? { [operation.attemptHeader]: String(attempt) } : {}),
      },
      body: operation.body,
    };
    const seq = k.emit({
      actor: 'client',
      kind: 'request',
      op,
      attempt,
      method: request.method,
      path: request.path,
      // The field as sent (quoted under the IETF draft, or a raw field), as the gateway traces it.
      key: request.headers[IDEMPOTENCY_KEY] ?? null,
      body: request.body,
      ...(cause === undefined ? {} : { cause }),
    });
    if (client.timeoutMs !== null)
      k.schedule(k.now + client.timeoutMs, { type: 'timeout', op, attempt, cause: seq });
    transmit(k, { op, attempt, copy: 0 }, request, seq);
    if (k.choices.chance(`net/op:${op}/attempt:${attempt}/duplicate`, network.duplicate)) {
      const dup = k.emit({
        actor: 'network',
        kind: 'duplicated',
        op,
        attempt,
        copy: 1,
        cause: seq,
      });
      transmit(k, { op, attempt, copy: 1 }, request, dup);
    }
  }

  onAnswer({ ref, response, cause }: On<'answer'>): void {
    const k = this.#k;
    const { status } = response;
    const state = this.#ops[ref.op - 1];
    assert(state, `answer: unknown operation ${ref.op}`);
    if (
      state.result !== 'unfinished' ||
      ref.attempt !== state.attempt ||
      state.phase !== 'waiting'
    ) {
      const reason =
        state.result !== 'unfinished'
          ? 'done'
          : ref.attempt !== state.attempt || state.phase === 'timed-out'
            ? 'late'
            : 'duplicate';
      k.emit({ actor: 'client', kind: 'ignored', reason, ...ref, cause });
      return;
    }
    state.phase = 'answered';
    state.status = status;
    const operation = k.world.operations[ref.op - 1];
    this.#records.answers.push({
      op: ref.op,
      attempt: ref.attempt,
      client: operation?.client ?? '',
      asked: operation?.body ?? {},
      status,
      replayed: response.headers[IDEMPOTENT_REPLAYED] === 'true',
      body: response.body,
    });
    const seq = k.emit({ actor: 'client', kind: 'receive', status, ...ref, cause });
    const verdict = classify(status);
    if (verdict === 'retry') this.#retryOrGiveUp(ref.op, state, seq);
    else this.#finish(ref.op, state, verdict, seq);
  }

  onTimeout({ op, attempt, cause, reason }: On<'timeout'>): void {
    const state = this.#ops[op - 1];
    assert(state, `timeout: unknown operation ${op}`);
    if (state.result !== 'unfinished' || state.attempt !== attempt || state.phase !== 'waiting')
      return;
    state.phase = 'timed-out';
    const seq = this.#k.emit({
      actor: 'client',
      kind: 'timeout',
      op,
      attempt,
      ...(reason ? { reason } : {}),
      cause,
    });
    this.#retryOrGiveUp(op, state, seq);
  }

  #retryOrGiveUp(op: number, state: OpState, cause: number): void {
    const k = this.#k;
    const policy = k.world.client;
    if (state.attempt > policy.retries) return this.#finish(op, state, 'gave-up', cause);
    const attempt = state.attempt + 1;
    const label = `client/op:${op}/attempt:${attempt}/jitter`;
    const delayMs = backoffDelay(policy, attempt, k.choices, label);
    const seq = k.emit({ actor: 'client', kind: 'retry', op, attempt, delayMs, cause });
    k.schedule(k.now + delayMs, { type: 'send', op, attempt, cause: seq });
  }

  #finish(op: number, state: OpState, result: 'ok' | 'failed' | 'gave-up', cause: number): void {
    state.result = result;
    // A client that gave up has no final status, whatever its last answer was.
    if (result === 'gave-up') state.status = null;
    this.#finished++;
    this.#onFinished();
    this.#k.emit({
      actor: 'client',
      kind: 'outcome',
      op,
      result,
      attempts: state.attempt,
      status: state.status,
      cause,
    });
  }
}
