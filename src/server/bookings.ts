// The business side of POST /bookings, shared by every strategy that books flights: record the
// booking, charge the fare at the payment provider, hold a seat at the airline, confirm.

import type { ForeignCall, StepInput } from '../sim/handler.ts';
import type { HttpResponse } from '../sim/http.ts';
import type { Db } from './db.ts';
import { chargeCall } from './payments.ts';
import { problem, json } from './responses.ts';
import { next, respond, type Step } from './steps.ts';

export const BOOKINGS_PATH = '/bookings';

const INSERT_BOOKING = `INSERT INTO flight_bookings (scope, intent, flight, idempotency_key_id, amount_cents, status, created_at)
VALUES ($scope, $intent, $flight, $key_id, $amount, 'pending', $now) RETURNING id`;
const MARK_PAID = `UPDATE flight_bookings SET status = 'paid', psp_charge_id = $charge WHERE id = $id`;
const MARK_SEATED = `UPDATE flight_bookings SET status = 'confirmed', airline_booking_id = $booking WHERE id = $id`;
const BOOKING_BY_ID = `SELECT id, intent, flight, amount_cents, status, psp_charge_id, airline_booking_id
FROM flight_bookings WHERE id = $id`;
const BOOKING_FOR_KEY = `SELECT id FROM flight_bookings WHERE idempotency_key_id = $id`;

export interface Trip {
  readonly intent: string;
  readonly flight: string;
  readonly amountCents: number;
}

/** Reads the trip a request asks to book. */
export function tripOf(input: StepInput): Trip {
  const { intent, flight, amount_cents } = input.request.body;
  return { intent: String(intent), flight: String(flight), amountCents: Number(amount_cents) };
}

export function insertBooking(db: Db, input: StepInput, keyId: number | null): number {
  const trip = tripOf(input);
  const row = db.get(INSERT_BOOKING, {
    $scope: input.request.client,
    $intent: trip.intent,
    $flight: trip.flight,
    $key_id: keyId,
    $amount: trip.amountCents,
    $now: input.now,
  });
  return Number(row?.id);
}

/** The booking a key row created, for an execution that resumes it. */
export function bookingForKey(db: Db, keyId: number): number {
  return Number(db.get(BOOKING_FOR_KEY, { $id: keyId })?.id);
}

/** A seat on the trip's flight, held at the airline; `key` is the airline's idempotency key, if any. */
export function seatCall(trip: Trip, key?: string): ForeignCall {
  // The provider's call addressed to the airline: `system` keeps its place first in the object.
  return { ...chargeCall(trip, key), system: 'airline' };
}

export function markBookingPaid(db: Db, bookingId: number, reference: string): void {
  db.run(MARK_PAID, { $id: bookingId, $charge: reference });
}

export function markSeated(db: Db, bookingId: number, airlineRef: string): void {
  db.run(MARK_SEATED, { $id: bookingId, $booking: airlineRef });
}

/** 201 Created with the booking, its charge and its seat: first answers and replays carry it. */
export function bookingConfirmed(db: Db, bookingId: number): HttpResponse {
  const booking = db.get(BOOKING_BY_ID, { $id: bookingId });
  const body = {
    booking: `fb_${bookingId}`,
    intent: booking?.intent,
    flight: booking?.flight,
    amount_cents: booking?.amount_cents,
    status: booking?.status,
    charge: booking?.psp_charge_id,
    airline_ref: booking?.airline_booking_id,
  };
  return json(201, body, { Location: `${BOOKINGS_PATH}/fb_${bookingId}` });
}

/** The answer when the provider or the airline failed: their status, and what to do. */
export function bookingFailed(status: number, reason: string): HttpResponse {
  return problem(status, 'The booking could not be completed', reason);
}

/** How a strategy that wraps the plain booking bends it. */
export interface BookingHooks {
  /** The step a recorded seat leads to; without one, recording the seat answers 201. */
  readonly then?: string;
}

/**
 * The booking without any idempotency: create-booking → charge-fare → record-fare →
 * reserve-seat → record-seat. Step names carry `prefix`, so a key store can run these same
 * steps for a request it accepts without a key.
 */
export function plainBookingSteps(
  db: Db,
  prefix = '',
  hooks: BookingHooks = {},
): Record<string, Step> {
  const failed = (input: StepInput) =>
    respond(
      bookingFailed(
        input.reply && !input.reply.ok ? input.reply.status : 502,
        input.reply && !input.reply.ok ? input.reply.reason : 'no answer',
      ),
    );
  return {
    [`${prefix}create-booking`]: (input, effect) => {
      input.locals.bookingId = insertBooking(db, input, null);
      effect('booking-created', tripOf(input).intent);
      return next(`${prefix}charge-fare`);
    },
    [`${prefix}charge-fare`]: (input) => ({
      kind: 'call',
      // The fare is a payment like any other: the same provider call as POST /payments makes.
      call: chargeCall(tripOf(input)),
      step: `${prefix}record-fare`,
    }),
    [`${prefix}record-fare`]: (input) => {
      if (!input.reply?.ok) return failed(input);
      markBookingPaid(db, Number(input.locals.bookingId), input.reply.reference);
      return next(`${prefix}reserve-seat`);
    },
    [`${prefix}reserve-seat`]: (input) => ({
      kind: 'call',
      call: seatCall(tripOf(input)),
      step: `${prefix}record-seat`,
    }),
    [`${prefix}record-seat`]: (input) => {
      if (!input.reply?.ok) return failed(input);
      const bookingId = Number(input.locals.bookingId);
      markSeated(db, bookingId, input.reply.reference);
      return hooks.then ? next(hooks.then) : respond(bookingConfirmed(db, bookingId));
    },
  };
}
