// The inspector's SQL console: read-only queries against a snapshot database, results capped.
//
// Two guards, because either alone has a hole: `PRAGMA query_only` refuses every write SQLite
// knows of, but a PRAGMA can switch it off again; the statement-kind check refuses PRAGMA writes,
// ATTACH and the rest before anything runs, with words a learner can act on. The check reads each
// statement's text before SQLite prepares it: a flag PRAGMA takes effect when prepared, not run.

import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import type { Snapshot } from '../engine/index.ts';

export const READ_ONLY_MESSAGE =
  'The inspector is read-only: it shows the database at the cursor. INSERT, UPDATE and DELETE are refused.';

/** Rows a result keeps: enough to read, few enough to draw and to cross the worker boundary. */
export const MAX_ROWS = 500;

export type QueryResult =
  | {
      readonly columns: string[];
      readonly rows: SqlValue[][];
      /** The query had more rows than the result holds. */
      readonly truncated: boolean;
      /** Said next to the result: rows left out, statements not shown. Null when nothing is. */
      readonly note: string | null;
    }
  | { readonly error: string };

/**
 * The statements SQLite knows that do not only read. Any other first word is a read (SELECT,
 * WITH, VALUES) or not SQL at all, which SQLite refuses with its own words. WITH may still end
 * in a write: query_only stops that one.
 */
const WRITING = new Set([
  'ALTER',
  'ANALYZE',
  'ATTACH',
  'BEGIN',
  'COMMIT',
  'CREATE',
  'DELETE',
  'DETACH',
  'DROP',
  'END',
  'INSERT',
  'REINDEX',
  'RELEASE',
  'REPLACE',
  'ROLLBACK',
  'SAVEPOINT',
  'UPDATE',
  'VACUUM',
]);

/** PRAGMAs that take an argument and only read: `PRAGMA table_info(orders)`. */
const PRAGMA_FUNCTIONS = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_list',
  'foreign_key_check',
  'integrity_check',
  'quick_check',
]);

/**
 * PRAGMAs that only read when given no value. Others are refused: bare `PRAGMA optimize` writes,
 * and `PRAGMA foreign_keys(0)` is a setter in function form, so only the bare form is allowed.
 */
const PRAGMA_READS = new Set([
  ...PRAGMA_FUNCTIONS,
  'database_list',
  'collation_list',
  'function_list',
  'module_list',
  'pragma_list',
  'compile_options',
  'user_version',
  'schema_version',
  'application_id',
  'page_count',
  'page_size',
  'freelist_count',
  'encoding',
  'foreign_keys',
  'query_only',
  'journal_mode',
]);

// Whitespace and comments ahead of a statement's first keyword (one pass of a bounded regex).
const LEADING = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?(?:\*\/|$))*/;
const PRAGMA = /^PRAGMA\s+(?:"?\w+"?\s*\.\s*)?"?(\w+)"?\s*(\(|=)?/i;

/** Opens a snapshot's bytes as a database that refuses writes. */
export function openReadOnly(SQL: SqlJsStatic, bytes: Uint8Array): Database {
  const database = new SQL.Database(bytes);
  database.run('PRAGMA query_only = ON');
  return database;
}

/** Why a statement may not run here, or null when it only reads. */
export function refusal(statement: string): string | null {
  const text = statement.replace(LEADING, '');
  const keyword = (/^\w+/.exec(text)?.[0] ?? '').toUpperCase();
  // EXPLAIN compiles what follows, and compiling a PRAGMA applies it: judge what follows.
  if (keyword === 'EXPLAIN') return refusal(text.replace(/^EXPLAIN(?:\s+QUERY\s+PLAN)?/i, ''));
  if (keyword === 'PRAGMA') {
    const [, name = '', form] = PRAGMA.exec(text) ?? [];
    const pragma = name.toLowerCase();
    const reads = form === undefined ? PRAGMA_READS : form === '(' ? PRAGMA_FUNCTIONS : new Set();
    if (reads.has(pragma)) return null;
  } else if (!WRITING.has(keyword)) return null;
  const shown = text.split(/\s+/, 2).join(' ').slice(0, 40) || 'this statement';
  return `${READ_ONLY_MESSAGE} “${shown}” was refused: run SELECT, WITH, VALUES, EXPLAIN, or a PRAGMA that reads, such as PRAGMA table_info(orders).`;
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // What query_only says about a write that got past the statement check (WITH … DELETE).
  return /readonly database/i.test(message) ? READ_ONLY_MESSAGE : message;
}

function rowsText(n: number): string {
  return n === 1 ? '1 row' : `${n} rows`;
}

/**
 * Judges each statement's text before SQLite prepares it, and prepares only what reads: a later
 * statement's refusal or syntax error stops everything before anything ran. Returns how many
 * statements there are, or why not one may run.
 */
function checkAll(database: Database, sql: string): number | string {
  const statements = database.iterateStatements(sql);
  try {
    // Each turn consumes at least one character of `sql`, so this many turns always suffice.
    for (let count = 0; count <= sql.length; count++) {
      const rest = statements.getRemainingSQL();
      if (rest.replace(LEADING, '') === '') return count;
      const refused = refusal(rest);
      if (refused) return refused;
      if (statements.next().done) return count;
    }
    return 'This query has more statements than the console runs.';
  } finally {
    // Frees the last prepared statement and the iterator's copy of the text.
    (statements as Iterator<Statement>).return?.();
  }
}

/**
 * Runs `sql` (one or more statements) against `database` and returns the last statement's
 * result. Every statement is checked before any runs. Errors come back as SQLite words, never
 * thrown: the console shows them inline and keeps what was typed.
 */
export function runQuery(database: Database, sql: string, maxRows = MAX_ROWS): QueryResult {
  try {
    // Again on every query: a guard that does not depend on nothing having turned it off.
    database.run('PRAGMA query_only = ON');
    const statements = checkAll(database, sql);
    if (typeof statements === 'string') return { error: statements };
    if (statements === 0)
      return { error: 'Nothing to run: type a query, such as SELECT * FROM orders.' };
    let columns: string[] = [];
    let rows: SqlValue[][] = [];
    let truncated = false;
    for (const statement of database.iterateStatements(sql)) {
      columns = statement.getColumnNames();
      rows = [];
      truncated = false;
      // Bounded by the cap: a recursive CTE may yield rows forever.
      while (statement.step()) {
        if (rows.length >= maxRows) {
          truncated = true;
          break;
        }
        rows.push(statement.get());
      }
    }
    const notes = [
      truncated ? `Showing the first ${rowsText(maxRows)}; the query returned more.` : '',
      statements > 1 ? `Ran ${statements} statements; showing the last one's result.` : '',
    ].filter(Boolean);
    return { columns, rows, truncated, note: notes.length > 0 ? notes.join(' ') : null };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

/** A snapshot as the page gets it: the tables and where they stand; the file stays here. */
export interface SnapshotView extends Omit<Snapshot, 'bytes'> {
  /** Which snapshot this is, counting in this worker: query answers name the one they ran on. */
  readonly id: number;
  /** The database file's size in bytes. */
  readonly size: number;
}

export type QueryAnswer = QueryResult & {
  /** The snapshot the query ran against; null when there was none. */
  readonly snapshot: number | null;
};

/**
 * The worker's one open snapshot database: the latest wins, and the one it replaces is closed,
 * so a page that scrubs through a long run holds one database, not hundreds.
 */
export class Inspection {
  readonly #SQL: SqlJsStatic;
  #current: {
    readonly id: number;
    readonly database: Database;
    readonly bytes: Uint8Array;
  } | null = null;
  #count = 0;

  constructor(SQL: SqlJsStatic) {
    this.#SQL = SQL;
  }

  open(snapshot: Snapshot): SnapshotView {
    const database = openReadOnly(this.#SQL, snapshot.bytes);
    this.close();
    const id = ++this.#count;
    this.#current = { id, database, bytes: snapshot.bytes };
    const { scenario, strategy, seed, seq, at, tables } = snapshot;
    return { scenario, strategy, seed, seq, at, tables, id, size: snapshot.bytes.length };
  }

  /** Forgets the snapshot: after a failed one, queries must not run against an older one. */
  close(): void {
    this.#current?.database.close();
    this.#current = null;
  }

  query(sql: string): QueryAnswer {
    if (typeof sql !== 'string') return { error: 'A query is text.', snapshot: null };
    const current = this.#current;
    if (!current)
      return { error: 'No snapshot yet: pick a moment of the run first.', snapshot: null };
    return { ...runQuery(current.database, sql), snapshot: current.id };
  }

  /** A copy of the snapshot's file, for the page to own (and the worker to transfer). */
  download(): Uint8Array {
    if (!this.#current) throw new Error('No snapshot to download yet: pick a moment of the run.');
    return this.#current.bytes.slice();
  }
}
