// The flight-booking story: a crash between any two named steps, and the key store resumes from
// its recovery point — one booking, one charge, one seat — where naive pays and books again.
import type { SqlJsStatic } from 'sql.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkOutcome, runStrategy, schemaImage } from '../../src/engine/run-strategy.ts';
import { flightBooking } from '../../src/scenarios/flight-booking.ts';
import type { KnobValues } from '../../src/scenarios/types.ts';
import { resolveKnobs } from '../../src/scenarios/knobs.ts';
import type { TraceEvent } from '../../src/sim/trace.ts';
import { loadSql } from '../support/sql.ts';

let SQL: SqlJsStatic;
let image: Uint8Array;
beforeAll(async () => {
  SQL = await loadSql();
  image = schemaImage(SQL);
});

/** No random losses or duplicates: the pinned crash is the only fault. */
const QUIET = { requestLoss: 0, responseLoss: 0, duplicate: 0, crashAfter: 'none' };

/** The story's own network faults, back on: the limit needs the losses. */
const defaultOf = (id: string) => flightBooking.knobs.find((k) => k.id === id)?.default ?? 0;
const QUIET_OFF = {
  requestLoss: defaultOf('requestLoss'),
  responseLoss: defaultOf('responseLoss'),
  duplicate: defaultOf('duplicate'),
};

/**
 * Plays the story for one strategy with the server crashing right after `step` of the first
 * attempt, and returns what both foreign ledgers, the database and the trace hold at the end.
 */
function play(strategy: string, step: string | null, given: KnobValues = {}, seed = 5) {
  const knobs = resolveKnobs('flight-booking', flightBooking.knobs, { ...QUIET, ...given });
  const scenario = {
    ...flightBooking,
    world: (k: KnobValues, options: { faults: boolean }) => ({
      ...flightBooking.world(k, options),
      pinned: step ? { crashAfter: [{ op: 1, attempt: 1, step }] } : {},
    }),
  };
  const job = { scenario, strategy, seed, faults: true, knobs, trace: true };
  const outcome = runStrategy(SQL, image, job);
  try {
    const db = outcome.database;
    const rows = (sql: string) => db.exec(sql)[0]?.values ?? [];
    const bookings = rows(
      'SELECT status, psp_charge_id, airline_booking_id FROM flight_bookings ORDER BY id',
    );
    const key = rows('SELECT state, recovery_point FROM idempotency_keys ORDER BY id');
    const invariants = checkOutcome(outcome, job);
    return {
      trace: outcome.trace.events,
      simulation: outcome.simulation,
      bookings,
      key,
      broken: invariants.filter((i) => !i.holds).map((i) => i.id),
    };
  } finally {
    outcome.close();
  }
}

const calls = (trace: TraceEvent[], system: string) =>
  trace.filter((e) => e.kind === 'call' && e.system === system);
/** The steps an execution ran, in order. */
const stepsOf = (trace: TraceEvent[], exec: number) =>
  trace.flatMap((e) => (e.kind === 'step' && e.exec === exec ? [e.step] : []));
/** The execution that took the key over after the crash: the one that answered 201. */
const finisher = (trace: TraceEvent[]) => {
  const ok = trace.find((e) => e.kind === 'response' && e.status === 201);
  if (!ok || ok.kind !== 'response') throw new Error('nobody answered 201');
  return ok.exec;
};

// Every pair of neighbouring named steps of the key store, and where a retry must resume.
const CRASHES = [
  { after: 'claim-key', point: 'started', resumes: 'create-booking' },
  { after: 'create-booking', point: 'booking_created', resumes: 'charge-fare' },
  { after: 'charge-fare', point: 'booking_created', resumes: 'charge-fare' },
  { after: 'record-fare', point: 'charge_created', resumes: 'reserve-seat' },
  { after: 'reserve-seat', point: 'charge_created', resumes: 'reserve-seat' },
  { after: 'record-seat', point: 'seat_reserved', resumes: 'confirm-booking' },
] as const;

describe('flight-booking: idempotency-key after a crash', () => {
  test.each(CRASHES)(
    'crash after $after: the retry resumes at $resumes; one booking, one charge, one seat',
    ({ after, resumes }) => {
      const run = play('idempotency-key', after);
      const crash = run.trace.find((e) => e.kind === 'crash');
      expect(crash).toMatchObject({ afterStep: after });
      expect(stepsOf(run.trace, finisher(run.trace)).slice(0, 2)).toEqual(['claim-key', resumes]);
      // Each foreign system was asked exactly once, with the key derived from the key row.
      expect(calls(run.trace, 'psp').map((e) => e.kind === 'call' && e.key)).toEqual(['ik-1']);
      expect(calls(run.trace, 'airline').map((e) => e.kind === 'call' && e.key)).toEqual(['ik-1']);
      expect(run.simulation.ledger).toHaveLength(1);
      expect(run.simulation.bookings).toHaveLength(1);
      expect(run.bookings).toEqual([['confirmed', 'ch_1', 'bk_1']]);
      expect(run.key).toEqual([['COMPLETED', 'finished']]);
      expect(run.simulation.operations[0]).toMatchObject({ result: 'ok', status: 201 });
      expect(run.broken).toEqual([]);
    },
  );

  test('crash after confirm-booking: the answer was stored, so the retry gets it replayed', () => {
    const run = play('idempotency-key', 'confirm-booking');
    const answers = run.simulation.answers.map((a) => [a.status, a.replayed]);
    expect(answers).toEqual([[201, true]]);
    expect(calls(run.trace, 'psp')).toHaveLength(1);
    expect(calls(run.trace, 'airline')).toHaveLength(1);
    expect(run.broken).toEqual([]);
  });

  test('the recovery point in the row moves with each phase: it is what the crash leaves behind', () => {
    // Stop the client before it can retry: the row stays as the crash left it.
    for (const { after, point } of CRASHES) {
      const run = play('idempotency-key', after, { retries: 0 });
      expect(run.key, after).toEqual([['IN_PROGRESS', point]]);
    }
  });
});

describe('flight-booking: the strategies that teach', () => {
  test('naive charges and books again for the retry after a crash after record-seat', () => {
    const run = play('naive', 'record-seat');
    expect(run.simulation.ledger.map((c) => c.id)).toEqual(['ch_1', 'ch_2']);
    expect(run.simulation.bookings.map((b) => b.seat)).toEqual(['1A', '1B']);
    expect(run.broken).toEqual(
      expect.arrayContaining(['one-charge-per-trip', 'one-seat-per-trip', 'one-booking-per-trip']),
    );
  });

  test('no-recovery-point starts over after a crash after record-fare: a new booking keys a second charge', () => {
    const run = play('no-recovery-point', 'record-fare');
    expect(calls(run.trace, 'psp').map((e) => e.kind === 'call' && e.key)).toEqual([
      'fb-1',
      'fb-2',
    ]);
    expect(stepsOf(run.trace, finisher(run.trace)).slice(0, 2)).toEqual([
      'claim-key',
      'create-booking',
    ]);
    expect(run.key).toEqual([['COMPLETED', 'finished']]);
    expect(run.broken).toEqual(['one-charge-per-trip', 'one-booking-per-trip']);
  });

  test('with the provider honouring no keys, idempotency-key still charges once: it resumes after the charge', () => {
    const run = play('idempotency-key', 'record-fare', { pspKeys: false });
    expect(run.simulation.ledger).toHaveLength(1);
    expect(run.broken).toEqual([]);
  });

  test('no-airline-key books a seat per retry when the airline’s answers are lost; the key store books one', () => {
    const lost = { airlineLostReply: 1 };
    const bare = play('no-airline-key', null, lost);
    const keyed = play('idempotency-key', null, lost);
    expect(calls(bare.trace, 'airline').every((e) => e.kind === 'call' && e.key === null)).toBe(
      true,
    );
    expect(bare.simulation.bookings.length).toBeGreaterThan(1);
    expect(bare.simulation.ledger).toHaveLength(1);
    expect(bare.broken).toEqual(['one-seat-per-trip']);
    expect(calls(keyed.trace, 'airline').length).toBe(calls(bare.trace, 'airline').length);
    expect(keyed.simulation.bookings).toHaveLength(1);
    expect(keyed.broken).toEqual([]);
  });

  test('key-after-effect pays again after a crash between the charge and its key write', () => {
    const run = play('key-after-effect', 'record-fare');
    expect(run.simulation.ledger).toHaveLength(2);
    expect(run.broken).toContain('one-charge-per-trip');
  });
});

describe('flight-booking: the declared limit', () => {
  // On this seed every retry after the lease is lost: nobody resumes the booking.
  const ABANDONED_SEED = 2130224;

  test('when no retry comes back after the lease, the fare stays charged without a seat', () => {
    const run = play('idempotency-key', 'record-fare', QUIET_OFF, ABANDONED_SEED);
    expect(run.simulation.operations[0]?.result).toBe('gave-up');
    expect(run.broken).toEqual(['paid-and-seated']);
    expect(run.key).toEqual([['IN_PROGRESS', 'charge_created']]);
  });

  test('brandur’s completer finishes it in the background: same booking, same payment, one seat', () => {
    const run = play(
      'idempotency-key',
      'record-fare',
      { ...QUIET_OFF, profile: 'brandur' },
      ABANDONED_SEED,
    );
    expect(run.broken).toEqual([]);
    expect(run.key).toEqual([['COMPLETED', 'finished']]);
    const job = run.trace.find((e) => e.kind === 'job' && e.name === 'completer');
    expect(job?.at).toBeGreaterThanOrEqual(5 * 60_000);
    expect(run.simulation.ledger).toHaveLength(1);
    expect(run.simulation.bookings).toHaveLength(1);
  });
});
