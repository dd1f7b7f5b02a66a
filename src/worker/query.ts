// The inspector's SQL console: read-only queries against a snapshot database, results capped.
//
// Two guards, because either alone has a hole: `PRAGMA query_only` refuses every write SQLite
// knows of, but a PRAGMA can switch it off again; the statement-kind check refuses PRAGMA writes,
// ATTACH and the rest before anything runs, with words a learner can act on. The check reads each
// statement's text before SQLite prepares it: a flag PRAGMA takes effect when prepared, not run.

import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';

export const READ_ONLY_MESSAGE =
  'The inspector is read-only: it shows the database at the cursor. INSERT, UPDATE and DELETE are refused.';

/** Rows a result keeps: enough to read, few enough to draw and to cross the worker boundary. */
export const MAX_ROWS = 500;
/** Bytes a result keeps, counted as sent: a wide result stops early rather than flooding the page. */
export const MAX_BYTES = 1_000_000;
/** Characters of one text value sent; the rest is counted, not sent. */
export const TEXT_CHARS = 1_000;
/** A blob up to this size is sent whole (a hash, an id); a larger one only as its size. */
export const BLOB_BYTES = 16;
/** SQLite's heap in the console's worker: `zeroblob(1e9)` fails with words, not by taking the tab. */
export const HEAP_LIMIT = 64 * 1024 * 1024;

/** A value too big to send whole: its type, its size in bytes and, for text, how it starts. */
export interface Clipped {
  readonly clipped: 'text' | 'blob';
  readonly bytes: number;
  readonly head: string;
}

export type QueryValue = SqlValue | Clipped;

export type QueryResult =
  | {
      readonly columns: string[];
      readonly rows: QueryValue[][];
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

/**
 * Opens a snapshot's bytes as a database that refuses writes and holds SQLite's heap to
 * HEAP_LIMIT (a limit SQLite only ever lowers, so no later PRAGMA can lift it).
 */
export function openReadOnly(SQL: SqlJsStatic, bytes: Uint8Array): Database {
  const database = new SQL.Database(bytes);
  database.run('PRAGMA query_only = ON');
  database.run(`PRAGMA hard_heap_limit = ${HEAP_LIMIT}`);
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
  if (/readonly database/i.test(message)) return READ_ONLY_MESSAGE;
  if (/out of memory/i.test(message))
    return `The query needs more than ${HEAP_LIMIT / 1024 / 1024} MB of memory, the console's limit, and was stopped.`;
  return message;
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
 * The statement as a query whose every value is small: per column its type, its size in bytes
 * and a value cut to TEXT_CHARS (a large blob to nothing). SQLite computes sizes without making
 * the value, so `zeroblob(1e8)` never reaches JavaScript. `LIMIT -1 OFFSET 0` keeps the statement
 * a coroutine that runs once per row (not copied into each of the three expressions), and rows
 * still stream: an endless recursive CTE yields its first rows. Null for what cannot be wrapped
 * (PRAGMA, EXPLAIN, a write with RETURNING): those run as they are, their values bounded by the
 * heap limit and the byte budget.
 */
function wrapped(database: Database, statement: Statement): Statement | null {
  const sql = statement.getSQL().replace(/;\s*$/, '');
  const n = statement.getColumnNames().length;
  if (n === 0 || !/^(?:SELECT|WITH|VALUES)\b/i.test(sql.replace(LEADING, ''))) return null;
  const names = Array.from({ length: n }, (_, i) => `c${i}`);
  const shown = names.map(
    (c) =>
      `typeof(${c}), octet_length(${c}), CASE typeof(${c}) WHEN 'text' THEN substr(${c}, 1, ${TEXT_CHARS}) ` +
      `WHEN 'blob' THEN CASE WHEN octet_length(${c}) <= ${BLOB_BYTES} THEN ${c} END ELSE ${c} END`,
  );
  try {
    // The newline ends a trailing `-- comment` before the closing parenthesis.
    return database.prepare(
      `WITH q(${names.join(', ')}) AS (SELECT * FROM (${sql}\n) LIMIT -1 OFFSET 0) SELECT ${shown.join(', ')} FROM q`,
    );
  } catch {
    return null;
  }
}

const encoder = new TextEncoder();

/** One wrapped row as values to send: small ones whole, large ones as Clipped. */
function valuesOf(row: SqlValue[]): QueryValue[] {
  const values: QueryValue[] = [];
  for (let i = 0; i + 2 < row.length; i += 3) {
    const [type, bytes, value] = [row[i], Number(row[i + 1] ?? 0), row[i + 2] ?? null];
    if (type === 'blob' && !(value instanceof Uint8Array))
      values.push({ clipped: 'blob', bytes, head: '' });
    else if (typeof value === 'string' && encoder.encode(value).length < bytes)
      values.push({ clipped: 'text', bytes, head: value });
    else values.push(value);
  }
  return values;
}

/** About what a row costs to send and to draw. */
function sizeOf(row: readonly QueryValue[]): number {
  let size = 0;
  for (const value of row)
    if (typeof value === 'string') size += value.length * 2;
    else if (value instanceof Uint8Array) size += value.length;
    else if (value !== null && typeof value === 'object') size += value.head.length * 2 + 16;
    else size += 8;
  return size;
}

/** Steps one statement, keeping rows while they fit the row cap and the byte budget. */
function collect(
  database: Database,
  statement: Statement,
  maxRows: number,
): { columns: string[]; rows: QueryValue[][]; cut: 'rows' | 'bytes' | null } {
  const columns = statement.getColumnNames();
  const small = wrapped(database, statement);
  const source = small ?? statement;
  const rows: QueryValue[][] = [];
  let bytes = 0;
  try {
    // Bounded by the caps: a recursive CTE may yield rows forever.
    while (source.step()) {
      if (rows.length >= maxRows) return { columns, rows, cut: 'rows' };
      const row = small ? valuesOf(source.get()) : source.get();
      bytes += sizeOf(row);
      if (bytes > MAX_BYTES) return { columns, rows, cut: 'bytes' };
      rows.push(row);
    }
    return { columns, rows, cut: null };
  } finally {
    small?.free();
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
    let last: ReturnType<typeof collect> = { columns: [], rows: [], cut: null };
    for (const statement of database.iterateStatements(sql))
      last = collect(database, statement, maxRows);
    const { columns, rows, cut } = last;
    const notes = [
      cut === 'rows' ? `Showing the first ${rowsText(maxRows)}; the query returned more.` : '',
      cut === 'bytes'
        ? `Showing the first ${rowsText(rows.length)}: a result is cut at ${MAX_BYTES / 1_000_000} MB; the query returned more.`
        : '',
      statements > 1 ? `Ran ${statements} statements; showing the last one's result.` : '',
    ].filter(Boolean);
    return {
      columns,
      rows,
      truncated: cut !== null,
      note: notes.length > 0 ? notes.join(' ') : null,
    };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

/** The console worker's one open snapshot: the latest wins, the one it replaces is closed. */
export function createQueryApi(load: () => Promise<SqlJsStatic>) {
  let held: { readonly id: number; readonly database: Database } | null = null;
  return {
    /** Opens snapshot `id`'s file (the worker owns the bytes from here on). */
    async open(id: number, bytes: Uint8Array): Promise<void> {
      const database = openReadOnly(await load(), bytes);
      held?.database.close();
      held = { id, database };
    },
    /**
     * Read-only SQL against snapshot `id`; errors come back as values, never thrown. Null when
     * this worker does not hold that snapshot (a new worker holds none): open it, then ask again.
     */
    query(sql: string, id: number): QueryResult | null {
      if (held?.id !== id) return null;
      if (typeof sql !== 'string') return { error: 'A query is text.' };
      return runQuery(held.database, sql);
    },
  };
}

export type QueryApi = ReturnType<typeof createQueryApi>;
