// The diagram's windowing: the extent index against a plain scan, row ranges, windows, and a real run's window.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { layoutDiagram } from '../../src/ui/diagram/layout.ts';
import {
  ExtentIndex,
  PAGE,
  indexDiagram,
  rowRange,
  shapeExtent,
  windowOf,
  type Band,
} from '../../src/ui/diagram/window.ts';
import { loadEngine } from '../support/engine.ts';

const meets = (a: Band, b: Band) => a.top < b.bottom && a.bottom > b.top;

const band = fc
  .tuple(fc.integer({ min: -50, max: 5000 }), fc.integer({ min: 0, max: 3000 }))
  .map(([top, length]) => ({ top, bottom: top + length }));

describe('ExtentIndex', () => {
  test('finds exactly the items a plain scan finds, in their own order', () => {
    fc.assert(
      fc.property(fc.array(band, { maxLength: 300 }), band, (items, query) => {
        const index = new ExtentIndex(items, (b) => b);
        expect(index.query(query)).toEqual(items.filter((item) => meets(item, query)));
      }),
    );
  });

  test('a limit keeps the first items by their own order', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ top: 100 - i, bottom: 200 + i }));
    const index = new ExtentIndex(items, (b) => b);
    expect(index.query({ top: 150, bottom: 160 }, 7)).toEqual(items.slice(0, 7));
    expect(index.query({ top: 0, bottom: 20 })).toEqual([]);
    expect(new ExtentIndex([], (b: Band) => b).query({ top: 0, bottom: 10 })).toEqual([]);
  });
});

describe('windows and row ranges', () => {
  test('a window covers the viewport plus a page each side, snapped to pages, inside the drawing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 200_000 }),
        (scrollTop, view, height) => {
          const w = windowOf(scrollTop, view, height);
          expect(w.top % PAGE).toBe(0);
          expect(w.top).toBeLessThanOrEqual(Math.max(0, scrollTop - PAGE));
          expect(w.bottom).toBeGreaterThanOrEqual(Math.min(height, scrollTop + view + PAGE));
          expect(w.bottom).toBeLessThanOrEqual(height);
          expect(w.bottom - w.top).toBeLessThanOrEqual(view + 4 * PAGE);
        },
      ),
    );
  });

  test('rowRange picks exactly the rows whose band meets the window', () => {
    const rowHeight = 26;
    const rows = Array.from({ length: 400 }, (_, i) => ({
      seq: i,
      kind: 'x',
      at: i,
      y: 27 + i * rowHeight + (i > 100 ? 22 : 0),
      time: null,
      text: '',
    }));
    fc.assert(
      fc.property(band, (w) => {
        const { from, to } = rowRange(rows, rowHeight, w);
        const hit = rows
          .map((r, i) => ({ i, b: { top: r.y - rowHeight / 2, bottom: r.y + rowHeight / 2 } }))
          .filter(({ b }) => meets(b, w))
          .map(({ i }) => i);
        expect(Array.from({ length: to - from }, (_, k) => from + k)).toEqual(hit);
      }),
    );
  });
});

test('a long run draws a bounded window, and every shape it draws there is one that meets it', async () => {
  const engine = await loadEngine();
  const result = engine.run({
    scenario: 'payment-lost-response',
    seed: 3,
    knobs: { payments: 40 },
    strategies: ['naive'],
  });
  const diagram = layoutDiagram(result.runs[0]!.trace);
  expect(diagram.rows.length).toBeGreaterThan(500);
  const windows = indexDiagram(diagram);
  const w = windowOf(diagram.height / 2, 700, diagram.height);
  const shapes = windows.shapes.query(w);
  expect(shapes).toEqual(diagram.shapes.filter((s) => meets(shapeExtent(s, diagram.rowHeight), w)));
  const { from, to } = rowRange(diagram.rows, diagram.rowHeight, w);
  expect(to - from).toBeGreaterThan(0);
  expect(to - from).toBeLessThan(diagram.rows.length / 4);
  expect(shapes.length).toBeLessThan(diagram.shapes.length / 4);
});

test('maxRows draws the first events as the whole layout would, and counts the rest', async () => {
  const engine = await loadEngine();
  const result = engine.run({ scenario: 'retry-amplification', strategies: ['naive'] });
  const trace = result.runs[0]!.trace;
  const full = layoutDiagram(trace);
  const cut = layoutDiagram(trace, { maxRows: 40 });
  expect(full.undrawn).toBe(0);
  expect(full.rows.length).toBeGreaterThan(40);
  expect(cut.rows).toHaveLength(40);
  expect(cut.undrawn).toBe(full.rows.length - 40);
  const place = (d: typeof full) => d.rows.slice(0, 40).map((r) => [r.seq, r.y, r.time]);
  expect(place(cut)).toEqual(place(full));
  // The text alternative still speaks of the whole run.
  expect(cut.summary).toBe(full.summary);
  const last = cut.rows.at(-1)!.seq;
  for (const shape of cut.shapes) expect(shape.seq).toBeLessThanOrEqual(last);
});
