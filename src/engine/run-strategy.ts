// Runs one strategy of one story on one seed: a fresh database from the schema image, the
// simulation, then the invariants. Shared by run(), batches and the benchmark.

import type { Database, SqlJsStatic } from 'sql.js';
import type { Scenario, KnobValues } from '../scenarios/types.ts';
import { openDb, type SqlLogEntry } from '../server/db.ts';
import { SCHEMA_SQL } from '../server/schema.ts';
import { STRATEGIES } from '../server/strategies/index.ts';
import { SeededChoices, type Choices } from '../sim/choices.ts';
import { simulate, type Bounds, type SimulationResult, type World } from '../sim/simulation.ts';
import { Trace } from '../sim/trace.ts';
import type { ServerConfig } from '../server/strategy.ts';
import { attachFacts, checkInvariants } from './checks.ts';
import type { InvariantResult } from './types.ts';

/** The schema, built once and serialised: each run deserialises it instead of re-running DDL. */
export function schemaImage(SQL: SqlJsStatic): Uint8Array {
  const database = new SQL.Database();
  try {
    database.run(SCHEMA_SQL);
    return database.export();
  } finally {
    database.close();
  }
}

export interface StrategyJob {
  readonly scenario: Scenario;
  readonly strategy: string;
  readonly seed: number;
  readonly faults: boolean;
  readonly knobs: KnobValues;
  readonly trace: boolean;
  /** Overrides the story's operation count. */
  readonly operations?: number;
  /** Receives every SQL statement and transaction boundary (the benchmark's floor). */
  readonly sqlLog?: SqlLogEntry[];
  /** The explorer and schedule replays: its Choices instead of the seed's, and its world. */
  readonly explore?: { readonly choices: Choices; world(world: World): World };
}

export interface StrategyOutcome {
  readonly database: Database;
  readonly config: ServerConfig;
  readonly trace: Trace;
  readonly simulation: SimulationResult;
  /** Frees prepared statements and the database. */
  close(): void;
}

/** A run set up and not yet simulated: the snapshot drives it with a trace of its own. */
export interface PreparedStrategy {
  readonly database: Database;
  readonly config: ServerConfig;
  readonly trace: Trace;
  /** Runs it; `stopAfterSeq` ends it right after that trace event (see Bounds). */
  simulate(stop?: Pick<Bounds, 'stopAfterSeq'>): SimulationResult;
  /** Frees prepared statements and the database. */
  close(): void;
}

export function runStrategy(
  SQL: SqlJsStatic,
  image: Uint8Array,
  job: StrategyJob,
): StrategyOutcome {
  const run = prepareStrategy(SQL, image, job);
  try {
    const simulation = run.simulate();
    const { database, config, trace, close } = run;
    return { database, config, trace, simulation, close };
  } catch (error) {
    // A long-lived worker runs many of these: a failed run must not keep its database.
    run.close();
    throw error;
  }
}

/** The database, handler and choices of one run; `trace` numbers the events. */
export function prepareStrategy(
  SQL: SqlJsStatic,
  image: Uint8Array,
  job: StrategyJob,
  // A kept trace shows every choice: the seed's answers, where and why they were asked.
  trace: Trace = new Trace(job.trace, { choices: job.trace }),
): PreparedStrategy {
  const strategy = STRATEGIES.get(job.strategy);
  if (!strategy)
    throw new Error(
      `Unknown strategy "${job.strategy}". Strategies: ${[...STRATEGIES.keys()].join(', ')}`,
    );
  const database = new SQL.Database(image);
  const db = openDb(database, job.sqlLog);
  const choices = job.explore?.choices ?? new SeededChoices(job.seed);
  const story = job.scenario.world(job.knobs, {
    faults: job.faults,
    ...(job.operations === undefined ? {} : { operations: job.operations }),
  });
  const world = job.explore ? job.explore.world(story) : story;
  const client = strategy.client?.newKeyPerAttempt
    ? { ...world.client, newKeyPerAttempt: true }
    : world.client;
  const config = job.scenario.serverConfig(job.knobs);
  try {
    const handler = strategy.create(db, config);
    return {
      database,
      config,
      trace,
      simulate: (stop = {}) =>
        simulate(
          { ...world, client, bounds: { ...world.bounds, ...stop } },
          handler,
          choices,
          trace,
        ),
      close: () => db.close(),
    };
  } catch (error) {
    // A long-lived worker runs many of these: a failed run must not keep its database.
    db.close();
    throw error;
  }
}

/** Attaches what the run left outside the server's database, then runs the story's invariants. */
export function checkOutcome(outcome: StrategyOutcome, job: StrategyJob): InvariantResult[] {
  const { simulation } = outcome;
  attachFacts(outcome.database, {
    ledger: simulation.ledger,
    bookings: simulation.bookings,
    answers: simulation.answers,
    effectLog: simulation.effectLog,
    attempts: simulation.attempts,
    operations: simulation.operations,
    config: outcome.config,
    endedAt: simulation.endedAt,
  });
  return checkInvariants(outcome.database, job.scenario.invariants, job.knobs);
}
