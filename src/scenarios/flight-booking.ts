// Story: a flight booking charges the card and holds a seat, two foreign systems; the server
// crashes between the steps, the browser times out and retries.

import { FLIGHT_STRATEGY_IDS } from '../server/strategies/index.ts';
import {
  CLIENT_KNOBS,
  NETWORK_KNOBS,
  PROVIDER_KNOBS,
  SERVER_KNOBS,
  httpWorld,
  serverConfig,
} from './http-world.ts';
import { defineKnobs, readKnobs, withDefaults } from './knobs.ts';
import {
  LEASES_END,
  NO_STALE_WRITES,
  NO_STORED_FAILURE,
  ONE_CHARGE_PER_INTENT,
  ONE_ROW_PER_KEY,
  OWN_KEYS,
} from './payment-checks.ts';
import type { EffectSpec, InvariantSpec, Scenario } from './types.ts';
import { countAndGap, spaced } from './workload.ts';

/** The steps the server may crash after: each sits between two named steps of every strategy. */
export const CRASH_POINTS = ['none', 'create-booking', 'record-fare', 'record-seat'] as const;

const CRASH_TEXT: Readonly<Record<(typeof CRASH_POINTS)[number], string>> = {
  none: 'The server does not crash.',
  'create-booking': 'Right after the booking record is written, before the card is charged.',
  'record-fare': 'Right after the charge is recorded, before a seat is asked for.',
  'record-seat': 'Right after the seat is recorded, before the traveller is told.',
};

/** One fare for every traveller: 389.00. */
const FARE_CENTS = 38_900;
const FLIGHT = 'TW 101';

export const AIRLINE_KNOBS = defineKnobs([
  {
    id: 'airlineLatencyMs',
    label: 'Airline round trip',
    group: 'provider',
    kind: 'int',
    default: 500,
    min: 2,
    max: 30_000,
    unit: 'ms',
    help: 'Time the airline takes to hold a seat and answer.',
  },
  {
    id: 'airlineKeys',
    label: 'Airline honours keys',
    group: 'provider',
    kind: 'bool',
    default: true,
    help: 'Whether the airline recognises a seat request it has seen before by its idempotency key, and answers with the same seat.',
  },
  {
    id: 'airlineOutageMs',
    label: 'Airline outage',
    group: 'provider',
    kind: 'int',
    default: 0,
    min: 0,
    max: 3_600_000,
    unit: 'ms',
    help: 'The airline is down from the start for this long: it answers 503 and books nothing, then recovers.',
  },
  {
    id: 'airlineLostReply',
    label: 'Airline answer lost',
    group: 'provider',
    kind: 'ratio',
    default: 0,
    min: 0,
    max: 1,
    help: 'Chance that the airline holds the seat but its answer never reaches the server: an unknown outcome (504).',
  },
]);

export const FLIGHT_EFFECTS: readonly EffectSpec[] = [
  { name: 'card-charged', label: 'Card charges' },
  { name: 'seat-booked', label: 'Seats booked' },
  { name: 'booking-created', label: 'Booking records' },
];

/** The payment stories' charge check, in the words of a trip: a trip's intent is its payment's. */
const ONE_CHARGE_PER_TRIP: InvariantSpec = {
  ...ONE_CHARGE_PER_INTENT,
  id: 'one-charge-per-trip',
  title: 'The fare is charged at most once per trip',
  ok: 'Every trip was charged at most once.',
};

const ONE_SEAT_PER_TRIP: InvariantSpec = {
  id: 'one-seat-per-trip',
  title: 'The airline holds at most one seat per trip',
  sql: `SELECT intent, count(*) AS seats, group_concat(seat, ', ' ORDER BY booked_at, rowid) AS held
FROM airline.bookings
GROUP BY intent
HAVING count(*) > 1
ORDER BY intent`,
  ok: 'No trip holds more than one seat.',
  describe: (row) => `${row.intent} holds ${row.seats} seats (${row.held})`,
};

const ONE_BOOKING_PER_TRIP: InvariantSpec = {
  id: 'one-booking-per-trip',
  title: 'One booking record per trip',
  sql: `SELECT intent, count(*) AS bookings, group_concat(id, ', ' ORDER BY id) AS ids
FROM flight_bookings
GROUP BY intent
HAVING count(*) > 1
ORDER BY intent`,
  ok: 'No trip has more than one booking record.',
  describe: (row) => `${row.intent} has ${row.bookings} booking records (ids ${row.ids})`,
};

const PAID_AND_SEATED: InvariantSpec = {
  id: 'paid-and-seated',
  title: 'No seat without a payment, no payment without a seat',
  // Across the two foreign ledgers, at the end of the run: a trip is either charged and seated,
  // or neither.
  sql: `SELECT intent, sum(charge) AS charges, sum(seat) AS seats
FROM (SELECT intent, 1 AS charge, 0 AS seat FROM psp.charges
      UNION ALL SELECT intent, 0, 1 FROM airline.bookings)
GROUP BY intent
HAVING sum(charge) = 0 OR sum(seat) = 0
ORDER BY intent`,
  ok: 'Every trip that was charged holds a seat, and every seat was paid for.',
  describe: (row) =>
    Number(row.seats) === 0
      ? `${row.intent} was charged but holds no seat`
      : `${row.intent} holds a seat that was never paid for`,
};

export const FLIGHT_INVARIANTS: readonly InvariantSpec[] = [
  ONE_CHARGE_PER_TRIP,
  ONE_SEAT_PER_TRIP,
  ONE_BOOKING_PER_TRIP,
  PAID_AND_SEATED,
  ONE_ROW_PER_KEY,
  OWN_KEYS,
  NO_STORED_FAILURE,
  LEASES_END,
  NO_STALE_WRITES,
];

const KNOBS = [
  ...countAndGap(
    {
      id: 'bookings',
      label: 'Travellers',
      default: 1,
      max: 20,
      help: 'How many travellers each book one seat on the flight, one after another.',
    },
    {
      id: 'bookingGapMs',
      label: 'Time between travellers',
      default: 500,
      max: 60_000,
      help: 'How long after one traveller starts booking the next one starts.',
    },
  ),
  ...withDefaults(CLIENT_KNOBS, { retries: 5 }),
  ...NETWORK_KNOBS,
  ...defineKnobs([
    {
      id: 'crashAfter',
      label: 'Crash point',
      group: 'server',
      kind: 'choice',
      default: 'record-fare',
      options: CRASH_POINTS,
      optionHelp: CRASH_TEXT,
      help: 'The server dies right after this step of the first traveller’s first attempt commits, and restarts after the restart time.',
    },
  ]),
  ...withDefaults(SERVER_KNOBS, { leaseMs: 3000 }),
  ...PROVIDER_KNOBS,
  ...AIRLINE_KNOBS,
];

export const flightBooking: Scenario = {
  id: 'flight-booking',
  title: 'The flight booking',
  summary:
    'After a crash between the charge and the seat, a retry must finish the same booking, not start a new one: the server needs recovery points, notes of which steps are done.',
  storySeed: 5,
  prose: {
    happens:
      'A traveller books a seat on flight TW 101 for 389.00. The server records the booking, charges the card at the payment provider, asks the airline for a seat, then confirms. On the story seed it crashes right after it records the charge, before it asks for a seat, and stays down for 2000 ms. The browser hears nothing for 1000 ms and retries with the same Idempotency-Key, the id it made up for this one booking.',
    watch:
      'Find the crash mark after record-fare, then follow attempt 3, the first retry to reach the restarted server. Naive treats it as a new booking and charges the card again. The key store answers 409: the crashed attempt still holds the key for its 3000 ms lease (how long one attempt may hold the key before another may take it over). Attempt 4 comes after the lease. It reads the recovery point charge_created, the key row’s note of the last step that finished, and goes straight to reserve-seat: one charge, one seat. No-recovery-point has nothing to read, starts from the top and charges twice.',
    tryThis: [
      {
        label: 'Set Crash point to record-seat',
        knobs: { crashAfter: 'record-seat' },
        outcome:
          'The server dies after the airline holds the seat, before the traveller is told. Naive and no-recovery-point charge the card again and take a second seat (1A and 1B). The key store resumes at seat_reserved and only confirms: it calls neither system again.',
        expect: [
          { strategy: 'naive', invariant: 'one-seat-per-trip', holds: false },
          { strategy: 'no-recovery-point', invariant: 'one-seat-per-trip', holds: false },
          { strategy: 'idempotency-key', invariant: 'one-seat-per-trip', holds: true },
          { strategy: 'idempotency-key', invariant: 'one-charge-per-trip', holds: true },
        ],
      },
      {
        label: 'Set Airline answer lost to 100 %',
        knobs: { airlineLostReply: 1 },
        outcome:
          'The airline holds a seat, but its answer never arrives, so the server cannot tell whether it did. Every retry asks again. No-airline-key sends no key and ends with 3 seats for one trip. The key store sends the same key each time and the airline answers with the same seat. The traveller never hears back, but holds one seat and one charge.',
        expect: [
          { strategy: 'no-airline-key', invariant: 'one-seat-per-trip', holds: false },
          { strategy: 'idempotency-key', invariant: 'one-seat-per-trip', holds: true },
        ],
      },
      {
        label: 'Set Airline round trip to 1500 ms',
        knobs: { airlineLatencyMs: 1500 },
        outcome:
          'A booking now takes longer than the browser’s 1000 ms timeout, so the browser retries while the server is still booking. Naive books and charges once for every attempt that arrives: 5 charges and 4 seats. The key store answers 409 while the first booking runs, then replays its answer: 1 charge, 1 seat.',
        expect: [
          { strategy: 'naive', invariant: 'one-charge-per-trip', holds: false },
          { strategy: 'idempotency-key', invariant: 'one-charge-per-trip', holds: true },
          { strategy: 'idempotency-key', invariant: 'one-seat-per-trip', holds: true },
        ],
      },
    ],
    lesson:
      'A booking touches two systems the server cannot roll back. Save each local step in the same transaction as its recovery point. Send the payment provider and the airline a key taken from the stored key row, so they too recognise a repeat. Then a retry after a timeout or a crash resumes where the last attempt stopped: same booking, same payment, same seat.',
  },
  demonstrates: {
    breaks: 'naive',
    holds: 'idempotency-key',
    invariant: 'one-charge-per-trip',
  },
  limits: [
    {
      strategy: 'idempotency-key',
      invariant: 'paid-and-seated',
      why: 'The key store finishes a booking only when a request comes back for it. If every retry after the crash is lost, or arrives while the lease still holds, the traveller gives up and the fare stays charged without a seat. The brandur profile runs a completer that finishes such bookings in the background, about 6 minutes later.',
    },
  ],
  knobs: KNOBS,
  strategies: FLIGHT_STRATEGY_IDS,
  defaultStrategies: ['naive', 'no-recovery-point', 'idempotency-key'],
  effects: FLIGHT_EFFECTS,
  invariants: FLIGHT_INVARIANTS,
  world(values, options) {
    const knobs = readKnobs(KNOBS, values);
    const count = options.operations ?? knobs.int('bookings');
    const operations = spaced(count, knobs.int('bookingGapMs'), (n, at) => ({
      at,
      client: `traveller-${n}`,
      method: 'POST',
      path: '/bookings',
      body: { intent: `trip_${n}`, flight: FLIGHT, amount_cents: FARE_CENTS },
    }));
    const world = httpWorld(values, options, operations);
    const crashAfter = knobs.choice('crashAfter');
    const faults = options.faults;
    return {
      ...world,
      airline: {
        latencyMs: knobs.int('airlineLatencyMs'),
        honoursKeys: knobs.bool('airlineKeys'),
        outageUntilMs: faults ? knobs.int('airlineOutageMs') : 0,
        lostReply: faults ? knobs.ratio('airlineLostReply') : 0,
      },
      // The crash is a pinned fault: it shows on every seed, and faults off turns it off.
      pinned:
        faults && crashAfter !== 'none'
          ? { crashAfter: [{ op: 1, attempt: 1, step: crashAfter }] }
          : {},
    };
  },
  serverConfig,
};
