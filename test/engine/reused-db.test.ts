// A batch's reused database (rolled back between runs) gives each run exactly what a fresh one does.
import type { SqlJsStatic } from 'sql.js';
import { beforeAll, expect, test } from 'vitest';
import { FACTS_TABLES, attachFactsSchemas, factsReadBy } from '../../src/engine/checks.ts';
import { traceHash } from '../../src/engine/hash.ts';
import { ReusedDbs } from '../../src/engine/reused-db.ts';
import {
  checkOutcome,
  runStrategy,
  schemaImage,
  type StrategyOutcome,
} from '../../src/engine/run-strategy.ts';
import type { InvariantResult } from '../../src/engine/types.ts';
import { readTables } from '../../src/engine/tables.ts';
import { SCENARIOS } from '../../src/scenarios/index.ts';
import type { Scenario } from '../../src/scenarios/types.ts';
import { resolveKnobs } from '../../src/scenarios/knobs.ts';
import { loadSql } from '../support/sql.ts';

let SQL: SqlJsStatic;
let image: Uint8Array;
beforeAll(async () => {
  SQL = await loadSql();
  image = schemaImage(SQL);
});

/** Everything a run shows: its trace, every table, the AUTOINCREMENT counters, effects, verdicts. */
function shown(
  outcome: StrategyOutcome,
  verdicts: () => InvariantResult[],
  tables = () => readTables(outcome.database),
) {
  const { database, trace, simulation } = outcome;
  return {
    hash: traceHash(trace.events),
    tables: tables(),
    sequence: database.exec('SELECT name, seq FROM main.sqlite_sequence ORDER BY name'),
    effects: simulation.effects,
    // Checked last: the facts go into attached schemas, never into the tables read above.
    verdicts: verdicts(),
  };
}

/**
 * Runs `seeds` in a row for every strategy of `scenarios` on one reused database per strategy
 * (each run starts from what the one before left) and holds each to a fresh run on `image`.
 */
function compareWithFresh(
  image: Uint8Array,
  scenarios: readonly Scenario[],
  seeds: readonly number[],
) {
  // Empty runs or verdicts that all hold would show little: count what was compared.
  let withRows = 0;
  let broken = 0;
  for (const scenario of scenarios) {
    const knobs = resolveKnobs(scenario.id, scenario.knobs, {});
    const dbs = new ReusedDbs(SQL, image);
    try {
      for (const seed of seeds)
        for (const strategy of scenario.strategies) {
          const job = { scenario, strategy, seed, faults: true, knobs, trace: true };
          const fresh = runStrategy(SQL, image, job);
          let expected;
          try {
            expected = shown(fresh, () => checkOutcome(fresh, job));
          } finally {
            fresh.close();
          }
          const { outcome, invariants, tables } = dbs.run(job);
          // Its tables as run() reads them, with the queries the database keeps prepared.
          const actual = shown(outcome, () => invariants, tables);
          expect(actual, `${scenario.id} ${strategy} seed ${seed}`).toEqual(expected);
          if (Object.values(expected.tables).some((t) => t.rows.length > 0)) withRows += 1;
          if (expected.verdicts.some((v) => !v.holds)) broken += 1;
        }
    } finally {
      dbs.close();
    }
  }
  return { withRows, broken };
}

test('every strategy of every story, seed after seed on one database, matches fresh runs', () => {
  const { withRows, broken } = compareWithFresh(image, [...SCENARIOS.values()], [7, 1, 7]);
  expect(withRows).toBeGreaterThan(100);
  expect(broken).toBeGreaterThan(20);
  // Some 300 fresh runs beside the reused ones: about 40 s on a busy 2-core machine.
}, 300_000);

test('an image with rows is restored between runs, its rows included', () => {
  // A rollback puts back the image's pages, not an empty schema: a row the story's consumer
  // updates (the mug's stock) starts every run at the image's 3, as on a fresh database.
  const database = new SQL.Database(image);
  database.run("INSERT INTO stock (sku, on_hand) VALUES ('mug', 3)");
  const withRows = database.export();
  database.close();
  const scenario = SCENARIOS.get('queue-redelivery');
  if (!scenario) throw new Error('no queue-redelivery story');
  const { broken } = compareWithFresh(withRows, [scenario], [7, 1, 7]);
  expect(broken).toBeGreaterThan(0);
  // The comparison above is only as good as the row's effect on the runs: it must show.
  const knobs = resolveKnobs(scenario.id, scenario.knobs, {});
  const job = { scenario, strategy: 'naive', seed: 7, faults: true, knobs, trace: false };
  const stockAfter = (from: Uint8Array) => {
    const run = runStrategy(SQL, from, job);
    try {
      return run.database.exec("SELECT on_hand FROM stock WHERE sku = 'mug'")[0]?.values;
    } finally {
      run.close();
    }
  };
  expect(stockAfter(withRows)).not.toEqual(stockAfter(image));
});

test('every facts table an invariant reads, by SQLite’s own plan, is one a reused run fills', () => {
  // factsReadBy reads the SQL as text; SQLite's program for each invariant says which tables it
  // opens (OpenRead: p2 the root page, p3 the schema's index in database_list).
  const database = new SQL.Database(image);
  attachFactsSchemas(database);
  const schemas = new Map(
    (database.exec('PRAGMA database_list')[0]?.values ?? []).map(([seq, name]) => [
      Number(seq),
      String(name),
    ]),
  );
  const tableAt = new Map<string, string>();
  for (const [seq, schema] of schemas) {
    const rows = database.exec(`SELECT rootpage, tbl_name FROM "${schema}".sqlite_schema`);
    for (const [page, table] of rows[0]?.values ?? [])
      tableAt.set(`${seq}:${String(page)}`, `${schema}.${String(table)}`);
  }
  let read = 0;
  for (const scenario of SCENARIOS.values()) {
    const fills = factsReadBy(scenario.invariants);
    for (const spec of scenario.invariants) {
      const program = database.exec(`EXPLAIN ${spec.sql}`)[0];
      const column = (name: string) => program?.columns.indexOf(name) ?? -1;
      const opened = (program?.values ?? [])
        .filter((row) => row[column('opcode')] === 'OpenRead')
        .map((row) => tableAt.get(`${String(row[column('p3')])}:${String(row[column('p2')])}`))
        .filter((table) => table !== undefined && FACTS_TABLES.includes(table));
      for (const table of opened) expect(fills, `${scenario.id} ${spec.id}`).toContain(table);
      read += opened.length;
    }
    // And it leaves some out, or it would save nothing.
    if (scenario.id === 'payment-lost-response') expect(fills.has('run.outcomes')).toBe(false);
  }
  expect(read).toBeGreaterThan(20);
  database.close();
});
