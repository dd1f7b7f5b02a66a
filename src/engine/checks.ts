// Runs a story's invariants as SQL over the final server database, with what lives outside it
// attached: the provider's ledger as schema `psp` (a ROLLBACK never undoes a charge), the
// airline's seats as schema `airline`, and what the clients were told as schema `run`.

import type { Database, SqlValue, Statement } from 'sql.js';
import type { InvariantSpec, KnobValues } from '../scenarios/types.ts';
import type { Row } from '../server/db.ts';
import type { ServerConfig } from '../server/strategy.ts';
import type { SeatBooking } from '../sim/airline.ts';
import type { Charge } from '../sim/provider.ts';
import type { Answer, OperationResult, SimulationResult } from '../sim/simulation.ts';
import type { InvariantResult } from './types.ts';

/** What the run left outside the server's database: the provider's ledger and what clients were told. */
export interface RunFacts {
  readonly ledger: readonly Charge[];
  /** The airline's ledger, in a story with an airline: attached as schema `airline`. */
  readonly bookings?: readonly SeatBooking[];
  readonly answers: readonly Answer[];
  readonly effectLog: SimulationResult['effectLog'];
  /** Every try at every layer (client, gateway, server, provider): attached as `run.attempts`. */
  readonly attempts?: SimulationResult['attempts'];
  readonly operations: readonly OperationResult[];
  readonly config: ServerConfig;
  readonly endedAt: number;
}

const FACTS_SCHEMA = [
  "ATTACH DATABASE ':memory:' AS psp",
  `CREATE TABLE psp.charges (
    id TEXT PRIMARY KEY, intent TEXT NOT NULL, amount_cents INTEGER NOT NULL, idem_key TEXT, charged_at INTEGER NOT NULL
  ) STRICT`,
  // The airline's seats, like the provider's charges: outside the server's database.
  "ATTACH DATABASE ':memory:' AS airline",
  `CREATE TABLE airline.bookings (
    id TEXT PRIMARY KEY, intent TEXT NOT NULL, seat TEXT NOT NULL, amount_cents INTEGER NOT NULL, idem_key TEXT,
    booked_at INTEGER NOT NULL
  ) STRICT`,
  "ATTACH DATABASE ':memory:' AS run",
  `CREATE TABLE run.answers (
    op INTEGER NOT NULL, attempt INTEGER NOT NULL, client TEXT NOT NULL, status INTEGER NOT NULL,
    replayed INTEGER NOT NULL, order_ref TEXT, intent TEXT, amount_cents INTEGER, asked TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE run.effects (name TEXT NOT NULL, subject TEXT NOT NULL, at INTEGER NOT NULL) STRICT`,
  `CREATE TABLE run.attempts (layer TEXT NOT NULL, op INTEGER NOT NULL, at INTEGER NOT NULL) STRICT`,
  `CREATE TABLE run.outcomes (op INTEGER PRIMARY KEY, result TEXT NOT NULL, attempts INTEGER NOT NULL, status INTEGER) STRICT`,
  `CREATE TABLE run.meta (lease_ms INTEGER NOT NULL, retention_ms INTEGER NOT NULL, ended_at INTEGER NOT NULL) STRICT`,
];

/**
 * The statements one database's checks prepare, each once. A batch keeps its database from run to
 * run (see reused-db.ts), so the fact inserts and the invariants are parsed once per batch, not
 * once per run: preparing them was a fifth of a run's time. Statements are reset after each use,
 * never left mid-step, so a cached one holds no read open between runs.
 */
export class CheckStatements {
  readonly #cache = new Map<string, Statement>();
  /** factsReadBy's answer per story's invariants: one entry per story at most. */
  readonly #reads = new Map<readonly InvariantSpec[], ReadonlySet<string>>();
  readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  /** The facts tables these invariants may read (factsReadBy), worked out once per story. */
  factsReadBy(specs: readonly InvariantSpec[]): ReadonlySet<string> {
    let reads = this.#reads.get(specs);
    if (!reads) {
      reads = factsReadBy(specs);
      this.#reads.set(specs, reads);
    }
    return reads;
  }

  get(sql: string): Statement {
    let statement = this.#cache.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.#cache.set(sql, statement);
    }
    return statement;
  }

  free(): void {
    for (const statement of this.#cache.values()) statement.free();
    this.#cache.clear();
  }
}

/**
 * Inserts rows one by one with the table's cached INSERT. (They went in as one JSON array that
 * SQLite took apart with json_each, to save statements: measured again on a held database, three
 * rows that way cost ~22 µs against ~4 µs bound row by row; json_each's own cost outweighs a
 * statement's.) Each value is bound as is: an integer as INTEGER, a string as TEXT, null (or a
 * missing value) as NULL, into STRICT tables, as the JSON path gave them.
 */
function insertRows(statements: CheckStatements, table: string, rows: readonly SqlValue[][]): void {
  const width = rows[0]?.length;
  if (width === undefined) return;
  const insert = statements.get(
    `INSERT INTO ${table} VALUES (${Array.from({ length: width }, () => '?').join(', ')})`,
  );
  // run() binds, steps and resets: the statement is ready for the next row.
  for (const row of rows) insert.run(row.map((value) => value ?? null));
}

/** Violations listed in a detail; the rest are counted. */
const DETAIL_ROWS = 5;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const integer = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** Attaches the empty facts schemas `psp` (the provider's ledger), `airline` (its seats) and `run` (answers, outcomes, settings). */
export function attachFactsSchemas(database: Database): void {
  for (const sql of FACTS_SCHEMA) database.run(sql);
}

/** The facts tables, as `schema.table`: a reused database empties them between runs. */
export const FACTS_TABLES: readonly string[] = FACTS_SCHEMA.flatMap(
  (sql) => /^CREATE TABLE (\w+\.\w+)/.exec(sql)?.[1] ?? [],
);

/**
 * The facts tables (`schema.table`) that `specs` may read: those whose table name appears as a
 * word anywhere in their SQL, quoted or not, with or without its schema. A table no invariant
 * names cannot change a verdict, so a reused database (reused-db.ts) leaves it empty: filling a
 * table is one statement and a JSON array SQLite takes apart, a fifth of a batch's run when
 * every table was filled. Over-matching (a column called `attempts`) only fills a table for
 * nothing. The schemas hold no views or triggers, and a view of the main schema cannot reach an
 * attached one, so nothing reads a table without naming it.
 */
export function factsReadBy(specs: readonly InvariantSpec[]): ReadonlySet<string> {
  return new Set(
    FACTS_TABLES.filter((table) => {
      const word = new RegExp(`\\b${table.slice(table.indexOf('.') + 1)}\\b`, 'i');
      return specs.some((spec) => word.test(spec.sql));
    }),
  );
}

/** Attaches the run's facts: the schemas, then their rows. */
export function attachFacts(statements: CheckStatements, facts: RunFacts): void {
  attachFactsSchemas(statements.database);
  fillFacts(statements, facts);
}

/**
 * Fills the attached (and empty) facts tables with one run's facts, in one transaction (a
 * savepoint: on its own it is a transaction, inside a held one it nests).
 */
function fillFacts(statements: CheckStatements, facts: RunFacts): void {
  // Cached like the inserts: database.run() would parse them again every run.
  const control = (sql: string) => statements.get(sql).run();
  control('SAVEPOINT facts');
  try {
    insertFacts(statements, facts);
    control('RELEASE facts');
  } catch (error) {
    control('ROLLBACK TO facts');
    control('RELEASE facts');
    throw error;
  }
}

/**
 * Inserts one run's facts into the attached (and empty) facts tables, with no transaction of its
 * own: a reused database's run (reused-db.ts) is inside its held transaction already, and a
 * throw there drops the database, so a savepoint around the facts would only cost two
 * statements a run. With `only`, just those tables (factsReadBy).
 */
export function insertFacts(
  statements: CheckStatements,
  facts: RunFacts,
  only?: ReadonlySet<string>,
): void {
  const insertAll = (table: string, rows: () => readonly SqlValue[][]) => {
    if (!only || only.has(table)) insertRows(statements, table, rows());
  };
  insertAll('psp.charges', () =>
    facts.ledger.map((c) => [c.id, c.intent, c.amountCents, c.key, c.at]),
  );
  insertAll('airline.bookings', () =>
    (facts.bookings ?? []).map((b) => [b.id, b.intent, b.seat, b.amountCents, b.key, b.at]),
  );
  insertAll('run.answers', () =>
    facts.answers.map((a) => {
      const body =
        typeof a.body === 'object' && a.body !== null ? (a.body as Record<string, unknown>) : {};
      return [
        a.op,
        a.attempt,
        a.client,
        a.status,
        a.replayed ? 1 : 0,
        text(body.order),
        text(a.asked.intent),
        integer(a.asked.amount_cents),
        JSON.stringify(a.asked),
      ];
    }),
  );
  insertAll('run.effects', () => facts.effectLog.map((e) => [e.name, e.subject, e.at]));
  insertAll('run.attempts', () => (facts.attempts ?? []).map((a) => [a.layer, a.op, a.at]));
  insertAll('run.outcomes', () =>
    facts.operations.map((o) => [o.op, o.result, o.attempts, o.status]),
  );
  insertAll('run.meta', () => [[facts.config.leaseMs, facts.config.retentionMs, facts.endedAt]]);
}

function rowsOf(statements: CheckStatements, sql: string): Row[] {
  const statement = statements.get(sql);
  try {
    const rows: Row[] = [];
    if (!statement.step()) return rows;
    // getAsObject() asks sql.js for the column names on every row (~4 µs against ~1 µs for
    // the values): asked once per query run here, then each row built as getAsObject builds it.
    const columns = statement.getColumnNames();
    do {
      const values = statement.get();
      const row: Row = {};
      columns.forEach((column, i) => (row[column] = values[i] ?? null));
      rows.push(row);
    } while (statement.step());
    return rows;
  } finally {
    statement.reset();
  }
}

/** Runs the invariants that apply under these knobs (some state what one profile promises). */
export function checkInvariants(
  statements: CheckStatements,
  specs: readonly InvariantSpec[],
  knobs: KnobValues,
): InvariantResult[] {
  return specs
    .filter((spec) => spec.appliesTo?.(knobs) ?? true)
    .map((spec) => {
      const violations = rowsOf(statements, spec.sql);
      const shown = violations.slice(0, DETAIL_ROWS).map((row) => spec.describe(row));
      const more = violations.length - shown.length;
      const detail =
        violations.length === 0
          ? spec.ok
          : `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`;
      return {
        id: spec.id,
        title: spec.title,
        holds: violations.length === 0,
        detail,
        sql: spec.sql,
      };
    });
}
