// Runs one strategy of one story on one seed: a fresh database from the schema image, the
// simulation, then the invariants. Shared by run(), batches and the benchmark.

import type { Database, SqlJsStatic } from 'sql.js';
import type { Scenario, KnobValues } from '../scenarios/types.ts';
import { openDb, type OpenDb, type SqlLogEntry } from '../server/db.ts';
import { SCHEMA_SQL } from '../server/schema.ts';
import { STRATEGIES } from '../server/strategies/index.ts';
import { SeededChoices, type Choices } from '../sim/choices.ts';
import { simulate, type Bounds, type SimulationResult, type World } from '../sim/simulation.ts';
import { Trace } from '../sim/trace.ts';
import type { ServerConfig } from '../server/strategy.ts';
import type { Handler } from '../sim/handler.ts';
import {
  CheckStatements,
  type RunFacts,
  attachFacts,
  checkInvariants,
  insertFacts,
} from './checks.ts';
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

// A kept trace shows every choice: the seed's answers, where and why they were asked.
const traceFor = (job: StrategyJob) => new Trace(job.trace, { choices: job.trace });

/** The database, handler and choices of one run; `trace` numbers the events. */
export function prepareStrategy(
  SQL: SqlJsStatic,
  image: Uint8Array,
  job: StrategyJob,
  trace: Trace = traceFor(job),
): PreparedStrategy {
  checkStrategy(job.strategy);
  const db = openDb(new SQL.Database(image), job.sqlLog);
  return prepareOn(db, job, trace, () => db.close());
}

function checkStrategy(id: string) {
  const strategy = STRATEGIES.get(id);
  if (!strategy)
    throw new Error(`Unknown strategy "${id}". Strategies: ${[...STRATEGIES.keys()].join(', ')}`);
  return strategy;
}

/**
 * Like runStrategy, on a database the caller owns, already as empty as the schema image
 * (reused-db.ts): the outcome's close() leaves it open. `job.sqlLog` is not used: the log
 * belongs to the database's Db, given when it was opened. `setup`: the world and handler made
 * for an earlier run of the same kind on `db` (reused-db.ts), instead of making them again.
 */
export function runStrategyOn(db: OpenDb, job: StrategyJob, setup?: Setup): StrategyOutcome {
  const run = prepareOn(db, job, traceFor(job), () => {}, setup);
  const { database, config, trace, close } = run;
  return { database, config, trace, simulation: run.simulate(), close };
}

/** What a run is set up with on its database, beside its choices and trace: the world and the strategy's handler. */
export interface Setup {
  readonly world: World;
  readonly config: ServerConfig;
  readonly handler: Handler;
}

/**
 * The world the job runs in (the story's, as the explorer sees it when it explores, with the
 * strategy's client) and the strategy's handler on `db`. It depends on the job's story, knobs,
 * faults, operations and world only, never on its seed or choices.
 */
export function setUp(db: OpenDb, job: StrategyJob): Setup {
  const strategy = checkStrategy(job.strategy);
  const story = job.scenario.world(job.knobs, {
    faults: job.faults,
    ...(job.operations === undefined ? {} : { operations: job.operations }),
  });
  const world = job.explore ? job.explore.world(story) : story;
  const config = job.scenario.serverConfig(job.knobs);
  return {
    world: strategy.client?.newKeyPerAttempt
      ? { ...world, client: { ...world.client, newKeyPerAttempt: true } }
      : world,
    config,
    handler: strategy.create(db, config),
  };
}

/** Sets one run up on `db`; `release` is what the run's close() does with it. */
function prepareOn(
  db: OpenDb,
  job: StrategyJob,
  trace: Trace,
  release: () => void,
  given?: Setup,
): PreparedStrategy {
  const { database } = db;
  const choices = job.explore?.choices ?? new SeededChoices(job.seed);
  try {
    const { world, config, handler } = given ?? setUp(db, job);
    return {
      database,
      config,
      trace,
      simulate: ({ stopAfterSeq } = {}) =>
        simulate(
          stopAfterSeq === undefined
            ? world
            : { ...world, bounds: { ...world.bounds, stopAfterSeq } },
          handler,
          choices,
          trace,
        ),
      close: release,
    };
  } catch (error) {
    // A long-lived worker runs many of these: a failed run must not keep its database.
    release();
    throw error;
  }
}

function factsOf({ simulation, config }: StrategyOutcome): RunFacts {
  return {
    ledger: simulation.ledger,
    bookings: simulation.bookings,
    answers: simulation.answers,
    effectLog: simulation.effectLog,
    attempts: simulation.attempts,
    operations: simulation.operations,
    config,
    endedAt: simulation.endedAt,
  };
}

/**
 * Attaches what the run left outside the server's database, then runs the story's invariants.
 * `statements`: a reused database's checks (reused-db.ts), its facts schemas attached and
 * empty; without it the facts are attached here and the statements freed after.
 */
export function checkOutcome(
  outcome: StrategyOutcome,
  job: StrategyJob,
  statements?: CheckStatements,
): InvariantResult[] {
  const { scenario, knobs } = job;
  if (statements) {
    // Only the facts tables the story's invariants name: the others could change no verdict.
    insertFacts(statements, factsOf(outcome), statements.factsReadBy(scenario.invariants));
    return checkInvariants(statements, scenario.invariants, knobs);
  }
  const once = new CheckStatements(outcome.database);
  try {
    attachFacts(once, factsOf(outcome));
    return checkInvariants(once, scenario.invariants, knobs);
  } finally {
    once.free();
  }
}
