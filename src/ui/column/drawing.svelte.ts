// Which view each strategy's column shows, and how much of it, while a result is drawn in turns (see turns.ts); which columns are on screen.
import { flushSync } from 'svelte';
import type { ColumnView } from '../column-view.svelte.ts';
import { laidOut, painted, yieldToPage } from '../tasks.ts';
import { drawInTurns } from './turns.ts';

/**
 * A turn's budget, ms. A task over 50 ms is a long task: input waits for it. Lighthouse's phone
 * replays this machine's work four times slower, so any task here over 12.5 ms counts against
 * it. A part costs 2-20 ms here, so a turn goes on to a second part only after a cheap first
 * one: two parts in one task made most of the turns that counted. On a real phone the budget
 * is spent in the phone's own time. Each turn draws at least one part of a column (a column
 * new to the figure comes in COLUMN_PARTS parts) or one whole column redrawn.
 */
export const TURN_BUDGET_MS = 5;

/**
 * A column new to the figure is drawn in this many parts, top to bottom, a turn each
 * (StrategyColumn.svelte's `part`): its head, its diagram, the diagram's key, its counters,
 * its invariants. Drawn in one task, a column cost a phone about 400 ms the first time.
 */
export const COLUMN_PARTS = 5;
/** The part at which a column is whole. */
export const WHOLE = COLUMN_PARTS - 1;

/** What a column shows: a run's view, drawn down to a part (WHOLE once drawn whole). */
export interface Shown {
  readonly view: ColumnView;
  readonly part: number;
}

/** How turns are timed: the page's clock and frames unless a test gives its own. */
export interface TurnTiming {
  readonly now: () => number;
  readonly pause: () => Promise<void>;
  readonly yieldTask: () => Promise<void>;
  readonly settle: () => Promise<void>;
  readonly budgetMs: number;
}

/** Where frames do not come (a frame or tab out of sight), a turn waits this long, ms, instead. */
const NO_FRAME_MS = 100;

const PAGE_TIMING: TurnTiming = {
  now: () => performance.now(),
  pause: () =>
    Promise.race([painted(), new Promise<void>((resolve) => setTimeout(resolve, NO_FRAME_MS))]),
  yieldTask: yieldToPage,
  settle: async () => {
    await yieldToPage();
    laidOut();
  },
  budgetMs: TURN_BUDGET_MS,
};

export class ColumnDrawing {
  /**
   * What each strategy's column shows, by strategy id: the newest of its views drawn so far, and
   * down to which part. Until its turn comes, a column shows the previous result's view (dimmed
   * with the figure), or, for a strategy that result did not have, a placeholder.
   */
  shown: Readonly<Record<string, Shown>> = $state.raw({});
  /** Whether each strategy's column is on screen (told by the Columns component). */
  readonly #inView: Record<string, boolean> = {};
  readonly #timing: TurnTiming;

  constructor(timing: TurnTiming = PAGE_TIMING) {
    this.#timing = timing;
  }

  /** The Columns component tells which columns are on screen; they are drawn first. */
  setInView(id: string, visible: boolean): void {
    this.#inView[id] = visible;
  }

  /**
   * Draws a result's views in turns, those on screen first, each turn drawn synchronously (and
   * painted before the next while on screen); true once all are drawn, false when `stale` ended
   * it first. A column already drawn whole takes the new view in one turn (an update in place);
   * any other goes on from the part it shows (from its head when new), a part a turn.
   */
  async draw(views: readonly ColumnView[], stale: () => boolean): Promise<boolean> {
    // Columns of strategies the result does not have are gone from the figure.
    this.shown = Object.fromEntries(
      Object.entries(this.shown).filter(([id]) => views.some((view) => view.id === id)),
    );
    // Round by round across the columns (each column's next part, then the next, …): columns
    // side by side grow together, and each column's parts come top to bottom whichever is
    // picked first.
    const turns = views
      .flatMap((view) => {
        const from = this.shown[view.id]?.part ?? 0;
        return Array.from({ length: COLUMN_PARTS - from }, (_, round) => ({
          view,
          part: from + round,
          round,
        }));
      })
      .sort((a, b) => a.round - b.round);
    return drawInTurns(turns, {
      inView: ({ view }) => this.#inView[view.id] === true,
      draw: ({ view, part }) => {
        this.shown = { ...this.shown, [view.id]: { view, part } };
        flushSync();
      },
      stale,
      ...this.#timing,
    });
  }
}
