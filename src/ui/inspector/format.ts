// The inspector's pure helpers: how a cell reads, which rows changed, the file's name, the presets.
import type { Table } from '../../engine/types.ts';

/** How long a cell's text may get before it is cut (the full value stays in its title). */
const CELL_CHARS = 120;
/** Bytes of a BLOB shown before the rest is summarised. */
const BLOB_BYTES = 16;

export interface Cell {
  readonly text: string;
  /** The whole value when the text is cut; null when the text is all of it. */
  readonly full: string | null;
  readonly kind: 'null' | 'number' | 'text' | 'blob';
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const bytesText = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'byte' : 'bytes'}`;

/** A value the console's worker did not send whole (Clipped in worker/query.ts). */
function isClipped(
  value: unknown,
): value is { readonly clipped: 'text' | 'blob'; readonly bytes: number; readonly head: string } {
  return typeof value === 'object' && value !== null && 'clipped' in value;
}

/**
 * A value as the table shows it: NULL distinct from the text 'NULL', a BLOB as x'…', a value too
 * big to send as its size.
 */
export function cellOf(value: unknown): Cell {
  if (value === null || value === undefined) return { text: 'NULL', full: null, kind: 'null' };
  if (isClipped(value)) {
    if (value.clipped === 'blob')
      return { text: `BLOB, ${bytesText(value.bytes)}`, full: null, kind: 'blob' };
    const head = value.head.slice(0, CELL_CHARS - 1);
    return {
      text: `${head}…`,
      full: `${value.head}… (${bytesText(value.bytes)} in all)`,
      kind: 'text',
    };
  }
  if (typeof value === 'number' || typeof value === 'bigint')
    return { text: String(value), full: null, kind: 'number' };
  if (value instanceof Uint8Array) {
    const shown = hex(value.subarray(0, BLOB_BYTES));
    const more = value.length > BLOB_BYTES ? `… (${value.length} bytes)` : '';
    return { text: `x'${shown}'${more}`, full: more ? `x'${hex(value)}'` : null, kind: 'blob' };
  }
  const text = String(value);
  return text.length > CELL_CHARS
    ? { text: `${text.slice(0, CELL_CHARS - 1)}…`, full: text, kind: 'text' }
    : { text, full: null, kind: 'text' };
}

/** What moved in one table between two moments: rows that are new (or rewritten), rows gone. */
export interface TableChange {
  /** Indexes into the newer table's rows. */
  readonly changed: ReadonlySet<number>;
  readonly removed: number;
}

const NO_CHANGE: TableChange = { changed: new Set(), removed: 0 };

/**
 * Rows of `now` that `before` did not hold, compared as whole rows: an UPDATE shows as the new
 * row changed. Duplicates count: the second identical row is new if `before` had one.
 */
export function changesOf(before: Table | undefined, now: Table): TableChange {
  if (!before || before.columns.join('\u0000') !== now.columns.join('\u0000')) return NO_CHANGE;
  const left = new Map<string, number>();
  for (const row of before.rows) {
    const key = JSON.stringify(row, blobAware);
    left.set(key, (left.get(key) ?? 0) + 1);
  }
  const changed = new Set<number>();
  now.rows.forEach((row, index) => {
    const key = JSON.stringify(row, blobAware);
    const count = left.get(key) ?? 0;
    if (count > 0) left.set(key, count - 1);
    else changed.add(index);
  });
  const removed = [...left.values()].reduce((sum, n) => sum + n, 0);
  return { changed, removed };
}

// JSON.stringify writes a Uint8Array as an object of indexes; hex keeps two blobs comparable.
function blobAware(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? `x'${hex(value)}'` : value;
}

/** The download's name: which story, strategy and seed, and where in the trace. */
export function fileName(snapshot: {
  readonly scenario: string;
  readonly strategy: string;
  readonly seed: number;
  readonly seq: number;
}): string {
  const at = snapshot.seq < 0 ? 'start' : `t${snapshot.seq}`;
  const safe = (s: string) => s.replace(/[^\w.-]+/g, '_');
  return `twice-${safe(snapshot.scenario)}-${safe(snapshot.strategy)}-seed${snapshot.seed}-${at}.sqlite`;
}

export interface Preset {
  readonly label: string;
  readonly sql: string;
}

/** Queries that tell each story's lesson; tables a story does not have are left out. */
const STORY_PRESETS: Record<string, readonly (Preset & { readonly needs: string })[]> = {
  'payment-lost-response': [
    {
      label: 'Orders per intent',
      needs: 'orders',
      sql: 'SELECT intent, count(*) AS orders, group_concat(psp_charge_id) AS charges\nFROM orders\nGROUP BY intent\nORDER BY intent;',
    },
    {
      label: 'Keys and their stored answers',
      needs: 'idempotency_keys',
      sql: 'SELECT id, idem_key, state, recovery_point, response_status\nFROM idempotency_keys\nORDER BY id;',
    },
  ],
  'key-lifecycle': [
    {
      label: 'Keys by state',
      needs: 'idempotency_keys',
      sql: 'SELECT state, count(*) AS keys, min(expires_at) AS first_expiry\nFROM idempotency_keys\nGROUP BY state\nORDER BY state;',
    },
    {
      label: 'Orders per intent',
      needs: 'orders',
      sql: 'SELECT intent, count(*) AS orders\nFROM orders\nGROUP BY intent\nORDER BY intent;',
    },
  ],
  'webhook-duplicates': [
    {
      label: 'Invoices per payment',
      needs: 'invoices',
      sql: 'SELECT intent, count(*) AS invoices, group_concat(event_id) AS events\nFROM invoices\nGROUP BY intent\nORDER BY intent;',
    },
    {
      label: 'Messages already processed',
      needs: 'processed_messages',
      sql: 'SELECT consumer, message_id, received_at\nFROM processed_messages\nORDER BY received_at;',
    },
  ],
};

const TABLE_LIST: Preset = {
  label: 'List the tables',
  sql: "SELECT name FROM sqlite_schema\nWHERE type = 'table' AND name NOT LIKE 'sqlite_%'\nORDER BY name;",
};

/** The story's own queries, then every table that has rows, then the list of tables. */
export function presetsFor(scenario: string, tables: Record<string, Table>): Preset[] {
  const story = (STORY_PRESETS[scenario] ?? [])
    .filter((p) => p.needs in tables)
    .map(({ label, sql }) => ({ label, sql }));
  const filled = Object.entries(tables)
    .filter(([, table]) => table.rows.length > 0)
    .map(([name]) => ({ label: `All of ${name}`, sql: `SELECT * FROM ${name};` }));
  return [...story, ...filled, TABLE_LIST];
}
