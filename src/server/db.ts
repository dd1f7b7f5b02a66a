// The Db port: the only way handlers touch SQLite. Wraps one sql.js Database with a
// prepared-statement cache and synchronous transactions, and can log every statement
// (the benchmark replays that log as its floor).
//
// Only this file talks to the sql.js API; everything else in src/server is SQL text and logic.

import type { BindParams, Database, SqlValue, Statement } from 'sql.js';

export type { SqlValue };
export type Row = Record<string, SqlValue>;
export type Params = Record<string, SqlValue>;

export type SqlLogEntry =
  | { readonly op: 'begin' | 'commit' | 'rollback' }
  | { readonly op: 'sql'; readonly sql: string; readonly params: Params | undefined };

export interface Db {
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params?: Params): number;
  get(sql: string, params?: Params): Row | undefined;
  all(sql: string, params?: Params): Row[];
  /** Runs `body` inside BEGIN … COMMIT; any throw rolls back and is rethrown. Not re-entrant. */
  transaction<T>(body: () => T): T;
}

export interface OpenDb extends Db {
  readonly database: Database;
  /**
   * Opens one transaction around everything that follows, so that `undo()` can take it all back;
   * from here on each `transaction()` is a savepoint inside it. A batch's database (reused-db.ts).
   */
  hold(): void;
  /** Rolls back everything since `hold()` (or the last `undo()`) and holds again. */
  undo(): void;
  close(): void;
}

/** A cached statement with what it costs sql.js time to ask for again and again. */
interface Prepared {
  readonly statement: Statement;
  /** `$name` parameters in order of first appearance: SQLite numbers them that way. */
  readonly names: readonly string[];
  columns: string[] | undefined;
}

/**
 * The pragmas that make sql.js fast for many small transactions. sql.js keeps every database
 * in a file of its in-memory file system: without an exclusive lock SQLite re-checks that
 * file around every transaction, and a rollback journal on it costs a write per commit.
 * One connection owns the database, so exclusive locking and an in-memory journal are safe;
 * rollback still works.
 */
export const FAST_PRAGMAS = [
  'PRAGMA locking_mode = EXCLUSIVE',
  'PRAGMA journal_mode = MEMORY',
  'PRAGMA synchronous = OFF',
];

/** A statement's `$name` parameters in order of first appearance: the positions SQLite gives them. */
export function paramNames(sql: string): string[] {
  return [...new Set(sql.match(/\$[A-Za-z_][A-Za-z0-9_]*/g) ?? [])];
}

/** Wraps `database`, set up for many small transactions. */
export function openDb(database: Database, log?: SqlLogEntry[]): OpenDb {
  for (const pragma of FAST_PRAGMAS) database.run(pragma);
  database.run('PRAGMA foreign_keys = ON');
  const cache = new Map<string, Prepared>();
  let inTransaction = false;

  const prepared = (sql: string): Prepared => {
    let entry = cache.get(sql);
    if (!entry) {
      const names = paramNames(sql);
      entry = { statement: database.prepare(sql), names, columns: undefined };
      cache.set(sql, entry);
    }
    return entry;
  };

  // Binds by position: sql.js looks each name up through the wasm boundary otherwise, ~4x slower.
  const bind = (entry: Prepared, sql: string, params: Params | undefined) => {
    if (entry.names.length === 0) return;
    const values = entry.names.map((name) => {
      const value = params?.[name];
      if (value === undefined) throw new Error(`SQL parameter ${name} has no value in: ${sql}`);
      return value;
    });
    entry.statement.bind(values as BindParams);
  };

  const execute = <T>(sql: string, params: Params | undefined, read: (p: Prepared) => T): T => {
    log?.push({ op: 'sql', sql, params });
    const entry = prepared(sql);
    try {
      bind(entry, sql, params);
      return read(entry);
    } finally {
      entry.statement.reset();
    }
  };

  const rowOf = (entry: Prepared): Row => {
    entry.columns ??= entry.statement.getColumnNames();
    const values = entry.statement.get();
    const row: Row = {};
    entry.columns.forEach((column, i) => (row[column] = values[i] ?? null));
    return row;
  };

  let held = false;
  const step = (sql: string) => {
    const { statement } = prepared(sql);
    statement.step();
    statement.reset();
  };
  // Held, a transaction is a savepoint: RELEASE of a nested savepoint only merges its changes
  // into the outer transaction, so no page is written to sql.js's in-memory file per step.
  const HELD = {
    begin: ['SAVEPOINT step'],
    commit: ['RELEASE step'],
    rollback: ['ROLLBACK TO step', 'RELEASE step'],
  };
  const control = (op: 'begin' | 'commit' | 'rollback') => {
    log?.push({ op });
    if (held) for (const sql of HELD[op]) step(sql);
    else step(op.toUpperCase());
  };

  return {
    database,
    run(sql, params) {
      return execute(sql, params, ({ statement }) => {
        while (statement.step());
        return database.getRowsModified();
      });
    },
    get(sql, params) {
      return execute(sql, params, (entry) => (entry.statement.step() ? rowOf(entry) : undefined));
    },
    all(sql, params) {
      return execute(sql, params, (entry) => {
        const rows: Row[] = [];
        while (entry.statement.step()) rows.push(rowOf(entry));
        return rows;
      });
    },
    transaction(body) {
      if (inTransaction) throw new Error('transaction(): already inside a transaction');
      inTransaction = true;
      control('begin');
      try {
        const result = body();
        control('commit');
        return result;
      } catch (error) {
        control('rollback');
        throw error;
      } finally {
        inTransaction = false;
      }
    },
    hold() {
      if (held) throw new Error('hold(): already held');
      if (inTransaction) throw new Error('hold(): inside a transaction');
      step('BEGIN');
      held = true;
    },
    undo() {
      if (!held) throw new Error('undo(): nothing is held');
      if (inTransaction) throw new Error('undo(): inside a transaction');
      step('ROLLBACK');
      step('BEGIN');
    },
    close() {
      for (const { statement } of cache.values()) statement.free();
      cache.clear();
      database.close();
    },
  };
}
