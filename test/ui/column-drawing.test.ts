// What each column shows while a result is drawn in turns: the previous result's view until its turn, the columns on screen first, and a newer result taking over.
import { describe, expect, test } from 'vitest';
import type { ColumnView } from '../../src/ui/column-view.svelte.ts';
import { ColumnDrawing } from '../../src/ui/column/drawing.svelte.ts';

/** A stand-in view: the drawing only reads a view's strategy id. */
const view = (id: string, run: number) => ({ id, run }) as unknown as ColumnView;
const runOf = (v: ColumnView | undefined) => (v as unknown as { run: number } | undefined)?.run;

/** One column a turn, and the page's frames (and yields) held until the test lets one through. */
function stepped() {
  const frames: (() => void)[] = [];
  const drawing = new ColumnDrawing({
    now: () => 0,
    pause: () => new Promise<void>((resolve) => frames.push(resolve)),
    yieldTask: () => new Promise<void>((resolve) => frames.push(resolve)),
    budgetMs: 0,
  });
  /** Lets the next frame through and waits for the turn after it. */
  const frame = async () => {
    frames.shift()?.();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  const shown = () =>
    Object.fromEntries(Object.entries(drawing.shown).map(([id, v]) => [id, runOf(v)] as const));
  return { drawing, frame, shown };
}

describe('the columns of a result drawn in turns', () => {
  test('each column shows the previous result until its turn; a strategy gone goes at once', async () => {
    const { drawing, frame, shown } = stepped();
    const first = drawing.draw([view('a', 1), view('b', 1)], () => false);
    await frame();
    expect(await first).toBe(true);
    expect(shown()).toEqual({ a: 1, b: 1 });

    const second = drawing.draw([view('a', 2), view('c', 2)], () => false);
    // The first turn: a is drawn anew, b is gone, c (new) waits with a placeholder.
    expect(shown()).toEqual({ a: 2 });
    await frame();
    expect(await second).toBe(true);
    expect(shown()).toEqual({ a: 2, c: 2 });
  });

  test('the columns on screen are drawn first', async () => {
    const { drawing, frame, shown } = stepped();
    drawing.setInView('c', true);
    const done = drawing.draw([view('a', 1), view('b', 1), view('c', 1)], () => false);
    expect(shown()).toEqual({ c: 1 });
    drawing.setInView('c', false);
    drawing.setInView('b', true);
    await frame();
    expect(shown()).toEqual({ b: 1, c: 1 });
    await frame();
    expect(await done).toBe(true);
    expect(shown()).toEqual({ a: 1, b: 1, c: 1 });
  });

  test('a newer result ends the drawing of an older one still in progress', async () => {
    const { drawing, frame, shown } = stepped();
    let latest = 1;
    const older = drawing.draw([view('a', 1), view('b', 1), view('c', 1)], () => latest !== 1);
    expect(shown()).toEqual({ a: 1 });
    latest = 2;
    const newer = drawing.draw([view('a', 2), view('b', 2)], () => latest !== 2);
    expect(shown()).toEqual({ a: 2 });
    // The older drawing's next turn finds itself stale and draws nothing more.
    await frame();
    expect(await older).toBe(false);
    expect(shown()).toEqual({ a: 2 });
    await frame();
    expect(await newer).toBe(true);
    expect(shown()).toEqual({ a: 2, b: 2 });
  });
});
