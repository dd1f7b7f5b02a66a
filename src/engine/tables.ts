// Reads every table of the server database, for the result and the inspector: rows in rowid
// (insertion) order, or in primary-key order for a table WITHOUT ROWID.

import type { Database } from 'sql.js';
import type { Table } from './types.ts';

const TABLE_NAMES = `SELECT name, sql LIKE '%WITHOUT ROWID%' AS keyed FROM main.sqlite_schema
WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`;

function columnsOf(database: Database, table: string): { name: string; pk: number }[] {
  const info = database.exec(`SELECT name, pk FROM pragma_table_info('${table}') ORDER BY cid`)[0];
  return (info?.values ?? []).map(([name, pk]) => ({ name: String(name), pk: Number(pk) }));
}

export function readTables(database: Database): Record<string, Table> {
  const tables: Record<string, Table> = {};
  for (const [name, keyed] of database.exec(TABLE_NAMES)[0]?.values ?? []) {
    const table = String(name);
    const columns = columnsOf(database, table);
    const key = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    const order = keyed ? key.map((c) => `"${c.name}"`).join(', ') : 'rowid';
    const result = database.exec(`SELECT * FROM main."${table}" ORDER BY ${order}`)[0];
    tables[table] = { columns: columns.map((c) => c.name), rows: result?.values ?? [] };
  }
  return tables;
}
