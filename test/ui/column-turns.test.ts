// Drawing a result's columns in turns: those on screen first, each turn within its budget, and a newer result ends an older one's drawing.
import { describe, expect, test } from 'vitest';
import { drawInTurns, type Turns } from '../../src/ui/column/turns.ts';

/** A fake page: a clock that each draw advances by its item's cost, and turns as they happened. */
function page(costs: Record<string, number>, options: Partial<Turns<string>> = {}) {
  let clock = 0;
  const turns: string[][] = [[]];
  /** When each pause came (the clock), and whether it waited for a frame or only yielded. */
  const pauses: number[] = [];
  const kinds: ('frame' | 'yield' | 'settle')[] = [];
  const port: Turns<string> = {
    inView: () => false,
    draw: (item) => {
      clock += costs[item] ?? 0;
      turns.at(-1)?.push(item);
    },
    stale: () => false,
    now: () => clock,
    pause: async () => {
      pauses.push(clock);
      kinds.push('frame');
      turns.push([]);
    },
    yieldTask: async () => {
      pauses.push(clock);
      kinds.push('yield');
      turns.push([]);
    },
    settle: async () => {
      kinds.push('settle');
    },
    budgetMs: 50,
    ...options,
  };
  return { port, turns, pauses, kinds };
}

describe('drawing columns in turns', () => {
  test('cheap columns are all drawn in the first turn, in order, with no pause', async () => {
    const { port, turns, pauses } = page({ a: 5, b: 5, c: 5 });
    expect(await drawInTurns(['a', 'b', 'c'], port)).toBe(true);
    expect(turns).toEqual([['a', 'b', 'c']]);
    expect(pauses).toEqual([]);
  });

  test('a turn ends once it has spent its budget; the first is painted before the next', async () => {
    const costs = { a: 30, b: 30, c: 30, d: 30, e: 30 };
    const { port, turns, pauses, kinds } = page(costs);
    expect(await drawInTurns(['a', 'b', 'c', 'd', 'e'], port)).toBe(true);
    expect(turns).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(pauses).toEqual([60, 120]);
    // Nothing is on screen: after the first turn, turns only yield to the page, each laid out
    // in its own task (settled) first.
    expect(kinds).toEqual(['frame', 'settle', 'yield', 'settle']);
  });

  test('a turn that drew on screen, or before one that will, waits for a frame; off screen only yields', async () => {
    const visible = new Set(['c']);
    const costs = { a: 60, b: 60, c: 60, d: 60, e: 60 };
    const { port, turns, kinds } = page(costs, { inView: (item) => visible.has(item) });
    const done = drawInTurns(['a', 'b', 'c', 'd', 'e'], {
      ...port,
      // The reader scrolls to e once c is drawn.
      draw: (item) => {
        port.draw(item);
        if (item === 'c') visible.add('e');
      },
    });
    expect(await done).toBe(true);
    expect(turns).toEqual([['c'], ['e'], ['a'], ['b'], ['d']]);
    // After c (first), after e (drew on screen), then off screen: each of those laid out in its
    // own task before it yields, so their layout does not come due at once in the next frame.
    expect(kinds).toEqual(['frame', 'frame', 'settle', 'yield', 'settle', 'yield', 'settle']);
  });

  test('a column dearer than the budget still gets a turn of its own: drawing always progresses', async () => {
    const { port, turns } = page({ a: 500, b: 500, c: 10 });
    expect(await drawInTurns(['a', 'b', 'c'], port)).toBe(true);
    expect(turns).toEqual([['a'], ['b'], ['c']]);
  });

  test('the columns on screen are drawn first, then the rest in order', async () => {
    const visible = new Set(['d', 'e']);
    const costs = { a: 30, b: 30, c: 30, d: 30, e: 30 };
    const { port, turns } = page(costs, { inView: (item) => visible.has(item) });
    expect(await drawInTurns(['a', 'b', 'c', 'd', 'e'], port)).toBe(true);
    expect(turns).toEqual([['d', 'e'], ['a', 'b'], ['c']]);
  });

  test('what is on screen is asked afresh each pick: a reader who scrolls is followed', async () => {
    let visible = 'c';
    const drawn: string[] = [];
    const { port } = page(
      {},
      {
        inView: (item) => item === visible,
        // The reader scrolls on to d while c is drawn.
        draw: (item) => {
          drawn.push(item);
          if (item === 'c') visible = 'd';
        },
      },
    );
    await drawInTurns(['a', 'b', 'c', 'd'], port);
    expect(drawn).toEqual(['c', 'd', 'a', 'b']);
  });

  test('a newer result ends an older one’s drawing between turns; nothing more of it is drawn', async () => {
    let newer = false;
    const costs = { a: 60, b: 60, c: 60 };
    const { port, turns } = page(costs, {
      stale: () => newer,
      pause: async () => {
        newer = true;
        turns.push([]);
      },
    });
    expect(await drawInTurns(['a', 'b', 'c'], port)).toBe(false);
    expect(turns.flat()).toEqual(['a']);
  });

  test('a result already stale draws nothing', async () => {
    const { port, turns } = page({ a: 1 }, { stale: () => true });
    expect(await drawInTurns(['a'], port)).toBe(false);
    expect(turns.flat()).toEqual([]);
  });

  test('no columns: done at once', async () => {
    const { port } = page({});
    expect(await drawInTurns([], port)).toBe(true);
  });
});
