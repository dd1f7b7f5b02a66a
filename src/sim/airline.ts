// The airline: a second foreign system, holding seat bookings in a ledger of its own. Like the
// payment provider it sits outside the server's database, so a server ROLLBACK never frees a seat.

import type { ForeignCall, ForeignReply } from './handler.ts';
import { KeyedLedger, type ProviderPolicy } from './provider.ts';

/** The airline answers to the same knobs as the payment provider: latency, keys, outage, lost answers. */
export type AirlinePolicy = ProviderPolicy;

/** One seat held for one traveller. */
export interface SeatBooking {
  /** The airline's booking reference, `bk_1`, `bk_2`, … */
  readonly id: string;
  readonly intent: string;
  /** The seat it holds: 1A … 1F, 2A, … in the order seats were taken. */
  readonly seat: string;
  /** The fare the server asked the airline to book. */
  readonly amountCents: number;
  readonly key: string | null;
  readonly at: number;
}

const SEATS_PER_ROW = 'ABCDEF';

/** The seat the n-th booking (0, 1, …) takes: seats fill row by row. */
export function seatFor(index: number): string {
  const row = Math.floor(index / SEATS_PER_ROW.length) + 1;
  return `${row}${SEATS_PER_ROW[index % SEATS_PER_ROW.length]}`;
}

export class Airline extends KeyedLedger<SeatBooking> {
  constructor(policy: AirlinePolicy) {
    super(policy, 'the airline is down');
  }

  /**
   * Books a seat unless the key was seen before or the airline is down; `booked` says whether a
   * seat was taken now. The answer's `reference` carries the booking reference.
   */
  book(call: ForeignCall, at: number): { reply: ForeignReply; booked: SeatBooking | null } {
    const { reply, done } = this.carryOut(call, at);
    return { reply, booked: done };
  }

  protected record(call: ForeignCall, key: string | null, at: number): SeatBooking {
    const index = this.ledger.length;
    return {
      id: `bk_${index + 1}`,
      intent: call.intent,
      seat: seatFor(index),
      amountCents: call.amountCents,
      key,
      at,
    };
  }
}
