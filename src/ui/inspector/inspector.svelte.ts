// The inspector's state: the snapshot at the cursor and the console's last answer; the latest wins.
import type { RunOptions } from '../../engine/types.ts';
import type { InspectorClient, QueryAnswer, SnapshotView } from './query-client.ts';
import { changesOf, fileName, type TableChange } from './format.ts';

/** What the inspector looks at: a run, one of its strategies, a moment of its trace. */
export interface InspectorTarget {
  /** The page's run options as they are (`strategies` is ignored); plain data, not a proxy. */
  readonly options: RunOptions;
  readonly strategy: string;
  /** A trace event's seq; -1 before the first event; null for the end of the run. */
  readonly seq: number | null;
}

// The end of the run, as the engine takes it: a seq past the last event means the final state.
const END = Number.MAX_SAFE_INTEGER;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The same run: then a change between two snapshots is the run's doing, worth highlighting. */
function runKey(target: InspectorTarget): string {
  // The columns shown do not change the run of one strategy; JSON drops the undefined.
  return JSON.stringify([{ ...target.options, strategies: undefined }, target.strategy]);
}

export class InspectorModel {
  snapshot: SnapshotView | null = $state.raw(null);
  /** Per table, what changed since the previous cursor position of the same run. */
  changes: Readonly<Record<string, TableChange>> = $state.raw({});
  loading = $state(false);
  error: string | null = $state(null);

  answer: QueryAnswer | null = $state.raw(null);
  /** The SQL the answer is for: it runs again when the cursor moves, unless it failed. */
  answerSql: string | null = $state(null);
  querying = $state(false);

  readonly #client: InspectorClient;
  /** At most one snapshot in flight; a newer target waits here and replaces older waiting ones. */
  #waiting: InspectorTarget | null = null;
  #inFlight = false;
  #shownKey: string | null = null;
  #latestQuery = 0;

  constructor(client: InspectorClient) {
    this.#client = client;
  }

  /**
   * Shows `target`. While the worker computes one snapshot, further targets only replace each
   * other: scrubbing through a run costs one snapshot per answer, not one per position.
   */
  show(target: InspectorTarget): void {
    this.#waiting = target;
    if (!this.#inFlight) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#inFlight = true;
    this.loading = true;
    // Bounded: each turn takes the waiting target or ends; a new one arrives only from outside.
    for (let target = this.#waiting; target !== null; target = this.#waiting) {
      this.#waiting = null;
      try {
        const view = await this.#client.snapshot({
          ...target.options,
          strategy: target.strategy,
          seq: target.seq ?? END,
        });
        // A newer target is waiting: this answer is already stale; skip drawing it.
        if (this.#waiting !== null) continue;
        const key = runKey(target);
        const before = key === this.#shownKey ? this.snapshot : null;
        this.changes = Object.fromEntries(
          Object.entries(view.tables).map(([name, table]) => [
            name,
            changesOf(before?.tables[name], table),
          ]),
        );
        this.#shownKey = key;
        this.snapshot = view;
        this.error = null;
        // The console's last query follows the cursor; one that failed or overran never runs
        // again by itself, only when the reader asks.
        if (this.answerSql !== null && this.answer !== null && !('error' in this.answer))
          void this.query(this.answerSql);
      } catch (error) {
        if (this.#waiting !== null) continue;
        this.snapshot = null;
        this.changes = {};
        this.#shownKey = null;
        this.error = messageOf(error);
      }
    }
    this.#inFlight = false;
    this.loading = false;
  }

  /** Runs read-only SQL on the snapshot shown; only the latest query's answer is kept. */
  async query(sql: string): Promise<void> {
    const id = ++this.#latestQuery;
    this.querying = true;
    let answer: QueryAnswer;
    try {
      answer = await this.#client.query(sql);
    } catch (error) {
      answer = { error: messageOf(error), snapshot: null };
    }
    if (id !== this.#latestQuery) return;
    this.answer = answer;
    this.answerSql = sql;
    this.querying = false;
  }

  /** The snapshot's file and the name to save it under, or an error in words. */
  async download(): Promise<{ readonly bytes: Uint8Array; readonly name: string }> {
    const shown = this.snapshot;
    if (!shown || this.loading) throw new Error('Wait for the snapshot to load, then download it.');
    const bytes = await this.#client.download();
    return { bytes, name: fileName(shown) };
  }
}
