// POST /bookings as a key-store route, with two foreign systems: record the booking, charge the
// fare, hold the seat, confirm. Each phase commits with its recovery point, so a retry that takes
// the key over resumes where the last one stopped: same booking, same payment, same seat.

import type { StepInput } from '../../sim/handler.ts';
import {
  bookingConfirmed,
  bookingForKey,
  BOOKINGS_PATH,
  insertBooking,
  markBookingPaid,
  markSeated,
  plainBookingSteps,
  seatCall,
  tripOf,
} from '../bookings.ts';
import { advance, complete, failed } from '../key-store/phases.ts';
import type { KeyStore } from '../key-store/store.ts';
import { chargeCall } from '../payments.ts';
import { next, respond, type Step } from '../steps.ts';
import type { Route } from './route.ts';

/** What a buggy booking route leaves out; the correct one leaves out nothing. */
export interface BookingFlaws {
  /**
   * Never moves the recovery point past `started` and does not tie the booking to the key: a
   * takeover starts from the top, creates a new booking, and keys the provider and the airline
   * by that new booking.
   */
  readonly noRecoveryPoint?: boolean;
  /** Sends the seat request to the airline without an idempotency key. */
  readonly noAirlineKey?: boolean;
}

export function bookingsRoute(flaws: BookingFlaws = {}): Route {
  return {
    serves: (request) => request.path === BOOKINGS_PATH,
    // started → booking_created → charge_created → seat_reserved → finished.
    resumeAt: {
      started: 'create-booking',
      booking_created: 'charge-fare',
      charge_created: 'reserve-seat',
      seat_reserved: 'confirm-booking',
    },
    phases: (store) => bookingPhases(store, flaws),
    plain: (db, prefix) => plainBookingSteps(db, prefix),
  };
}

function bookingPhases(store: KeyStore, flaws: BookingFlaws): Record<string, Step> {
  const { db } = store;
  // Without recovery points the phases still renew the lease, but the point stays `started`.
  const point = (name: string) => (flaws.noRecoveryPoint ? 'started' : name);
  const bookingId = (input: StepInput) =>
    flaws.noRecoveryPoint
      ? Number(input.locals.bookingId)
      : bookingForKey(db, Number(input.locals.keyId));
  // The correct store derives both systems' keys from its key row, which outlives every retry.
  const foreignKey = (input: StepInput) =>
    flaws.noRecoveryPoint ? `fb-${input.locals.bookingId}` : `ik-${input.locals.keyId}`;
  return {
    'create-booking': (input, effect) => {
      // Fence first: a stale owner must meet its lost lease (409), not create a booking.
      advance(store, input, point('booking_created'));
      const keyId = flaws.noRecoveryPoint ? null : Number(input.locals.keyId);
      input.locals.bookingId = insertBooking(db, input, keyId);
      effect('booking-created', tripOf(input).intent);
      return next('charge-fare');
    },
    'charge-fare': (input) => {
      // Renew the lease first: a stale owner is fenced out here, before it calls the provider.
      advance(store, input, point('booking_created'));
      input.locals.bookingId = bookingId(input);
      return {
        kind: 'call',
        call: chargeCall(tripOf(input), foreignKey(input)),
        step: 'record-fare',
      };
    },
    'record-fare': (input) => {
      const { reply } = input;
      if (!reply?.ok) return failed(store, input, reply);
      markBookingPaid(db, bookingId(input), reply.reference);
      advance(store, input, point('charge_created'));
      return next('reserve-seat');
    },
    'reserve-seat': (input) => {
      advance(store, input, point('charge_created'));
      input.locals.bookingId = bookingId(input);
      const key = flaws.noAirlineKey ? undefined : foreignKey(input);
      return { kind: 'call', call: seatCall(tripOf(input), key), step: 'record-seat' };
    },
    'record-seat': (input) => {
      const { reply } = input;
      if (!reply?.ok) return failed(store, input, reply);
      markSeated(db, bookingId(input), reply.reference);
      advance(store, input, point('seat_reserved'));
      return next('confirm-booking');
    },
    'confirm-booking': (input) => {
      const response = bookingConfirmed(db, bookingId(input));
      complete(store, input, response);
      return respond(response);
    },
  };
}
