// Reads every table of the server database, rows in insertion (rowid) order, for the result and the inspector.

import type { Database } from 'sql.js';
import type { Table } from './types.ts';

const TABLE_NAMES =
  "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";

export function readTables(database: Database): Record<string, Table> {
  const tables: Record<string, Table> = {};
  for (const [name] of database.exec(TABLE_NAMES)[0]?.values ?? []) {
    const result = database.exec(`SELECT * FROM main."${String(name)}" ORDER BY rowid`)[0];
    const columns =
      result?.columns ??
      database
        .exec(`SELECT name FROM pragma_table_info('${String(name)}') ORDER BY cid`)[0]
        ?.values.map((v) => String(v[0])) ??
      [];
    tables[String(name)] = { columns, rows: result?.values ?? [] };
  }
  return tables;
}
