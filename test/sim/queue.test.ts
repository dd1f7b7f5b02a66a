// EventQueue: (at, seq) order, stability for equal times, and its bound.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { EventQueue } from '../../src/sim/queue.ts';

function drain<E>(queue: EventQueue<E>): E[] {
  const out: E[] = [];
  for (let item = queue.pop(); item; item = queue.pop()) out.push(item.event);
  return out;
}

describe('EventQueue', () => {
  test('pops the earliest event first', () => {
    const queue = new EventQueue<string>(10);
    queue.push(30, 'c');
    queue.push(10, 'a');
    queue.push(20, 'b');
    expect(drain(queue)).toEqual(['a', 'b', 'c']);
  });

  test('events due at the same time leave in the order they were scheduled', () => {
    const queue = new EventQueue<number>(100);
    for (let i = 0; i < 50; i++) queue.push(5, i);
    expect(drain(queue)).toEqual([...Array(50).keys()]);
  });

  test('pop order is the stable sort by time, for any schedule', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const queue = new EventQueue<number>(1000);
        times.forEach((at, i) => queue.push(at, i));
        const expected = times
          .map((at, i) => ({ at, i }))
          .sort((x, y) => x.at - y.at || x.i - y.i)
          .map((x) => x.i);
        expect(drain(queue)).toEqual(expected);
      }),
    );
  });

  test('refuses to grow past its capacity', () => {
    const queue = new EventQueue<number>(2);
    expect(queue.push(1, 1)).toBe(true);
    expect(queue.push(2, 2)).toBe(true);
    expect(queue.push(3, 3)).toBe(false);
    expect(queue.size).toBe(2);
  });

  test('rejects fractional times: virtual time is integer milliseconds', () => {
    expect(() => new EventQueue<number>(2).push(1.5, 1)).toThrow(/integer/);
  });
});
