// One database per strategy, rolled back between runs instead of rebuilt: the engine's databases.
//
// A fresh run deserialises the schema image (a file write in sql.js's in-memory file system),
// prepares every handler statement again, attaches and creates the facts tables and prepares
// every invariant: two fifths of a batch's time, and none of it depends on the run (nor on the
// story or knobs: every story shares one schema). Here all of that happens once per strategy
// for the engine's life; the catalog's strategies bound how many databases it keeps. Each run happens inside one held transaction (the
// Db port's hold(); a step's transaction is a savepoint in it), facts and invariants included,
// and the next run starts with its ROLLBACK: SQLite puts back every page the run changed, so the
// next run meets the image's database exactly (rowids, AUTOINCREMENT counters, free pages), and
// no step's commit writes pages to sql.js's in-memory file. Emptying every table the run filled
// instead (the first version) cost a tenth of a run in probes and DELETEs. The run's world and
// handler are kept too, while runs come for the same story and knobs (setupFor).
// test/engine/reused-db.test.ts holds this to byte-identical traces, tables and verdicts.

import type { SqlJsStatic } from 'sql.js';
import { openDb, type OpenDb } from '../server/db.ts';
import { CheckStatements, attachFactsSchemas } from './checks.ts';
import {
  checkOutcome,
  runStrategyOn,
  setUp,
  type Setup,
  type StrategyJob,
  type StrategyOutcome,
} from './run-strategy.ts';
import { TableReader } from './tables.ts';
import type { InvariantResult, Table } from './types.ts';
import type { World } from '../sim/simulation.ts';

interface Reused {
  readonly db: OpenDb;
  readonly checks: CheckStatements;
  /** Made on the first traced run's read: batches and the explorer never read tables. */
  tables: TableReader | undefined;
  /** Whether a run has happened in the held transaction. */
  used: boolean;
  /** The last run's world and handler, and what they were made for. */
  setup: { readonly key: SetupKey; readonly setup: Setup } | undefined;
}

/** What a run's setup depends on (setUp): the strategy is the database's own. */
interface SetupKey {
  readonly scenario: StrategyJob['scenario'];
  readonly knobs: StrategyJob['knobs'];
  /** The knobs' JSON: a caller may pass equal knobs in a new object. */
  readonly knobsText: string;
  readonly faults: boolean;
  readonly operations: number | undefined;
  readonly world: ((world: World) => World) | undefined;
}

const keyOf = (job: StrategyJob): SetupKey => ({
  scenario: job.scenario,
  knobs: job.knobs,
  knobsText: JSON.stringify(job.knobs),
  faults: job.faults,
  operations: job.operations,
  world: job.explore?.world,
});

const fits = (key: SetupKey, job: StrategyJob) =>
  key.scenario === job.scenario &&
  key.faults === job.faults &&
  key.operations === job.operations &&
  key.world === job.explore?.world &&
  (key.knobs === job.knobs || key.knobsText === JSON.stringify(job.knobs));

/**
 * The world and handler for `job`: the last run's when it was made for the same story, knobs,
 * faults, operations and world (a batch's seeds, an exploration's schedules), else new ones.
 * Making them was a tenth of a schedule's time. A kept handler is told restart() first: a
 * handler's in-memory state is what a restart forgets (the Handler port), so it starts the run
 * as a new one would; what it keeps in the database the rollback has put back.
 */
function setupFor(reused: Reused, job: StrategyJob): Setup {
  const kept = reused.setup;
  if (kept && fits(kept.key, job)) {
    // Equal knobs in a new object (each explore() or batch() call validates its own): keyed by
    // this one now, so the runs that follow match by identity.
    if (kept.key.knobs !== job.knobs) reused.setup = { key: keyOf(job), setup: kept.setup };
    kept.setup.handler.restart();
    return kept.setup;
  }
  reused.setup = undefined;
  const setup = setUp(reused.db, job);
  reused.setup = { key: keyOf(job), setup };
  return setup;
}

function open(SQL: SqlJsStatic, image: Uint8Array): Reused {
  const db = openDb(new SQL.Database(image));
  try {
    // Attached before any statement is prepared: ATTACH changes the schema, which would make
    // SQLite prepare every cached statement again on its next use. And before hold(): ATTACH
    // is refused inside a transaction.
    attachFactsSchemas(db.database);
    db.hold();
    return {
      db,
      checks: new CheckStatements(db.database),
      tables: undefined,
      used: false,
      setup: undefined,
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

export interface ReusedRun {
  readonly outcome: StrategyOutcome;
  readonly invariants: InvariantResult[];
  /** Every table of the server database (readTables, with queries prepared once); before the strategy's next run. */
  tables(): Record<string, Table>;
}

/**
 * One database per strategy; close() frees them all. Each run() is synchronous and its caller
 * reads what it needs before the next run of the same strategy, so callers that interleave at
 * their awaits (two batches on one engine) share it safely.
 */
export class ReusedDbs {
  readonly #byStrategy = new Map<string, Reused>();
  readonly #SQL: SqlJsStatic;
  readonly #image: Uint8Array;
  constructor(SQL: SqlJsStatic, image: Uint8Array) {
    this.#SQL = SQL;
    this.#image = image;
  }

  /**
   * Runs one job and checks it, as runStrategy then checkOutcome would on a fresh database. The
   * outcome's database is valid until the next run of the same strategy; a run that throws
   * takes its database with it.
   */
  run(job: StrategyJob): ReusedRun {
    let reused = this.#byStrategy.get(job.strategy);
    if (!reused) {
      reused = open(this.#SQL, this.#image);
      this.#byStrategy.set(job.strategy, reused);
    }
    try {
      if (reused.used) reused.db.undo();
      reused.used = true;
      const outcome = runStrategyOn(reused.db, job, setupFor(reused, job));
      const invariants = checkOutcome(outcome, job, reused.checks);
      const { database } = reused.db;
      const tables = () => (reused.tables ??= new TableReader(database)).read();
      return { outcome, invariants, tables };
    } catch (error) {
      // A failed run may leave anything behind (an open savepoint, half its facts): drop it.
      this.#drop(job.strategy);
      throw error;
    }
  }

  #drop(strategy: string): void {
    const reused = this.#byStrategy.get(strategy);
    this.#byStrategy.delete(strategy);
    if (reused) {
      reused.tables?.free();
      reused.checks.free();
      reused.db.close();
    }
  }

  close(): void {
    for (const strategy of [...this.#byStrategy.keys()]) this.#drop(strategy);
  }
}
