// What each column shows while a result is drawn in turns: the previous result's view until its turn, a new column part by part, the columns on screen first, and a newer result taking over.
import { describe, expect, test } from 'vitest';
import type { ColumnView } from '../../src/ui/column-view.svelte.ts';
import { COLUMN_PARTS, ColumnDrawing, WHOLE } from '../../src/ui/column/drawing.svelte.ts';

/** A stand-in view: the drawing only reads a view's strategy id. */
const view = (id: string, run: number) => ({ id, run }) as unknown as ColumnView;
const runOf = (v: ColumnView) => (v as unknown as { run: number }).run;

/** One part a turn, and the page's frames (and yields) held until the test lets one through. */
function stepped() {
  const held: (() => void)[] = [];
  const drawing = new ColumnDrawing({
    now: () => 0,
    pause: () => new Promise<void>((resolve) => held.push(resolve)),
    yieldTask: () => new Promise<void>((resolve) => held.push(resolve)),
    settle: async () => {},
    budgetMs: 0,
  });
  /** Lets the next frame through and waits for the turn after it. */
  const frame = async () => {
    held.shift()?.();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  /** Lets `n` frames through. */
  const frames = async (n: number) => {
    for (let i = 0; i < n; i++) await frame();
  };
  /** Each column as "run/part". */
  const shown = () =>
    Object.fromEntries(
      Object.entries(drawing.shown).map(([id, s]) => [id, `${runOf(s.view)}/${s.part}`] as const),
    );
  return { drawing, frame, frames, shown };
}

describe('the columns of a result drawn in turns', () => {
  test('a column new to the figure comes a part a turn, top to bottom', async () => {
    const { drawing, frame, shown } = stepped();
    const done = drawing.draw([view('a', 1)], () => false);
    const seen = [shown().a];
    for (let part = 1; part < COLUMN_PARTS; part++) {
      await frame();
      seen.push(shown().a);
    }
    expect(await done).toBe(true);
    expect(seen).toEqual(Array.from({ length: COLUMN_PARTS }, (_, part) => `1/${part}`));
    expect(COLUMN_PARTS).toBeGreaterThan(1);
  });

  test('each column shows the previous result until its turn; one drawn whole takes the new run in one turn; a strategy gone goes at once', async () => {
    const { drawing, frames, shown } = stepped();
    const first = drawing.draw([view('a', 1), view('b', 1)], () => false);
    await frames(2 * COLUMN_PARTS - 1);
    expect(await first).toBe(true);
    expect(shown()).toEqual({ a: `1/${WHOLE}`, b: `1/${WHOLE}` });

    const second = drawing.draw([view('a', 2), view('c', 2)], () => false);
    // The first turn: a (whole) takes run 2 whole, b is gone, c (new) waits with a placeholder.
    expect(shown()).toEqual({ a: `2/${WHOLE}` });
    await frames(1);
    expect(shown()).toEqual({ a: `2/${WHOLE}`, c: '2/0' });
    await frames(COLUMN_PARTS - 1);
    expect(await second).toBe(true);
    expect(shown()).toEqual({ a: `2/${WHOLE}`, c: `2/${WHOLE}` });
  });

  test('the columns on screen are drawn first', async () => {
    const { drawing, frame, frames, shown } = stepped();
    drawing.setInView('c', true);
    const done = drawing.draw([view('a', 1), view('b', 1), view('c', 1)], () => false);
    expect(shown()).toEqual({ c: '1/0' });
    drawing.setInView('c', false);
    drawing.setInView('b', true);
    await frame();
    // c went off screen after its head: b, now on screen, goes first.
    expect(shown()).toEqual({ b: '1/0', c: '1/0' });
    await frames(COLUMN_PARTS - 1);
    expect(shown()).toEqual({ b: `1/${WHOLE}`, c: '1/0' });
    await frames(2 * COLUMN_PARTS - 1);
    expect(await done).toBe(true);
    expect(shown()).toEqual({ a: `1/${WHOLE}`, b: `1/${WHOLE}`, c: `1/${WHOLE}` });
  });

  test('columns side by side grow together, part by part', async () => {
    const { drawing, frame, shown } = stepped();
    drawing.setInView('a', true);
    drawing.setInView('b', true);
    const done = drawing.draw([view('a', 1), view('b', 1)], () => false);
    expect(shown()).toEqual({ a: '1/0' });
    await frame();
    expect(shown()).toEqual({ a: '1/0', b: '1/0' });
    await frame();
    expect(shown()).toEqual({ a: '1/1', b: '1/0' });
    await frame();
    expect(shown()).toEqual({ a: '1/1', b: '1/1' });
    for (let i = 0; i < 2 * COLUMN_PARTS - 4; i++) await frame();
    expect(await done).toBe(true);
    expect(shown()).toEqual({ a: `1/${WHOLE}`, b: `1/${WHOLE}` });
  });

  test('a newer result ends the drawing of an older one still in progress, and goes on from the part each column shows', async () => {
    const { drawing, frame, shown } = stepped();
    let latest = 1;
    const older = drawing.draw([view('a', 1)], () => latest !== 1);
    await frame();
    expect(shown()).toEqual({ a: '1/1' });
    latest = 2;
    const newer = drawing.draw([view('a', 2), view('b', 2)], () => latest !== 2);
    // a goes on from its part 1 with the newer run: its head is not drawn again.
    expect(shown()).toEqual({ a: '2/1' });
    // The older drawing's next turn finds itself stale and draws nothing more.
    await frame();
    expect(await older).toBe(false);
    expect(shown()).toEqual({ a: '2/1' });
    await frame();
    expect(shown()).toEqual({ a: '2/1', b: '2/0' });
    // The rest: a's parts 2 to the last, b's 1 to the last, one a turn.
    for (let i = 0; i < WHOLE - 1 + WHOLE; i++) await frame();
    expect(await newer).toBe(true);
    expect(shown()).toEqual({ a: `2/${WHOLE}`, b: `2/${WHOLE}` });
  });
});
