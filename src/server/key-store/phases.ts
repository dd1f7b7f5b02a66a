// The key store's atomic phases: each local phase commits its writes together with the key's new
// recovery point, fenced by the execution's lease token; the last stores the answer; a failure is
// handled as the profile says. Every route's phases are built of these.

import type { ForeignReply, StepInput, StepOutcome } from '../../sim/handler.ts';
import type { HttpResponse } from '../../sim/http.ts';
import type { FailurePolicy } from '../profiles.ts';
import { Fenced, respond, SerializationFailure } from '../steps.ts';
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

/**
 * A foreign system failed or refused. A declined card is a final answer, stored under every
 * profile; for a failure (down, no answer) what happens to the key is the profile's `onFailure`.
 */
export function failed(
  store: KeyStore,
  input: StepInput,
  reply: ForeignReply | undefined,
): StepOutcome {
  if (reply && !reply.ok && reply.status === 402) {
    const response = store.profile.declined(reply.reason);
    complete(store, input, response);
    return respond(response);
  }
  const status = reply && !reply.ok ? reply.status : 502;
  const response = store.profile.failed(
    status,
    reply && !reply.ok ? reply.reason : 'no answer from the payment provider',
  );
  settle(store, input, store.profile.onFailure, response);
  return respond(response);
}

/** Leaves the execution's key as `policy` says: unlocked, completed with `response`, or deleted. */
function settle(
  store: KeyStore,
  input: StepInput,
  policy: FailurePolicy,
  response: HttpResponse,
): void {
  const row = {
    $id: Number(input.locals.keyId),
    $token: Number(input.locals.token),
    $now: input.now,
  };
  switch (policy) {
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
}

/**
 * A phase threw and rolled back: answer as the profile does and, at once, leave the key as it
 * says (brandur's `atomic_phase` unlocks it, so the retry resumes at the last recovery point).
 * Undefined before the key was claimed.
 */
export function onPhaseError(
  store: KeyStore,
  input: StepInput,
  error: unknown,
): HttpResponse | undefined {
  if (input.locals.keyId === undefined) return undefined;
  const kind = error instanceof SerializationFailure ? 'serialization-failure' : 'internal-error';
  const { policy, response } = store.profile.onException(kind);
  try {
    settle(store, input, policy, response);
  } catch {
    // Already inside an error: a key that cannot be settled now (fenced out, or frozen) is left
    // as it is, as brandur's `atomic_phase` swallows a failed unlock; its lease still runs out.
  }
  return response;
}

/**
 * brandur's `raise_error` test hook: it is kept out of the stored parameters so that a retry
 * does not fail too. Here it is a request header, which the key's fingerprint never covers.
 */
export const RAISE_ERROR = 'Raise-Error';

/** Throws inside the phase when the request asks for it (`serialization-failure`, `internal-error`). */
export function raiseIfAsked(input: StepInput): void {
  const asked = input.request.headers[RAISE_ERROR];
  if (asked === 'serialization-failure')
    throw new SerializationFailure('Serialization failure (asked for by Raise-Error).');
  if (asked === 'internal-error') throw new Error('Simulated failure (asked for by Raise-Error).');
}
