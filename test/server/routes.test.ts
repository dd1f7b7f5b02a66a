// The route table both naive and the key store consult: which route a request takes, and that each route's steps exist.
import { beforeAll, describe, expect, test } from 'vitest';
import type { OpenDb } from '../../src/server/db.ts';
import { UNKEYED } from '../../src/server/key-store/claim.ts';
import { keyStore } from '../../src/server/key-store/store.ts';
import { bookingsRoute } from '../../src/server/routes/bookings.ts';
import { routeFor, ROUTES } from '../../src/server/routes/index.ts';
import { paymentsRoute } from '../../src/server/routes/payments.ts';
import type { Route } from '../../src/server/routes/route.ts';
import { mergeSteps, next } from '../../src/server/steps.ts';
import type { ServerConfig } from '../../src/server/strategy.ts';
import { loadSql } from '../support/sql.ts';
import { freshDb, payment } from '../support/server.ts';

const config: ServerConfig = { profile: 'ietf', leaseMs: 90_000, retentionMs: 86_400_000 };

/** One database for the file: building a route's steps writes nothing. */
let db: OpenDb;
beforeAll(async () => {
  db = freshDb(await loadSql());
});

describe('routeFor', () => {
  test.each([
    ['POST', '/payments', 'payments'],
    ['POST', '/bookings', 'bookings'],
    ['POST', '/users', 'users'],
    ['POST', '/create-user', 'users'],
    ['PUT', '/users/7', 'users'],
    // Anything no route claims is a payment, as it was before there was a table.
    ['POST', '/refunds', 'payments'],
    ['GET', '/payments/ord_1', 'paymentRead'],
    ['DELETE', '/payments/ord_1', 'paymentDelete'],
  ] as const)('%s %s takes the %s route', (method, path, name) => {
    expect(routeFor(ROUTES, payment('k', { method, path }))).toBe(ROUTES[name]);
  });
});

describe('every route, and every variant of one', () => {
  const routes: [string, Route][] = [
    ...Object.entries(ROUTES),
    ['bookings without recovery points', bookingsRoute({ noRecoveryPoint: true })],
    ['bookings without an airline key', bookingsRoute({ noAirlineKey: true })],
    ['payments with the outbox', paymentsRoute({ outbox: true })],
  ];

  test.each(routes)('%s: plain work starts at resumeAt.started, keyed or not', (_name, route) => {
    expect(Object.keys(route.plain(db))).toContain(route.resumeAt.started);
    expect(Object.keys(route.plain(db, UNKEYED))).toContain(`${UNKEYED}${route.resumeAt.started}`);
  });

  test.each(routes)('%s: every recovery point resumes at one of its phases', (_name, route) => {
    const phases = Object.keys(route.phases(keyStore(db, config)));
    expect(phases).toEqual(expect.arrayContaining(Object.values(route.resumeAt)));
  });

  test('no two routes name the same step, keyed or plain: one handler serves them all', () => {
    const store = keyStore(db, config);
    const all = Object.values(ROUTES).flatMap((route) => [
      route.phases(store),
      route.plain(db, UNKEYED),
    ]);
    expect(() => mergeSteps(all)).not.toThrow();
    expect(() => mergeSteps([...all, { 'create-order': () => next('x') }])).toThrow(
      'two routes name a step "create-order"',
    );
  });
});
