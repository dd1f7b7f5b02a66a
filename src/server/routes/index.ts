// The HTTP API's routes, which both the naive handler and the key store consult: a request's
// route says where it starts, and for a keyed one where it resumes.

import type { HttpRequest } from '../../sim/http.ts';
import { bookingsRoute } from './bookings.ts';
import { paymentsRoute } from './payments.ts';
import type { Route } from './route.ts';
import { usersRoute } from './users.ts';

export interface Routes {
  readonly payments: Route;
  readonly bookings: Route;
  readonly users: Route;
}

/** The routes as the correct strategies serve them; a variant replaces one (no-airline-key, outbox). */
export const ROUTES: Routes = {
  payments: paymentsRoute(),
  bookings: bookingsRoute(),
  users: usersRoute,
};

/** The route that serves `request`; a request no other route serves is a payment, the first API. */
export function routeFor(routes: Routes, request: HttpRequest): Route {
  return Object.values(routes).find((route) => route.serves(request)) ?? routes.payments;
}
