// The inspector's door: snapshots from the engine, SQL in the console's own worker under a time limit.
import * as Comlink from 'comlink';
import type { Snapshot, SnapshotOptions } from '../../engine/types.ts';
import type { QueryApi, QueryResult } from '../../worker/query.ts';
import { Supervisor, type WorkerLike } from '../supervisor.ts';

/** How long a query may run before its worker is ended; the console says so. */
export const QUERY_LIMIT_MS = 2_000;
/** Starting a worker includes fetching and compiling the wasm: generous, but bounded. */
const OPEN_LIMIT_MS = 20_000;

/** A snapshot as the page shows it: the tables and where they stand; the file stays here. */
export interface SnapshotView extends Omit<Snapshot, 'bytes'> {
  /** Which snapshot this is, counting on this page: query answers name the one they ran on. */
  readonly id: number;
  /** The database file's size in bytes. */
  readonly size: number;
}

export type QueryAnswer = QueryResult & {
  /** The snapshot the query ran against; null when there was none. */
  readonly snapshot: number | null;
};

/** What the inspector needs: a snapshot at the cursor, read-only SQL on it, its file. */
export interface InspectorClient {
  snapshot(options: SnapshotOptions): Promise<SnapshotView>;
  query(sql: string): Promise<QueryAnswer>;
  download(): Promise<Uint8Array>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Keeps the latest snapshot's file on the page and opens it in the console's worker only when a
 * query needs it. Queries run one at a time, each under QUERY_LIMIT_MS; the engine's worker never
 * waits on one, and a query that overruns costs only the console's worker, started again next time.
 */
export class QueryClient implements InspectorClient {
  readonly #snapshotOf: (options: SnapshotOptions) => Promise<Snapshot>;
  readonly #worker: Supervisor<QueryApi>;
  #current: { readonly view: SnapshotView; readonly bytes: Uint8Array } | null = null;
  #count = 0;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #limitMs: number;

  constructor(
    snapshotOf: (options: SnapshotOptions) => Promise<Snapshot>,
    spawn: () => WorkerLike,
    limitMs = QUERY_LIMIT_MS,
  ) {
    this.#snapshotOf = snapshotOf;
    this.#limitMs = limitMs;
    this.#worker = new Supervisor<QueryApi>(spawn, 'SQL console’s worker');
  }

  async snapshot(options: SnapshotOptions): Promise<SnapshotView> {
    let snapshot: Snapshot;
    try {
      snapshot = await this.#snapshotOf(options);
    } catch (error) {
      // Forget the old one: a query must not run against a snapshot the page no longer shows.
      this.#current = null;
      throw error;
    }
    const { bytes, ...rest } = snapshot;
    const view: SnapshotView = { ...rest, id: ++this.#count, size: bytes.length };
    this.#current = { view, bytes };
    return view;
  }

  /** One query at a time: a query waiting behind an endless one gets its own full time limit. */
  query(sql: string): Promise<QueryAnswer> {
    const answer = this.#queue.then(() => this.#run(sql));
    this.#queue = answer.catch(() => undefined);
    return answer;
  }

  async #run(sql: string): Promise<QueryAnswer> {
    const current = this.#current;
    if (!current)
      return { error: 'No snapshot yet: pick a moment of the run first.', snapshot: null };
    const id = current.view.id;
    const limit = {
      ms: this.#limitMs,
      message: `The query ran for ${this.#limitMs / 1000} s, the console’s limit, and was stopped. Nothing else waited on it.`,
    };
    try {
      let result = await this.#worker.call<QueryResult | null>(
        (remote) => remote.query(sql, id),
        limit,
      );
      if (result === null) {
        // The worker holds another snapshot, or none (it is new): one copy, handed over; the
        // page keeps its own for the download and for the next worker.
        const copy = current.bytes.slice();
        await this.#worker.call(
          (remote) => remote.open(id, Comlink.transfer(copy, [copy.buffer])),
          {
            ms: OPEN_LIMIT_MS,
            message: 'The SQL console could not start its worker; try the query again',
          },
        );
        result = await this.#worker.call<QueryResult | null>(
          (remote) => remote.query(sql, id),
          limit,
        );
      }
      if (result === null)
        throw new Error('The SQL console lost its snapshot; try the query again');
      return { ...result, snapshot: id };
    } catch (error) {
      return { error: messageOf(error), snapshot: id };
    }
  }

  /** The snapshot's file, a copy the caller may own. */
  async download(): Promise<Uint8Array> {
    if (!this.#current) throw new Error('No snapshot to download yet: pick a moment of the run.');
    return this.#current.bytes.slice();
  }
}
