// The key store's atomic phases: each local phase commits its writes together with the key's new
// recovery point, fenced by the execution's lease token; the last stores the answer; a failure is
// handled as the profile says. Every route's phases are built of these.

import type { ForeignReply, StepInput, StepOutcome } from '../../sim/handler.ts';
import type { HttpResponse } from '../../sim/http.ts';
import { Fenced, respond } from '../steps.ts';
import type { KeyStore } from './store.ts';
import { storedResponse } from './stored-response.ts';

function fenced(input: StepInput, changed: number): void {
  if (changed === 0)
    throw new Fenced(`key ${input.locals.keyId} was taken over; this execution's token is stale`);
}

/** Moves the key's recovery point forward and renews the lease, or throws Fenced. */
export function advance(store: KeyStore, input: StepInput, point: string): void {
  const changed = store.db.run(store.writes.advance, {
    $id: Number(input.locals.keyId),
    $token: Number(input.locals.token),
    $point: point,
    $now: input.now,
    $lease: store.config.leaseMs,
  });
  fenced(input, changed);
}

/** Stores the final answer; from now on every retry gets exactly this. */
export function complete(store: KeyStore, input: StepInput, response: HttpResponse): void {
  const changed = store.db.run(store.writes.complete, {
    $id: Number(input.locals.keyId),
    $token: Number(input.locals.token),
    ...storedResponse(response),
    $now: input.now,
  });
  fenced(input, changed);
}

/** A foreign system failed: what happens to the key is the profile's policy (`onFailure`). */
export function failed(
  store: KeyStore,
  input: StepInput,
  reply: ForeignReply | undefined,
): StepOutcome {
  const status = reply && !reply.ok ? reply.status : 502;
  const response = store.profile.failed(
    status,
    reply && !reply.ok ? reply.reason : 'no answer from the payment provider',
  );
  const row = {
    $id: Number(input.locals.keyId),
    $token: Number(input.locals.token),
    $now: input.now,
  };
  switch (store.profile.onFailure) {
    case 'unlock':
      fenced(input, store.db.run(store.writes.unlock, row));
      break;
    case 'store':
      complete(store, input, response);
      break;
    case 'delete':
      fenced(input, store.db.run(store.writes.deleteMine, { $id: row.$id, $token: row.$token }));
      break;
  }
  return respond(response);
}
