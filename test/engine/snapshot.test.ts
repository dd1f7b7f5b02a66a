// engine.snapshot(): the server database right after one trace event — exact, deterministic, committed.
import { beforeAll, describe, expect, test, vi } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import type { Engine, Table } from '../../src/engine/index.ts';
import { prepareStrategy, schemaImage } from '../../src/engine/run-strategy.ts';
import { rollBackOpenTransaction } from '../../src/engine/snapshot.ts';
import { validateRun } from '../../src/engine/validate.ts';
import { Trace, type NewTraceEvent, type TraceEvent } from '../../src/sim/trace.ts';
import { loadEngine } from '../support/engine.ts';
import { loadSql } from '../support/sql.ts';

let engine: Engine;
let SQL: SqlJsStatic;
beforeAll(async () => {
  engine = await loadEngine();
  SQL = await loadSql();
});

const PAYMENT = 'payment-lost-response';

/** Events after which the server database may differ: a committed step, a job that changed something. */
const WRITES = new Set<TraceEvent['kind']>(['step', 'job']);

function snapshot(scenario: string, strategy: string, seed: number, seq: number) {
  return engine.snapshot({ scenario, strategy, seed, seq });
}

/** Every story on its story seed with its default strategies. */
function cases(): { scenario: string; strategy: string; seed: number }[] {
  return engine.scenarios().flatMap((info) =>
    info.defaultStrategies.map((strategy) => ({
      scenario: info.id,
      strategy,
      seed: info.storySeed,
    })),
  );
}

/** Short runs stepped through event by event: the lost response, a background job, a webhook. */
const STEPPED = [
  { scenario: PAYMENT, strategy: 'naive', seed: 12 },
  { scenario: PAYMENT, strategy: 'idempotency-key', seed: 12 },
  { scenario: PAYMENT, strategy: 'outbox', seed: 12 },
  { scenario: 'webhook-duplicates', strategy: 'inbox', seed: 1 },
];

describe('snapshot()', () => {
  test('on the payment story, seed 12, naive: the second order appears at the retry’s create-order step', () => {
    const trace = engine.run({ scenario: PAYMENT, seed: 12, strategies: ['naive'] }).runs[0]!.trace;
    const creates = trace.filter((e) => e.kind === 'step' && e.step === 'create-order');
    const second = creates[1]!;
    expect(creates).toHaveLength(2);
    expect(snapshot(PAYMENT, 'naive', 12, second.seq - 1).tables.orders?.rows).toHaveLength(1);
    expect(snapshot(PAYMENT, 'naive', 12, second.seq).tables.orders?.rows).toHaveLength(2);

    // The second charge is on the provider's side at once, in the order only when recorded.
    const charges = trace.filter((e) => e.kind === 'effect' && e.name === 'card-charged');
    const record = trace.find(
      (e) => e.kind === 'step' && e.step === 'record-charge' && e.seq > charges[1]!.seq,
    )!;
    const chargeIds = (seq: number) => {
      const orders = snapshot(PAYMENT, 'naive', 12, seq).tables.orders!;
      const column = orders.columns.indexOf('psp_charge_id');
      return orders.rows.map((row) => row[column]);
    };
    expect(chargeIds(charges[1]!.seq)).toEqual(['ch_1', null]);
    expect(chargeIds(record.seq)).toEqual(['ch_1', 'ch_2']);
  });

  test('at the last event it equals run()’s final tables, for every story', () => {
    for (const { scenario, strategy, seed } of [...cases(), ...STEPPED]) {
      const run = engine.run({ scenario, seed, strategies: [strategy] }).runs[0]!;
      const last = run.trace.length - 1;
      const snap = snapshot(scenario, strategy, seed, last);
      expect(snap.seq, `${scenario}/${strategy}`).toBe(last);
      expect(snap.at).toBe(run.trace[last]!.at);
      expect(snap.tables, `${scenario}/${strategy}`).toEqual(run.tables);
    }
  });

  test('stepping one event at a time, the tables change only at step and job events', () => {
    for (const { scenario, strategy, seed } of STEPPED) {
      const { trace } = engine.run({ scenario, seed, strategies: [strategy] }).runs[0]!;
      let before: Record<string, Table> = snapshot(scenario, strategy, seed, -1).tables;
      let changes = 0;
      for (const event of trace) {
        const now = snapshot(scenario, strategy, seed, event.seq);
        expect(now.seq).toBe(event.seq);
        expect(now.at).toBe(event.at);
        if (!WRITES.has(event.kind))
          expect(now.tables, `${scenario}/${strategy} #${event.seq} ${event.kind}`).toEqual(before);
        else if (JSON.stringify(now.tables) !== JSON.stringify(before)) changes++;
        before = now.tables;
      }
      // Not vacuous: every one of these runs writes.
      expect(changes, `${scenario}/${strategy}`).toBeGreaterThan(0);
    }
  });

  test('in every story, an event that is not a step or a job leaves the tables as they were', () => {
    for (const { scenario, strategy, seed } of cases()) {
      const { trace } = engine.run({ scenario, seed, strategies: [strategy] }).runs[0]!;
      // A few events spread over the run (runs of hundreds of events are too many to step through).
      const others = trace.filter((e) => e.seq > 0 && !WRITES.has(e.kind));
      const picked = [0, 1, 2, 3].map((i) => others[Math.floor((i * others.length) / 4)]!);
      for (const event of picked) {
        const before = snapshot(scenario, strategy, seed, event.seq - 1).tables;
        const after = snapshot(scenario, strategy, seed, event.seq).tables;
        expect(after, `${scenario}/${strategy} #${event.seq} ${event.kind}`).toEqual(before);
      }
    }
  });

  test('is deterministic: the same seq gives the same tables and the same database file', () => {
    const trace = engine.run({ scenario: PAYMENT, seed: 12, strategies: ['idempotency-key'] })
      .runs[0]!.trace;
    for (const seq of [0, 7, 16, 29, trace.length - 1]) {
      const a = snapshot(PAYMENT, 'idempotency-key', 12, seq);
      const b = snapshot(PAYMENT, 'idempotency-key', 12, seq);
      expect(b.tables).toEqual(a.tables);
      // Compared as bytes in one go: toEqual walks 100 kB element by element.
      expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    }
  });

  test('the bytes are a SQLite file holding the same tables', () => {
    const snap = snapshot(PAYMENT, 'naive', 12, 30);
    expect(new TextDecoder().decode(snap.bytes.slice(0, 15))).toBe('SQLite format 3');
    const copy = new SQL.Database(snap.bytes);
    try {
      const orders = copy.exec('SELECT count(*) FROM orders')[0]!.values[0]![0];
      expect(orders).toBe(snap.tables.orders!.rows.length);
    } finally {
      copy.close();
    }
  });

  test('-1 is the empty schema; past the end is the final state', () => {
    const empty = snapshot(PAYMENT, 'naive', 12, -1);
    expect(empty).toMatchObject({ seq: -1, at: 0 });
    for (const table of Object.values(empty.tables)) expect(table.rows).toEqual([]);
    const run = engine.run({ scenario: PAYMENT, seed: 12, strategies: ['naive'] }).runs[0]!;
    const past = snapshot(PAYMENT, 'naive', 12, 1_000_000);
    expect(past.seq).toBe(run.trace.length - 1);
    expect(past.tables).toEqual(run.tables);
  });

  test('takes the page’s run options as they are, and names bad input', () => {
    const options = { scenario: PAYMENT, seed: 12, faults: true, knobs: { retries: 3 } };
    const snap = engine.snapshot({
      ...options,
      strategies: ['naive', 'idempotency-key'],
      strategy: 'idempotency-key',
      seq: 10,
    });
    expect(snap).toMatchObject({ scenario: PAYMENT, strategy: 'idempotency-key', seed: 12 });
    expect(() => engine.snapshot({ ...options, strategy: 'nope', seq: 1 })).toThrow(/"nope"/);
    expect(() => engine.snapshot({ ...options, strategy: 'naive', seq: 1.5 })).toThrow(/1\.5/);
    expect(() => engine.snapshot({ ...options, strategy: 'naive', seq: -2 })).toThrow(/-2/);
    expect(() =>
      engine.snapshot({ scenario: PAYMENT, strategy: 'naive', seq: 5, knobs: { retries: -1 } }),
    ).toThrow(/retries/);
  });

  test('a real error in the run is not mistaken for the stop', () => {
    // Bad knobs are refused before the run starts; this error comes from inside it, at event 3,
    // before the stop at 5. Caught along with the stop, it would yield a half-run snapshot.
    const emit = Trace.prototype.emit;
    const failing = vi.spyOn(Trace.prototype, 'emit').mockImplementation(function (
      this: Trace,
      event: NewTraceEvent,
    ) {
      const seq = emit.call(this, event);
      if (seq === 3) throw new Error('the run failed at event 3');
      return seq;
    });
    try {
      expect(() => engine.snapshot({ scenario: PAYMENT, strategy: 'naive', seq: 5 })).toThrow(
        'the run failed at event 3',
      );
    } finally {
      failing.mockRestore();
    }
  });
});

describe('no trace event is emitted inside an open transaction', () => {
  /** A trace that asks the database, at every event, whether a transaction is open. */
  class ProbingTrace extends Trace {
    readonly open: number[] = [];
    probe: (() => boolean) | undefined;
    override emit(event: NewTraceEvent): number {
      const seq = super.emit(event);
      if (this.probe?.()) this.open.push(seq);
      return seq;
    }
  }

  test('the probe sees an open transaction, and rolls it back', () => {
    const database = new SQL.Database();
    try {
      database.run('CREATE TABLE t (x)');
      expect(rollBackOpenTransaction(database)).toBe(false);
      database.run('BEGIN');
      database.run('INSERT INTO t VALUES (1)');
      expect(rollBackOpenTransaction(database)).toBe(true);
      expect(database.exec('SELECT count(*) FROM t')[0]!.values).toEqual([[0]]);
    } finally {
      database.close();
    }
  });

  test('for every story and strategy, on its story seed and one more', () => {
    const image = schemaImage(SQL);
    for (const info of engine.scenarios()) {
      for (const strategy of info.strategies) {
        for (const seed of [info.storySeed, 7]) {
          const { scenario, faults, knobs } = validateRun({ scenario: info.id, seed });
          const trace = new ProbingTrace(true, { choices: true });
          const job = { scenario, strategy: strategy.id, seed, faults, knobs, trace: true };
          const run = prepareStrategy(SQL, image, job, trace);
          try {
            trace.probe = () => rollBackOpenTransaction(run.database);
            run.simulate();
          } finally {
            run.close();
          }
          expect(trace.open, `${info.id}/${strategy.id}/seed ${seed}`).toEqual([]);
          expect(trace.count).toBeGreaterThan(0);
        }
      }
    }
  });
});
