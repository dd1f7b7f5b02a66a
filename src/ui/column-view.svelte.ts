// ColumnView: everything one strategy's column draws — the run shaped once (column, diagram,
// narrator, causal chains) and what the shared cursor shows of it (its event, effects so far).
import type { TraceEvent } from '../sim/trace.ts';
import { effectsUpTo, indexEffects, type Column, type EffectIndex } from './columns.ts';
import { explainDivergence } from './diagram/divergence.ts';
import { layoutDiagram } from './diagram/layout.ts';
import { createNarrator } from './diagram/narrate.ts';
import type { Diagram } from './diagram/types.ts';
import type { Playback } from './playback.svelte.ts';
import { seqAt } from './timeline.ts';

/**
 * The diagram draws at most this many events. Layout costs about as much per event as the
 * page can spend in one task, so a run of 100,000 events (retry storms allow them) would hold
 * the page for seconds; no reader follows a figure that far, and the counters, verdicts and
 * narration still cover the whole run.
 */
export const MAX_DRAWN_ROWS = 5000;

/** What ColumnView.shape works out, piece by piece. */
interface Shaped {
  readonly diagram: Diagram;
  readonly narrate: (event: TraceEvent) => string;
  readonly chains: Readonly<Record<string, readonly number[]>>;
}

export class ColumnView {
  #playback: Playback;
  readonly column: Column;
  /** Laid out once per run; the cursor only moves the fog. */
  readonly diagram: Diagram;
  /** This run's events in sentences: the diagram rows, the chains and the live narration share it. */
  readonly narrate: (event: TraceEvent) => string;
  /** For each broken invariant, the chain of events that led to it, root first. */
  readonly chains: Readonly<Record<string, readonly number[]>>;
  /** The event where the strategies part ways in this column; null when they never do. */
  readonly divergenceSeq: number | null;
  /** Each effect's events, so counting at the cursor is a search, not a pass over the run. */
  readonly #effects: EffectIndex;

  /** This column's last event at the cursor (-1 before the first). */
  readonly seq: number = $derived.by(() => seqAt(this.#trace, this.#playback.cursorAt));
  /** The same, or null at the end of the run: nothing is fogged. */
  readonly cursor: number | null = $derived.by(() => (this.#playback.atEnd ? null : this.seq));
  /** Virtual time at the cursor; null at the end of the run. */
  readonly cursorAt: number | null = $derived.by(() =>
    this.#playback.atEnd ? null : this.#playback.cursorAt,
  );
  /** Effects counted up to the cursor. */
  readonly counts: Readonly<Record<string, number>> = $derived.by(() =>
    this.#playback.atEnd ? this.column.run.effects : effectsUpTo(this.#effects, this.seq),
  );

  constructor(column: Column, playback: Playback, divergenceSeq: number | null, parts: Shaped) {
    this.#playback = playback;
    this.column = column;
    this.divergenceSeq = divergenceSeq;
    this.#effects = indexEffects(column.run);
    this.diagram = parts.diagram;
    this.narrate = parts.narrate;
    this.chains = parts.chains;
  }

  /**
   * Shapes a run into its view one piece per task (the layout, the narrator, each broken
   * invariant's chain: each a pass over a trace that may hold 100,000 events), with `pause`
   * between them, so the page keeps drawing while a long run arrives.
   */
  static async shape(
    column: Column,
    playback: Playback,
    divergenceSeq: number | null,
    pause: () => Promise<void>,
  ): Promise<ColumnView> {
    const trace = column.run.trace;
    const diagram = layoutDiagram(trace, { maxRows: MAX_DRAWN_ROWS });
    await pause();
    const narrate = createNarrator(trace);
    const chains: Record<string, readonly number[]> = {};
    for (const inv of column.invariants.filter((i) => !i.holds)) {
      await pause();
      chains[inv.id] = explainDivergence({ trace, invariants: [inv] })?.chain ?? [];
    }
    return new ColumnView(column, playback, divergenceSeq, { diagram, narrate, chains });
  }

  get id(): string {
    return this.column.id;
  }

  get #trace(): readonly TraceEvent[] {
    return this.column.run.trace;
  }

  /** Moves the shared cursor to one of this column's events (a diagram row, a chain link). */
  select(seq: number): void {
    const event = this.#trace[seq];
    if (event) this.#playback.seekTime(event.at);
  }
}
