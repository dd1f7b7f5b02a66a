// The API gateway (worlds with one): relays each client message to the server with its own timeout and retries.

import { assert } from '../assert.ts';
import { backoffDelay, keyField, mintKey } from '../client.ts';
import type { SimEvent } from '../events.ts';
import {
  forwarded,
  onGatewayTimeout,
  onServiceAnswer,
  type GatewayMove,
  type GatewayPolicy,
  type Relay,
} from '../gateway.ts';
import { IDEMPOTENCY_KEY, type HttpResponse } from '../http.ts';
import type { Kernel } from '../kernel.ts';
import type { Records } from '../records.ts';
import { refLabel } from '../refs.ts';
import type { MessageRef } from '../trace.ts';
import { lost, sendBack } from './network.ts';

type On<T extends SimEvent['type']> = Extract<SimEvent, { type: T }>;

export class Gateway {
  readonly #k: Kernel;
  readonly #records: Records;
  /** The gateway's relays, numbered from 1, and which relay serves which client message. */
  readonly #relays: Relay[] = [];
  readonly #relayOf = new Map<string, number>();

  constructor(k: Kernel, records: Records) {
    this.#k = k;
    this.#records = records;
  }

  #policy(what: string): GatewayPolicy {
    const { gateway } = this.#k.world;
    assert(gateway, `${what}: this world has no gateway`);
    return gateway;
  }

  #relay(id: number, what: string): Relay {
    const relay = this.#relays[id - 1];
    assert(relay, `${what}: unknown relay ${id}`);
    return relay;
  }

  /** A client's message reaches the gateway: it forwards it to the server, try 1. */
  onReceive({ ref, request, cause }: On<'gw-receive'>): void {
    const gateway = this.#policy('gw-receive');
    const key = gateway.mintsKey ? mintKey(this.#k.choices, `gateway/${refLabel(ref)}/key`) : null;
    const id = this.#relays.push({
      ref,
      request: forwarded(request, key === null ? null : keyField(this.#k.world.client, key)),
      try: 0,
      phase: 'waiting',
    });
    this.#relayOf.set(refLabel(ref), id);
    this.#forward(id, 1, cause);
  }

  onForward({ relay, try: tryNo, cause }: On<'gw-forward'>): void {
    this.#forward(relay, tryNo, cause);
  }

  /** Try `tryNo` of a relay: the request goes to the server and the gateway's timer starts. */
  #forward(id: number, tryNo: number, cause: number): void {
    const k = this.#k;
    const gateway = this.#policy('gw-forward');
    const relay = this.#relay(id, 'gw-forward');
    relay.try = tryNo;
    relay.phase = 'waiting';
    this.#records.attempt('gateway', relay.ref.op);
    const ref: MessageRef = { ...relay.ref, try: tryNo };
    const seq = k.emit({
      actor: 'gateway',
      kind: 'forward',
      ...ref,
      try: tryNo,
      key: relay.request.headers[IDEMPOTENCY_KEY] ?? null,
      cause,
    });
    if (gateway.timeoutMs !== null)
      k.schedule(k.now + gateway.timeoutMs, {
        type: 'gw-timeout',
        relay: id,
        try: tryNo,
        cause: seq,
      });
    if (k.choices.chance(`gw/${refLabel(ref)}/drop-request`, gateway.requestLoss)) {
      lost(k, 'request', 'network', ref, seq);
      return;
    }
    k.schedule(k.now + gateway.latencyMs, {
      type: 'arrive',
      ref,
      request: relay.request,
      cause: seq,
    });
  }

  /** The server's answer to a gateway try travels back over the inner hop. */
  toGateway(ref: MessageRef, response: HttpResponse, cause: number): void {
    const k = this.#k;
    const gateway = k.world.gateway;
    const id = this.#relayOf.get(refLabel({ op: ref.op, attempt: ref.attempt, copy: ref.copy }));
    assert(gateway && id !== undefined && ref.try !== undefined, 'to-gateway: unknown relay');
    if (k.choices.chance(`gw/${refLabel(ref)}/drop-response`, gateway.responseLoss)) {
      lost(k, 'response', 'network', ref, cause);
      return;
    }
    k.schedule(k.now + gateway.latencyMs, {
      type: 'gw-answer',
      relay: id,
      try: ref.try,
      response,
      cause,
    });
  }

  onAnswer({ relay: id, try: tryNo, response, cause }: On<'gw-answer'>): void {
    const gateway = this.#policy('gw-answer');
    const relay = this.#relay(id, 'gw-answer');
    this.#move(id, relay, tryNo, onServiceAnswer(gateway, relay, tryNo, response), cause);
  }

  onTimeout({ relay: id, try: tryNo, cause }: On<'gw-timeout'>): void {
    const gateway = this.#policy('gw-timeout');
    const relay = this.#relay(id, 'gw-timeout');
    const move = onGatewayTimeout(gateway, relay, tryNo);
    if (!move) return;
    const seq = this.#k.emit({
      actor: 'gateway',
      kind: 'gateway-timeout',
      ...relay.ref,
      try: tryNo,
      cause,
    });
    this.#move(id, relay, tryNo, move, seq);
  }

  /** Does what the gateway's policy decided: ignore a late answer, try again, or answer the client. */
  #move(id: number, relay: Relay, tryNo: number, move: GatewayMove, cause: number): void {
    const k = this.#k;
    const gateway = this.#policy('gw-move');
    switch (move.kind) {
      case 'ignore':
        k.emit({
          actor: 'gateway',
          kind: 'ignored',
          reason: move.reason,
          ...relay.ref,
          try: tryNo,
          cause,
        });
        return;
      case 'retry': {
        relay.phase = 'backing-off';
        const label = `gateway/${refLabel(relay.ref)}/try:${move.next}/jitter`;
        const delayMs = backoffDelay(gateway, move.next, k.choices, label);
        const seq = k.emit({
          actor: 'gateway',
          kind: 'gateway-retry',
          ...relay.ref,
          try: move.next,
          delayMs,
          cause,
        });
        k.schedule(k.now + delayMs, { type: 'gw-forward', relay: id, try: move.next, cause: seq });
        return;
      }
      case 'answer': {
        relay.phase = 'done';
        const seq = k.emit({
          actor: 'gateway',
          kind: 'relay',
          ...relay.ref,
          status: move.response.status,
          tries: relay.try,
          cause,
        });
        sendBack(k, relay.ref, move.response, seq);
        return;
      }
    }
  }
}
