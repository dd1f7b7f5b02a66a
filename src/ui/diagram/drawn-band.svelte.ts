// Which stretch of a sequence diagram is drawn: nothing while it is far off screen, the viewport's window once near, and the first window a few rows a frame.
import { painted } from '../tasks.ts';
import type { Diagram } from './types.ts';
import { windowOf, type Band } from './window.ts';

/**
 * A figure's first window comes this many rows a frame: a screenful of rows and shapes drawn
 * at once cost a phone a long task (about 150 ms). Later windows (a scroll, a new run) come whole.
 */
const FIRST_ROWS_PER_FRAME = 4;

/** What the band follows, read afresh (the component's props and scroll state). */
export interface BandSource {
  readonly diagram: () => Diagram;
  /** The scroll viewport; the band is empty while it is far off screen (when lazy). */
  readonly box: () => HTMLElement | undefined;
  /** False where the figure is small and always read (the embed): always near. */
  readonly lazy: () => boolean;
  /** The viewport's top, px from the drawing's top, and its height. */
  readonly top: () => number;
  readonly height: () => number;
}

export class DrawnBand {
  readonly #source: BandSource;
  /** Whether the box is within half a screen of the viewport (IntersectionObserver). */
  #seen = $state(typeof IntersectionObserver !== 'function');
  /** How far down the window the first drawing has come, px; Infinity once it came whole. */
  #reach = $state(0);

  /** A column far off screen (a dozen strategies stack far down a page) draws no window at all. */
  readonly near: boolean = $derived.by(() => !this.#source.lazy() || this.#seen);
  /** The window the viewport needs (windowOf: snapped to pages, so most scrolls redraw nothing). */
  readonly #full: Band = $derived.by(() =>
    this.near
      ? windowOf(this.#source.top(), this.#source.height(), this.#source.diagram().height)
      : { top: 0, bottom: 0 },
  );
  /** What is drawn: the window, or as much of the first one as has come. */
  readonly band: Band = $derived.by(() => {
    const full = this.#full;
    return full.bottom - full.top <= this.#reach
      ? full
      : { top: full.top, bottom: full.top + this.#reach };
  });

  /** Call while a component initialises (it sets up effects). */
  constructor(source: BandSource) {
    this.#source = source;
    $effect(() => {
      const box = source.box();
      if (!box || !source.lazy() || typeof IntersectionObserver !== 'function') return;
      const observer = new IntersectionObserver(
        (entries) => {
          for (const entry of entries) this.#seen = entry.isIntersecting;
        },
        { rootMargin: '50% 0px' },
      );
      observer.observe(box);
      return () => observer.disconnect();
    });
    // The first window, a few rows a frame: each step is drawn in a task of its own after a paint.
    $effect(() => {
      const full = this.#full;
      if (this.#reach === Infinity || full.bottom === full.top) return;
      if (full.bottom - full.top <= this.#reach) {
        this.#reach = Infinity;
        return;
      }
      let live = true;
      void painted().then(() => {
        if (live) this.#reach += FIRST_ROWS_PER_FRAME * source.diagram().rowHeight;
      });
      return () => {
        live = false;
      };
    });
  }
}
