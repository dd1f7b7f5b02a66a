// Which view each strategy's column shows while a result is drawn in turns (see turns.ts), and which columns are on screen.
import { flushSync } from 'svelte';
import type { ColumnView } from '../column-view.svelte.ts';
import { painted, yieldToPage } from '../tasks.ts';
import { drawInTurns } from './turns.ts';

/**
 * A turn's budget, ms: a dozen long columns take 150–250 ms of CPU to draw at once; in turns of
 * this much, every task stays well under the 200 ms a reader feels as a freeze.
 */
export const TURN_BUDGET_MS = 50;

/** How turns are timed: the page's clock and frames unless a test gives its own. */
export interface TurnTiming {
  readonly now: () => number;
  readonly pause: () => Promise<void>;
  readonly yieldTask: () => Promise<void>;
  readonly budgetMs: number;
}

/** Where frames do not come (a frame or tab out of sight), a turn waits this long, ms, instead. */
const NO_FRAME_MS = 100;

const PAGE_TIMING: TurnTiming = {
  now: () => performance.now(),
  pause: () =>
    Promise.race([painted(), new Promise<void>((resolve) => setTimeout(resolve, NO_FRAME_MS))]),
  yieldTask: yieldToPage,
  budgetMs: TURN_BUDGET_MS,
};

export class ColumnDrawing {
  /**
   * What each strategy's column shows, by strategy id: the newest of its views drawn so far.
   * Until its turn comes, a column shows the previous result's view (dimmed with the figure),
   * or, for a strategy that result did not have, a placeholder.
   */
  shown: Readonly<Record<string, ColumnView>> = $state.raw({});
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
   * it first.
   */
  async draw(views: readonly ColumnView[], stale: () => boolean): Promise<boolean> {
    // Columns of strategies the result does not have are gone from the figure.
    this.shown = Object.fromEntries(
      Object.entries(this.shown).filter(([id]) => views.some((view) => view.id === id)),
    );
    return drawInTurns(views, {
      inView: (view) => this.#inView[view.id] === true,
      draw: (view) => {
        this.shown = { ...this.shown, [view.id]: view };
        flushSync();
      },
      stale,
      ...this.#timing,
    });
  }
}
