// Drawing a result's columns in turns: those on screen first, a turn ends once it has spent its budget, and a newer result ends the rest.

export interface Turns<T> {
  /** Whether an item is on screen now; asked afresh for every pick. */
  readonly inView: (item: T) => boolean;
  /** Draws one item, synchronously (the DOM holds it when this returns). */
  readonly draw: (item: T) => void;
  /** True once a newer result replaced these items: what is left is not drawn. */
  readonly stale: () => boolean;
  /** A clock in ms (performance.now on the page). */
  readonly now: () => number;
  /** Lets the page paint (the next frame) and take input between two turns. */
  readonly pause: () => Promise<void>;
  /** Lets the page take input between two turns, without waiting for a frame. */
  readonly yieldTask: () => Promise<void>;
  /**
   * Lays out what a turn drew, in a task of its own right after the turn's. A turn off screen
   * does not wait for a frame, so left to the next one, the layout of a run of such turns came
   * due in one long task; done inside the turn's task, the drawing and its layout made one task
   * as long as both.
   */
  readonly settle: () => Promise<void>;
  /** A turn draws items until it has spent this long (it always draws at least one). */
  readonly budgetMs: number;
}

/**
 * Draws every item, one turn per task: each turn draws the items in view first, then the rest
 * in order, until it has spent its budget. The first turn and every turn that drew something
 * on screen is painted before the next; turns off screen are laid out in a task of their own and
 * only yield (what they draw is not seen, so they need not wait for frames). Resolves true
 * once all are drawn, false when a newer result made these stale (checked before every turn).
 */
export async function drawInTurns<T>(items: readonly T[], turns: Turns<T>): Promise<boolean> {
  const left = [...items];
  // The first turn is painted whatever it drew: then what is on screen is known (and shown).
  let seen = true;
  // Each pass of the loop draws at least one item: at most items.length passes.
  for (let turn = 0; left.length > 0 && turn < items.length; turn++) {
    if (turn > 0) await (seen || left.some(turns.inView) ? turns.pause() : turns.yieldTask());
    if (turns.stale()) return false;
    const start = turns.now();
    seen = turn === 0;
    do {
      const next = left.findIndex((item) => turns.inView(item));
      const [item] = left.splice(Math.max(0, next), 1);
      if (item !== undefined) turns.draw(item);
      if (next >= 0) seen = true;
    } while (left.length > 0 && turns.now() - start < turns.budgetMs);
    // A turn on screen is laid out in the frame it waits for; one off screen, in the next task.
    if (!seen) await turns.settle();
  }
  return left.length === 0;
}
