// idempotency-key: the Stripe/IETF-style key store. An atomic claim before any side effect, a
// fingerprint check, a lease with a fencing token, atomic phases with recovery points, a
// provider key derived from the stored row, a stored response replayed on every retry — each
// answered the way the chosen profile (IETF, Stripe, brandur, Powertools) answers. The buggy
// key stores (global-key-scope, no-fingerprint, cache-5xx, …) are this store with one flaw.
// Every route (../routes/) runs its phases behind the same claim.

import type { Handler } from '../../sim/handler.ts';
import type { HttpRequest } from '../../sim/http.ts';
import { claimKey, UNKEYED } from '../key-store/claim.ts';
import { completer, reaper } from '../key-store/jobs.ts';
import { onPhaseError } from '../key-store/phases.ts';
import { keyStore, type KeyStore } from '../key-store/store.ts';
import { HOUR_MS } from '../profiles.ts';
import { routeFor, ROUTES, type Routes } from '../routes/index.ts';
import { mergeSteps, stepHandler } from '../steps.ts';
import type { Strategy } from '../strategy.ts';

export const idempotencyKey: Strategy = {
  id: 'idempotency-key',
  title: 'Idempotency-Key store',
  summary:
    'Claims the Idempotency-Key in a single statement before doing any work, stores the first answer and replays it to every retry. A copy that arrives while the first request is still running gets 409.',
  correct: true,
  exposedBy:
    'A client that mints a new key for each retry, or a retry that comes after the key expired.',
  create: (db, config) => keyStoreHandler(keyStore(db, config), ROUTES),
};

/**
 * What a variant changes (one bug, or the outbox): the store itself, or one of the routes it
 * serves.
 */
export interface Variant {
  readonly store?: (store: KeyStore) => KeyStore;
  readonly routes?: Partial<Routes>;
}

/** A variant's handler: the store with one thing of it changed. */
export function variantOf(variant: Variant): Strategy['create'] {
  const flaw = variant.store ?? ((store: KeyStore) => store);
  const routes = { ...ROUTES, ...variant.routes };
  return (db, config) => keyStoreHandler(flaw(keyStore(db, config)), routes);
}

function keyStoreHandler(store: KeyStore, routes: Routes): Handler {
  const { db } = store;
  const served = Object.values(routes);
  const background = served.flatMap((route) => (route.background ? [route.background] : []));
  const jobs = [
    reaper(db, store.config.reaperEveryMs ?? HOUR_MS, store.config.reaperEveryMs !== undefined),
    ...(store.profile.completer ? [completer(db, store.profile)] : []),
    ...background.map((work) => work.job(db)),
  ];
  // A background job's requests run their own steps; every other request claims its key first,
  // except on a route idempotent by definition (GET, DELETE) where the profile reads no key.
  const first = (request: HttpRequest) => {
    const work = background.find((job) => job.path === request.path);
    if (work) return work.firstStep;
    const route = routeFor(routes, request);
    return route.idempotent && !store.profile.keysIdempotentMethods
      ? `${UNKEYED}${route.resumeAt.started}`
      : 'claim-key';
  };
  return stepHandler(
    db,
    first,
    mergeSteps([
      {
        // One claim for every route; the route decides where an execution starts and resumes.
        'claim-key': (input) => claimKey(store, input, routeFor(routes, input.request).resumeAt),
      },
      ...served.map((route) => route.phases(store)),
      ...served.map((route) => route.plain(db, UNKEYED)),
      ...background.map((work) => work.steps(db)),
    ]),
    { jobs, onError: (input, error) => onPhaseError(store, input, error) },
  );
}
