// Reads every table of the server database, for the result and the inspector: rows in rowid
// (insertion) order, or in primary-key order for a table WITHOUT ROWID.

import type { Database, Statement } from 'sql.js';
import type { Table } from './types.ts';

const TABLE_NAMES = `SELECT name, sql LIKE '%WITHOUT ROWID%' AS keyed FROM main.sqlite_schema
WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`;

function columnsOf(database: Database, table: string): { name: string; pk: number }[] {
  const info = database.exec(`SELECT name, pk FROM pragma_table_info('${table}') ORDER BY cid`)[0];
  return (info?.values ?? []).map(([name, pk]) => ({ name: String(name), pk: Number(pk) }));
}

/**
 * Reads one database's tables again and again: the tables, their columns and their queries are
 * worked out and prepared once. Asking the schema and preparing some thirty queries was most of
 * a read, and a reused database (reused-db.ts) is read after every traced run. The schema must
 * not change while it is in use (no handler runs DDL); free() releases the statements.
 */
export class TableReader {
  readonly #tables: {
    readonly name: string;
    readonly columns: string[];
    readonly rows: Statement;
  }[];

  constructor(database: Database) {
    this.#tables = (database.exec(TABLE_NAMES)[0]?.values ?? []).map(([name, keyed]) => {
      const table = String(name);
      const columns = columnsOf(database, table);
      const key = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
      const order = keyed ? key.map((c) => `"${c.name}"`).join(', ') : 'rowid';
      const rows = database.prepare(`SELECT * FROM main."${table}" ORDER BY ${order}`);
      return { name: table, columns: columns.map((c) => c.name), rows };
    });
  }

  read(): Record<string, Table> {
    const tables: Record<string, Table> = {};
    for (const { name, columns, rows: statement } of this.#tables) {
      const rows = [];
      try {
        while (statement.step()) rows.push(statement.get());
      } finally {
        statement.reset();
      }
      tables[name] = { columns: [...columns], rows };
    }
    return tables;
  }

  free(): void {
    for (const { rows } of this.#tables) rows.free();
  }
}

export function readTables(database: Database): Record<string, Table> {
  const reader = new TableReader(database);
  try {
    return reader.read();
  } finally {
    reader.free();
  }
}
