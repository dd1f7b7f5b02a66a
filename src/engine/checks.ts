// Runs a story's invariants as SQL over the final server database, with the provider's ledger
// attached as schema `psp` (it is a foreign system: it never lives in the server's own tables).

import type { Database } from 'sql.js';
import type { InvariantSpec } from '../scenarios/types.ts';
import type { Row } from '../server/db.ts';
import type { Charge } from '../sim/provider.ts';
import type { InvariantResult } from './types.ts';

const LEDGER_SCHEMA = `CREATE TABLE psp.charges (
  id TEXT PRIMARY KEY, intent TEXT NOT NULL, amount_cents INTEGER NOT NULL, idem_key TEXT, charged_at INTEGER NOT NULL
) STRICT`;
const INSERT_CHARGE = 'INSERT INTO psp.charges VALUES (?, ?, ?, ?, ?)';
/** Violations listed in a detail; the rest are counted. */
const DETAIL_ROWS = 5;

export function attachLedger(database: Database, ledger: readonly Charge[]): void {
  database.run("ATTACH DATABASE ':memory:' AS psp");
  database.run(LEDGER_SCHEMA);
  const insert = database.prepare(INSERT_CHARGE);
  database.run('BEGIN');
  try {
    for (const c of ledger) insert.run([c.id, c.intent, c.amountCents, c.key, c.at]);
    database.run('COMMIT');
  } finally {
    insert.free();
  }
}

function rowsOf(database: Database, sql: string): Row[] {
  const statement = database.prepare(sql);
  try {
    const rows: Row[] = [];
    while (statement.step()) rows.push(statement.getAsObject() as Row);
    return rows;
  } finally {
    statement.free();
  }
}

export function checkInvariants(
  database: Database,
  specs: readonly InvariantSpec[],
): InvariantResult[] {
  return specs.map((spec) => {
    const violations = rowsOf(database, spec.sql);
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
