// ColumnView: everything one strategy's column draws — the run as the engine worker shaped it
// (column, diagram, causal chains, indexes) and what the shared cursor shows of it.
import type { ShapedRun } from '../worker/packed.ts';
import { effectsUpTo, type Column, type EffectIndex } from './columns.ts';
import type { Diagram, Row } from './diagram/types.ts';
import type { Playback } from './playback.svelte.ts';
import { lastAtOrBefore } from './timeline.ts';

/** Asks the worker what happens in this column at a virtual time; null once a newer run replaced this one. */
export type FarNarration = (at: number) => Promise<readonly string[] | null>;

/** The drawn rows at virtual time `at`, or null when the drawing may not hold all of them. */
function rowsAt(diagram: Diagram, at: number): Row[] | null {
  const rows = diagram.rows;
  const last = rows.at(-1);
  // Past the drawn rows, or at the last drawn moment of a cut drawing: the worker knows.
  if (diagram.undrawn > 0 && (last === undefined || at >= last.at)) return null;
  const end = lastAtOrBefore(rows, (row) => row.at, at);
  const found: Row[] = [];
  for (let i = end; i >= 0; i--) {
    const row = rows[i];
    if (!row || row.at !== at) break;
    found.push(row);
  }
  return found.reverse();
}

export class ColumnView {
  #playback: Playback;
  #far: FarNarration;
  readonly column: Column;
  /** Laid out once per run, in the worker; the cursor only moves the fog. */
  readonly diagram: Diagram;
  /** For each broken invariant, the chain of events that led to it, root first, in words. */
  readonly chains: ShapedRun['chains'];
  /** The event where the strategies part ways in this column; null when they never do. */
  readonly divergenceSeq: number | null;
  /** Each event's virtual time by seq, so the cursor's event is a binary search. */
  readonly #times: Float64Array;
  /** Each effect's events, so counting at the cursor is a search, not a pass over the run. */
  readonly #effects: EffectIndex;
  /** The narration the worker gave for a moment past the drawn rows, by virtual time. */
  #heard: { at: number; said: readonly string[] } | null = $state.raw(null);
  /** The moment last asked about, so one moment is asked once. */
  #asked: number | null = null;

  /** This column's last event at the cursor (-1 before the first). */
  readonly seq: number = $derived.by(() =>
    lastAtOrBefore(this.#times, (at) => at, this.#playback.cursorAt),
  );
  /** The same, or null at the end of the run: nothing is fogged. */
  readonly cursor: number | null = $derived.by(() => (this.#playback.atEnd ? null : this.seq));
  /** Virtual time at the cursor; null at the end of the run. */
  readonly cursorAt: number | null = $derived.by(() =>
    this.#playback.atEnd ? null : this.#playback.cursorAt,
  );
  /** Effects counted up to the cursor. */
  readonly counts: Readonly<Record<string, number>> = $derived.by(() =>
    this.#playback.atEnd ? this.column.totals : effectsUpTo(this.#effects, this.seq),
  );
  /**
   * What happens in this column at the cursor, one sentence per event: the drawn rows' words,
   * or, past them, the worker's (asked once per moment; empty until it answers).
   */
  readonly said: readonly string[] = $derived.by(() => {
    const at = this.#playback.cursorAt;
    const rows = rowsAt(this.diagram, at);
    if (rows) return rows.map((row) => row.text);
    const heard = this.#heard;
    if (heard?.at === at) return heard.said;
    // Asked outside this derivation: state may not change while it is being read.
    queueMicrotask(() => void this.#hear(at));
    return [];
  });

  constructor(shaped: ShapedRun, playback: Playback, far: FarNarration) {
    this.#playback = playback;
    this.#far = far;
    this.column = shaped.column;
    this.diagram = shaped.diagram;
    this.chains = shaped.chains;
    this.divergenceSeq = shaped.divergenceSeq;
    this.#times = shaped.times;
    this.#effects = shaped.effects;
  }

  get id(): string {
    return this.column.id;
  }

  /** Virtual time of one of this column's events (undefined past its end). */
  timeOf(seq: number): number | undefined {
    return seq >= 0 && seq < this.#times.length ? this.#times[seq] : undefined;
  }

  /** Moves the shared cursor to one of this column's events (a diagram row, a chain link). */
  select(seq: number): void {
    const at = this.timeOf(seq);
    if (at !== undefined) this.#playback.seekTime(at);
  }

  async #hear(at: number): Promise<void> {
    if (this.#heard?.at === at || this.#asked === at) return;
    this.#asked = at;
    const said = await this.#far(at).catch(() => null);
    if (this.#asked === at) this.#asked = null;
    // Only the moment still at the cursor is kept: a fast scrub asks for many and shows the last.
    if (said !== null && this.#playback.cursorAt === at) this.#heard = { at, said };
  }
}
