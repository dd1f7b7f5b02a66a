// The network between client and server: each message's loss, latency and arrival, or its loss on the way.

import type { HttpRequest, HttpResponse } from '../http.ts';
import type { Kernel } from '../kernel.ts';
import { latency } from '../network.ts';
import { pinnedTo, refLabel } from '../refs.ts';
import type { MessageRef } from '../trace.ts';

/** A message that never arrives: the network lost it, or the server was down or crashed. */
export function lost(
  k: Kernel,
  message: 'request' | 'response',
  reason: 'network' | 'server-down' | 'server-crash',
  ref: MessageRef,
  cause: number,
  actor: 'network' | 'server' = 'network',
): void {
  k.emit({ actor, kind: 'lost', message, reason, ...ref, cause });
}

/** A client's request crosses the network: lost, or it reaches the gateway (if any) or the server. */
export function transmit(k: Kernel, ref: MessageRef, request: HttpRequest, cause: number): void {
  const label = `net/${refLabel(ref)}`;
  const { network, pinned } = k.world;
  const pin = ref.copy === 0 && pinnedTo(pinned?.dropRequest, ref) !== undefined;
  if (pin || k.choices.chance(`${label}/drop-request`, network.requestLoss)) {
    lost(k, 'request', 'network', ref, cause);
    return;
  }
  const at = k.now + latency(network, k.choices, `${label}/request`);
  // With a gateway, the client talks to it; the gateway talks to the server.
  k.schedule(
    at,
    k.world.gateway
      ? { type: 'gw-receive', ref, request, cause }
      : { type: 'arrive', ref, request, cause },
  );
}

/** An answer travels back to the client over the network (from the server, or the gateway). */
export function sendBack(k: Kernel, ref: MessageRef, response: HttpResponse, cause: number): void {
  const label = `net/${refLabel(ref)}`;
  const { network, pinned } = k.world;
  const pin = pinnedTo(pinned?.dropResponse, ref) !== undefined;
  if (pin || k.choices.chance(`${label}/drop-response`, network.responseLoss)) {
    lost(k, 'response', 'network', ref, cause);
    return;
  }
  const at = k.now + latency(network, k.choices, `${label}/response`);
  k.schedule(at, { type: 'answer', ref, response, cause });
}
