// A batch's reused database (emptied between runs) gives each run exactly what a fresh one does.
import type { SqlJsStatic } from 'sql.js';
import { beforeAll, expect, test } from 'vitest';
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
import { resolveKnobs } from '../../src/scenarios/knobs.ts';
import { loadSql } from '../support/sql.ts';

let SQL: SqlJsStatic;
let image: Uint8Array;
beforeAll(async () => {
  SQL = await loadSql();
  image = schemaImage(SQL);
});

/** Everything a run shows: its trace, every table, the AUTOINCREMENT counters, effects, verdicts. */
function shown(outcome: StrategyOutcome, verdicts: () => InvariantResult[]) {
  const { database, trace, simulation } = outcome;
  return {
    hash: traceHash(trace.events),
    tables: readTables(database),
    sequence: database.exec('SELECT name, seq FROM main.sqlite_sequence ORDER BY name'),
    effects: simulation.effects,
    // Checked last: the facts go into attached schemas, never into the tables read above.
    verdicts: verdicts(),
  };
}

test('every strategy of every story, seed after seed on one database, matches fresh runs', () => {
  // Seeds in a row on the same databases: each run starts from what the one before left.
  const seeds = [7, 1, 7];
  // Empty runs or verdicts that all hold would show little: count what was compared.
  let withRows = 0;
  let broken = 0;
  for (const scenario of SCENARIOS.values()) {
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
          const { outcome, invariants } = dbs.run(job);
          const actual = shown(outcome, () => invariants);
          expect(actual, `${scenario.id} ${strategy} seed ${seed}`).toEqual(expected);
          if (Object.values(expected.tables).some((t) => t.rows.length > 0)) withRows += 1;
          if (expected.verdicts.some((v) => !v.holds)) broken += 1;
        }
    } finally {
      dbs.close();
    }
  }
  expect(withRows).toBeGreaterThan(100);
  expect(broken).toBeGreaterThan(20);
});

test('an image with rows is refused: emptying it would not restore it', () => {
  const database = new SQL.Database(image);
  database.run("INSERT INTO stock (sku, on_hand) VALUES ('sku-1', 3)");
  const withRows = database.export();
  database.close();
  const scenario = [...SCENARIOS.values()][0];
  if (!scenario) throw new Error('no stories');
  const knobs = resolveKnobs(scenario.id, scenario.knobs, {});
  const dbs = new ReusedDbs(SQL, withRows);
  const job = { scenario, strategy: 'naive', seed: 1, faults: true, knobs, trace: false };
  expect(() => dbs.run(job)).toThrow(/has rows in main."stock"/);
  dbs.close();
});
