// The business side of one payment as a resource: GET /payments/<id> reads it, DELETE deletes it.
// Both are idempotent by definition (RFC 9110 §9.2.2): a repeat leaves the same state.

import type { HttpRequest, HttpResponse } from '../sim/http.ts';
import type { Db } from './db.ts';
import { orderResponse, PAYMENTS_PATH } from './payments.ts';
import { json, problem } from './responses.ts';

/** The step each route names its work after (keyed, or prefixed when served plainly). */
export const READ_PAYMENT = 'read-payment';
export const DELETE_PAYMENT = 'delete-payment';

// A client sees only its own payments: another client's id is as missing as one never made.
const FIND = `SELECT id FROM orders WHERE id = $id AND scope = $scope AND status <> 'deleted'`;
// A soft delete, so the invariants still see the order (and the charge stays: a refund would be
// a POST to the provider, with a key of its own).
const DELETE = `UPDATE orders SET status = 'deleted'
WHERE id = $id AND scope = $scope AND status <> 'deleted'`;

/** Whether `request` names one payment, `/payments/<id>`, with `method`. */
export function namesPayment(request: HttpRequest, method: 'GET' | 'DELETE'): boolean {
  return request.method === method && request.path.startsWith(`${PAYMENTS_PATH}/`);
}

/** The payment's reference as the path gives it, and its order id if it is one (`ord_<n>`). */
function refOf(request: HttpRequest): { readonly ref: string; readonly id: number | null } {
  const ref = request.path.slice(PAYMENTS_PATH.length + 1);
  const match = /^ord_([1-9][0-9]{0,15})$/.exec(ref);
  return { ref, id: match ? Number(match[1]) : null };
}

// Stripe's wording for an id it does not know ("No such customer: 'cus_…'").
const noSuchPayment = (ref: string) =>
  problem(404, 'No such payment', `No such payment: '${ref}'.`);

/** 200 with the payment, or 404 when there is none of the client's under that id. */
export function readPayment(db: Db, request: HttpRequest): HttpResponse {
  const { ref, id } = refOf(request);
  const found = id !== null && db.get(FIND, { $id: id, $scope: request.client }) !== undefined;
  return found ? orderResponse(db, id, 200) : noSuchPayment(ref);
}

/**
 * Deletes the payment: 200 with `deleted: true`, as Stripe's DELETE endpoints answer. A second
 * DELETE finds nothing to delete and answers 404; the state is the same either way, which is
 * what makes DELETE idempotent (the answer may differ, RFC 9110 §9.2.2).
 */
export function deletePayment(db: Db, request: HttpRequest): HttpResponse {
  const { ref, id } = refOf(request);
  const deleted = id !== null && db.run(DELETE, { $id: id, $scope: request.client }) === 1;
  return deleted ? json(200, { order: ref, object: 'payment', deleted: true }) : noSuchPayment(ref);
}
