// One database per strategy, emptied between runs instead of rebuilt: a batch's fast path.
//
// A fresh run deserialises the schema image (a file write in sql.js's in-memory file system),
// prepares every handler statement again, attaches and creates the facts tables and prepares
// every invariant: two fifths of a batch's time, and none of it depends on the run. Here all of
// that happens once per strategy per batch; between runs every table is emptied in one
// transaction. An emptied table gives a run exactly what a fresh one does: a new rowid is one
// more than the largest in the table (so 1 again), and AUTOINCREMENT ids restart from
// sqlite_sequence, which is emptied too. Only rows are kept out of it; the statements and the
// schema stay, and nothing a query returns depends on which pages hold a row.
// test/engine/reused-db.test.ts holds this to byte-identical traces, tables and verdicts.

import type { SqlJsStatic } from 'sql.js';
import { openDb, type OpenDb } from '../server/db.ts';
import { CheckStatements, FACTS_TABLES, attachFactsSchemas } from './checks.ts';
import {
  checkOutcome,
  runStrategyOn,
  type StrategyJob,
  type StrategyOutcome,
} from './run-strategy.ts';
import type { InvariantResult } from './types.ts';

/** Main-schema tables, the last created first: a child (REFERENCES) is created after its parent. */
const MAIN_TABLES = `SELECT name FROM main.sqlite_schema
WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid DESC`;

interface Reused {
  readonly db: OpenDb;
  readonly checks: CheckStatements;
  /** Every table, children before parents (foreign keys stay on), with the DELETE that empties it. */
  readonly tables: readonly { readonly name: string; readonly empty: string }[];
  /** One SELECT saying which tables have rows: column i is table i. */
  readonly probe: string;
  /** Whether a run has left rows in it. */
  used: boolean;
}

function open(SQL: SqlJsStatic, image: Uint8Array): Reused {
  const db = openDb(new SQL.Database(image));
  try {
    // Attached before any statement is prepared: ATTACH changes the schema, which would make
    // SQLite prepare every cached statement again on its next use.
    attachFactsSchemas(db.database);
    const main = db.all(MAIN_TABLES).map((row) => `main."${String(row.name)}"`);
    const tables = [...main, ...FACTS_TABLES, 'main.sqlite_sequence'].map((name) => ({
      name,
      empty: `DELETE FROM ${name}`,
    }));
    // A statement costs sql.js about the same whether it has work or not, and a run leaves rows
    // in a few of some thirty tables: one probe then only the DELETEs that have rows to delete.
    const probe = `SELECT ${tables.map((t, i) => `EXISTS (SELECT 1 FROM ${t.name}) AS "${i}"`).join(', ')}`;
    // Emptying restores the image only if the image has no rows: refuse loudly if it ever has.
    const found = db.get(probe) ?? {};
    const filled = tables.filter((_, i) => found[String(i)] !== 0);
    if (filled.length > 0)
      throw new Error(
        `The schema image has rows in ${filled.map((t) => t.name).join(', ')}: emptying would not restore it`,
      );
    return { db, checks: new CheckStatements(db.database), tables, probe, used: false };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Deletes every row a run left, in one transaction. */
function empty({ db, tables, probe }: Reused): void {
  db.transaction(() => {
    const found = db.get(probe) ?? {};
    tables.forEach((table, i) => {
      if (found[String(i)] !== 0) db.run(table.empty);
    });
  });
}

export interface ReusedRun {
  readonly outcome: StrategyOutcome;
  readonly invariants: InvariantResult[];
}

/** The databases of one batch, one per strategy; close() frees them all. */
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
      if (reused.used) empty(reused);
      reused.used = true;
      const outcome = runStrategyOn(reused.db, job);
      return { outcome, invariants: checkOutcome(outcome, job, reused.checks) };
    } catch (error) {
      // A failed run may leave anything behind (an open transaction, half its facts): drop it.
      this.#drop(job.strategy);
      throw error;
    }
  }

  #drop(strategy: string): void {
    const reused = this.#byStrategy.get(strategy);
    this.#byStrategy.delete(strategy);
    if (reused) {
      reused.checks.free();
      reused.db.close();
    }
  }

  close(): void {
    for (const strategy of [...this.#byStrategy.keys()]) this.#drop(strategy);
  }
}
