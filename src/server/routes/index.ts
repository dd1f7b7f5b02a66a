// The HTTP API's routes, which both the naive handler and the key store consult: a request's
// route says where it starts, and for a keyed one where it resumes.

import type { HttpRequest } from '../../sim/http.ts';
import type { Db } from '../db.ts';
import { mergeSteps, type Step } from '../steps.ts';
import { bookingsRoute } from './bookings.ts';
import { paymentDeleteRoute, paymentReadRoute } from './payment-resource.ts';
import { paymentsRoute } from './payments.ts';
import type { Route } from './route.ts';
import { usersRoute } from './users.ts';

export interface Routes {
  readonly payments: Route;
  readonly bookings: Route;
  readonly users: Route;
  /** GET /payments/<id> and DELETE /payments/<id>: idempotent by definition. */
  readonly paymentRead: Route;
  readonly paymentDelete: Route;
}

/** The routes as the correct strategies serve them; a variant replaces one (no-airline-key, outbox). */
export const ROUTES: Routes = {
  payments: paymentsRoute(),
  bookings: bookingsRoute(),
  users: usersRoute,
  paymentRead: paymentReadRoute,
  paymentDelete: paymentDeleteRoute,
};

/** The route that serves `request`; a request no other route serves is a payment, the first API. */
export function routeFor(routes: Routes, request: HttpRequest): Route {
  return Object.values(routes).find((route) => route.serves(request)) ?? routes.payments;
}

/**
 * A strategy with no key store of its own (upsert, check-then-insert, key-after-effect) serves
 * the routes idempotent by definition (GET, DELETE) plainly, in front of its own first step: it
 * looks at no key there, as the IETF draft and Stripe expect.
 */
export function plainWhereIdempotent(
  db: Db,
  first: (request: HttpRequest) => string,
): { readonly first: (request: HttpRequest) => string; readonly steps: Record<string, Step> } {
  const idempotent = Object.values(ROUTES).filter((route) => route.idempotent);
  return {
    first: (request) =>
      idempotent.find((route) => route.serves(request))?.resumeAt.started ?? first(request),
    steps: mergeSteps(idempotent.map((route) => route.plain(db))),
  };
}
