// The inspector's snapshot: one strategy's server database as it stood right after one trace event.
//
// Runs are deterministic, so the snapshot re-runs the same run and ends it right after the event
// with that seq: the simulation's stopAfterSeq bound. The simulation emits events between
// transactions (a step's event follows its COMMIT), so the database then holds exactly what was
// committed up to and including that event.

import type { Database, SqlJsStatic } from 'sql.js';
import { prepareStrategy } from './run-strategy.ts';
import { readTables } from './tables.ts';
import type { Snapshot, SnapshotOptions } from './types.ts';
import { scheduleFor, tracedJob } from './schedule.ts';
import { validateRun } from './validate.ts';

/**
 * Rolls back a transaction left open, if any. None should be: events are emitted between
 * transactions. But a snapshot must only ever show committed rows, so this does not rely on it.
 * sql.js has no autocommit getter; BEGIN fails exactly when a transaction is already open.
 */
export function rollBackOpenTransaction(database: Database): boolean {
  try {
    database.run('BEGIN');
  } catch {
    database.run('ROLLBACK');
    return true;
  }
  database.run('ROLLBACK');
  return false;
}

function checkSeq(seq: unknown): number {
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < -1)
    throw new Error(
      `Snapshot seq ${JSON.stringify(seq)} is not allowed; it is a trace event's seq (an integer from 0), or -1 for before the first event`,
    );
  return seq;
}

export function takeSnapshot(
  SQL: SqlJsStatic,
  image: Uint8Array,
  options: SnapshotOptions,
): Snapshot {
  if (typeof options !== 'object' || options === null)
    throw new Error('snapshot() takes an options object: { scenario, strategy, seq, seed?, … }');
  const { strategy, seq: asked, ...run } = options;
  const seq = checkSeq(asked);
  // The page passes its run options as they are: its columns' `strategies` give way to `strategy`.
  const { scenario, seed, faults, knobs } = validateRun({ ...run, strategies: [strategy] });
  // Traced like run()'s: recorded choices are events too, so the numbering must match.
  // A schedule's replay stops at the same event as run({ schedule }) shows it.
  const schedule = scheduleFor(run.schedule, faults);
  const job = tracedJob({ scenario, seed, faults, knobs }, strategy, schedule);
  const prepared = prepareStrategy(SQL, image, job);
  const { trace } = prepared;
  try {
    if (seq >= 0) prepared.simulate({ stopAfterSeq: seq });
    rollBackOpenTransaction(prepared.database);
    // Past the end the run finished on its own: that is the final state, after its last event.
    const last = Math.min(seq, trace.count - 1);
    const tables = readTables(prepared.database);
    // export() closes and reopens the database, which is fine: this run is over.
    const bytes = prepared.database.export();
    return {
      scenario: scenario.id,
      strategy,
      seed,
      seq: last,
      at: trace.events[last]?.at ?? 0,
      tables,
      bytes,
    };
  } finally {
    prepared.close();
  }
}
