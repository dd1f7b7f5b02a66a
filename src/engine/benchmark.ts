// The benchmark core: batches of payment intents with idempotency-key, traces off, against a
// floor (the same SQL replayed alone with prepared statements on a fresh database). Runs in Node
// and in the bench page's own worker; the caller passes the clock, so the core stays free of wall time.

import type { SqlJsStatic, Statement } from 'sql.js';
import { SCENARIOS } from '../scenarios/index.ts';
import { resolveKnobs } from '../scenarios/knobs.ts';
import { FAST_PRAGMAS, paramNames, type SqlLogEntry } from '../server/db.ts';
import { checkOutcome, runStrategy, schemaImage } from './run-strategy.ts';

export const BENCH_SIZES = [1000, 10_000, 100_000] as const;
const SCENARIO = 'payment-lost-response';
const STRATEGY = 'idempotency-key';

/** One batch's figures. */
export interface BenchRow {
  readonly intents: number;
  readonly statements: number;
  readonly simulationMs: number;
  readonly floorMs: number;
  readonly usPerIntent: number;
  readonly floorRatio: number;
  readonly charges: number;
  readonly invariantsHold: boolean;
}

export interface BenchSummary {
  readonly intentsPerSec: number;
  readonly floorRatio: number;
  readonly usPerIntent: Record<string, number>;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Replays a SQL log on a fresh database of the same schema: the SQL work alone. Statements are
 * prepared and parameters laid out by position before the clock starts, so the floor is
 * nothing but sql.js binding and stepping.
 */
function replay(
  SQL: SqlJsStatic,
  image: Uint8Array,
  log: readonly SqlLogEntry[],
  now: () => number,
): number {
  const database = new SQL.Database(image);
  for (const pragma of FAST_PRAGMAS) database.run(pragma);
  database.run('PRAGMA foreign_keys = ON');
  const cache = new Map<string, { statement: Statement; names: string[] }>();
  try {
    const steps = log.map((entry) => {
      const sql = entry.op === 'sql' ? entry.sql : entry.op.toUpperCase();
      let prepared = cache.get(sql);
      if (!prepared) {
        prepared = {
          statement: database.prepare(sql),
          names: paramNames(sql),
        };
        cache.set(sql, prepared);
      }
      const params = entry.op === 'sql' ? entry.params : undefined;
      return {
        statement: prepared.statement,
        values: prepared.names.map((n) => params?.[n] ?? null),
      };
    });
    const started = now();
    for (const { statement, values } of steps) {
      if (values.length > 0) statement.bind(values);
      while (statement.step());
      statement.reset();
    }
    return now() - started;
  } finally {
    for (const { statement } of cache.values()) statement.free();
    database.close();
  }
}

export function benchBatch(SQL: SqlJsStatic, intents: number, now: () => number): BenchRow {
  const scenario = SCENARIOS.get(SCENARIO);
  if (!scenario) throw new Error(`benchmark: no scenario ${SCENARIO}`);
  const image = schemaImage(SQL);
  const knobs = resolveKnobs(scenario.id, scenario.knobs, {});
  const sqlLog: SqlLogEntry[] = [];
  const started = now();
  const job = {
    scenario,
    strategy: STRATEGY,
    seed: scenario.storySeed,
    faults: true,
    knobs,
    trace: false,
    operations: intents,
    sqlLog,
  };
  const outcome = runStrategy(SQL, image, job);
  const simulationMs = now() - started;
  try {
    const invariantsHold = checkOutcome(outcome, job).every((i) => i.holds);
    const floorMs = replay(SQL, image, sqlLog, now);
    return {
      intents,
      statements: sqlLog.length,
      simulationMs: round(simulationMs, 1),
      floorMs: round(floorMs, 1),
      usPerIntent: round((simulationMs * 1000) / intents, 2),
      floorRatio: round(floorMs / simulationMs, 3),
      charges: outcome.simulation.effects['card-charged'] ?? 0,
      invariantsHold,
    };
  } finally {
    outcome.close();
  }
}

/** Runs every size once after a warm-up batch; the summary's rate and ratio are the largest batch's. */
export function runBenchmark(
  SQL: SqlJsStatic,
  now: () => number,
  sizes: readonly number[] = BENCH_SIZES,
): { rows: BenchRow[]; summary: BenchSummary } {
  benchBatch(SQL, 1000, now); // warm-up: let the JIT settle before anything is measured
  const rows = sizes.map((n) => benchBatch(SQL, n, now));
  const largest = rows[rows.length - 1];
  if (!largest) throw new Error('benchmark: no sizes');
  return {
    rows,
    summary: {
      intentsPerSec: Math.round((largest.intents * 1000) / largest.simulationMs),
      floorRatio: largest.floorRatio,
      usPerIntent: Object.fromEntries(rows.map((r) => [String(r.intents), r.usPerIntent])),
    },
  };
}
