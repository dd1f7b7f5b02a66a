// GET /payments/<id> and DELETE /payments/<id> as routes: one phase each, idempotent by
// definition, so only a profile that reads keys on every method (Powertools) claims one there.

import type { HttpRequest, HttpResponse } from '../../sim/http.ts';
import type { Db } from '../db.ts';
import { complete } from '../key-store/phases.ts';
import {
  DELETE_PAYMENT,
  deletePayment,
  namesPayment,
  READ_PAYMENT,
  readPayment,
} from '../payment-resource.ts';
import { respond } from '../steps.ts';
import type { Route } from './route.ts';

function resourceRoute(
  method: 'GET' | 'DELETE',
  step: string,
  work: (db: Db, request: HttpRequest) => HttpResponse,
): Route {
  return {
    serves: (request) => namesPayment(request, method),
    // One phase: a key, where one is claimed, resumes only ever at the start.
    resumeAt: { started: step },
    idempotent: true,
    phases: (store) => ({
      [step]: (input) => {
        const response = work(store.db, input.request);
        complete(store, input, response);
        return respond(response);
      },
    }),
    plain: (db, prefix = '') => ({
      [`${prefix}${step}`]: (input) => respond(work(db, input.request)),
    }),
  };
}

export const paymentReadRoute: Route = resourceRoute('GET', READ_PAYMENT, readPayment);
export const paymentDeleteRoute: Route = resourceRoute('DELETE', DELETE_PAYMENT, deletePayment);
