// Windowing for the sequence diagram: which rows, shapes and breaks meet the scroll viewport, in O(log n + k).
import { lastAtOrBefore } from '../timeline.ts';
import type { Diagram, Row, Shape, TimeBreak } from './types.ts';

/** A vertical stretch of the drawing, px from its top: [top, bottom). */
export interface Band {
  readonly top: number;
  readonly bottom: number;
}

/** The window snaps to multiples of this, so scrolling redraws only when it crosses one. */
export const PAGE = 384;

/**
 * The stretch to draw for a viewport at `scrollTop` of height `viewHeight`: the viewport plus
 * one page above and below, snapped to pages, inside the drawing. Before the viewport has a
 * size it draws one screenful from the top.
 */
export function windowOf(scrollTop: number, viewHeight: number, height: number): Band {
  const view = viewHeight > 0 ? viewHeight : 800;
  const snapped = Math.max(0, Math.floor((scrollTop - PAGE) / PAGE) * PAGE);
  const top = Math.min(snapped, Math.floor(height / PAGE) * PAGE);
  const bottom = Math.min(height, Math.ceil((scrollTop + view + PAGE) / PAGE) * PAGE);
  return { top, bottom: Math.max(top, bottom) };
}

/** The rows [from, to) whose band meets `band`; rows are in y order, each rowHeight tall. */
export function rowRange(
  rows: readonly Row[],
  rowHeight: number,
  band: Band,
): { from: number; to: number } {
  const half = rowHeight / 2;
  const from = lastAtOrBefore(rows, (r) => r.y + half, band.top) + 1;
  const to = lastAtOrBefore(rows, (r) => r.y - half, band.bottom - 1) + 1;
  return { from, to: Math.max(from, to) };
}

/**
 * Items with a vertical extent, indexed once so that those meeting a band are found without a
 * scan: sorted by top, with a max-of-bottom tree over that order (a static interval tree).
 */
export class ExtentIndex<T> {
  readonly #items: readonly T[];
  /** Item indexes, by top. */
  readonly #order: Int32Array;
  readonly #tops: Float64Array;
  /** Segment tree over #order: each node holds the largest bottom below it. */
  readonly #maxBottom: Float64Array;
  readonly #leaves: number;

  constructor(items: readonly T[], extent: (item: T) => Band) {
    this.#items = items;
    const bands = items.map(extent);
    const order = Int32Array.from(items.keys()).sort(
      (a, b) => (bands[a]?.top ?? 0) - (bands[b]?.top ?? 0),
    );
    this.#order = order;
    this.#tops = Float64Array.from(order, (i) => bands[i]?.top ?? 0);
    let leaves = 1;
    while (leaves < items.length) leaves *= 2;
    this.#leaves = leaves;
    const tree = new Float64Array(2 * leaves).fill(-Infinity);
    order.forEach((item, k) => (tree[leaves + k] = bands[item]?.bottom ?? 0));
    for (let node = leaves - 1; node >= 1; node--)
      tree[node] = Math.max(tree[2 * node] ?? -Infinity, tree[2 * node + 1] ?? -Infinity);
    this.#maxBottom = tree;
  }

  get size(): number {
    return this.#items.length;
  }

  /**
   * The items whose extent meets `band`, in their original order, at most `limit` of them (the
   * first by that order): the DOM stays bounded even where a run crowds one screen.
   */
  query(band: Band, limit = Infinity): T[] {
    // Only items that start before the band ends can meet it: a prefix of #order.
    let lo = 0;
    let hi = this.#tops.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#tops[mid] ?? 0) < band.bottom) lo = mid + 1;
      else hi = mid;
    }
    const prefix = lo;
    const found: number[] = [];
    // Depth-first over the tree, skipping every subtree that ends above the band; the stack
    // holds (node, first leaf, end leaf) triples, at most 3 × 2 × depth numbers.
    const stack = [1, 0, this.#leaves];
    while (stack.length > 0) {
      const to = stack.pop() ?? 0;
      const from = stack.pop() ?? 0;
      const node = stack.pop() ?? 1;
      if (from >= prefix || (this.#maxBottom[node] ?? -Infinity) <= band.top) continue;
      if (node >= this.#leaves) {
        const item = this.#order[from];
        if (item !== undefined) found.push(item);
        continue;
      }
      const mid = (from + to) >>> 1;
      stack.push(2 * node + 1, mid, to, 2 * node, from, mid);
    }
    found.sort((a, b) => a - b);
    const out: T[] = [];
    for (const i of found.slice(0, limit)) {
      const item = this.#items[i];
      if (item !== undefined) out.push(item);
    }
    return out;
  }
}

/** The vertical extent a shape draws in, labels included (they sit a few px off their anchor). */
export function shapeExtent(shape: Shape, rowHeight: number): Band {
  switch (shape.type) {
    case 'message':
      return {
        top: Math.min(shape.y1, shape.y2) - rowHeight,
        bottom: Math.max(shape.y1, shape.y2) + rowHeight,
      };
    case 'span':
      return { top: Math.min(shape.y1, shape.y2), bottom: Math.max(shape.y1, shape.y2) + 1 };
    case 'mark':
    case 'rule':
      return { top: shape.y - rowHeight, bottom: shape.y + rowHeight };
  }
}

/** A diagram's indexes for drawing a window of it, built once per diagram. */
export interface DiagramWindows {
  readonly shapes: ExtentIndex<Shape>;
  readonly breaks: ExtentIndex<TimeBreak>;
}

export function indexDiagram(diagram: Diagram): DiagramWindows {
  return {
    shapes: new ExtentIndex(diagram.shapes, (s) => shapeExtent(s, diagram.rowHeight)),
    breaks: new ExtentIndex(diagram.breaks, (b) => ({ top: b.y, bottom: b.y + b.height })),
  };
}
