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
  close(): void;
}

/** Wraps `database`, set up for many small transactions (rollback journal kept in memory). */
export function openDb(database: Database, log?: SqlLogEntry[]): OpenDb {
  database.run('PRAGMA journal_mode = MEMORY');
  database.run('PRAGMA foreign_keys = ON');
  const cache = new Map<string, Statement>();
  let inTransaction = false;

  const prepared = (sql: string): Statement => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = database.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };

  const execute = <T>(sql: string, params: Params | undefined, read: (s: Statement) => T): T => {
    log?.push({ op: 'sql', sql, params });
    const statement = prepared(sql);
    try {
      if (params) statement.bind(params as BindParams);
      return read(statement);
    } finally {
      statement.reset();
    }
  };

  const control = (op: 'begin' | 'commit' | 'rollback') => {
    log?.push({ op });
    const statement = prepared(op.toUpperCase());
    statement.step();
    statement.reset();
  };

  return {
    database,
    run(sql, params) {
      return execute(sql, params, (s) => {
        while (s.step());
        return database.getRowsModified();
      });
    },
    get(sql, params) {
      return execute(sql, params, (s) => (s.step() ? (s.getAsObject() as Row) : undefined));
    },
    all(sql, params) {
      return execute(sql, params, (s) => {
        const rows: Row[] = [];
        while (s.step()) rows.push(s.getAsObject() as Row);
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
    close() {
      for (const statement of cache.values()) statement.free();
      cache.clear();
      database.close();
    },
  };
}
