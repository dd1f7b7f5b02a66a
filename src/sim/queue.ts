// EventQueue: a bounded binary min-heap of scheduled events, ordered by (at, seq).
//
// Heaps are not stable, so every push gets a monotonic `seq`: two events due at the same virtual
// millisecond run in the order they were scheduled, in Node and in every browser.

export interface Scheduled<E> {
  readonly at: number;
  readonly seq: number;
  readonly event: E;
}

function before<E>(a: Scheduled<E>, b: Scheduled<E>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class EventQueue<E> {
  readonly capacity: number;
  #heap: Scheduled<E>[] = [];
  #seq = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity ${capacity} must be a positive integer`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.#heap.length;
  }

  /** Schedules `event` at integer virtual time `at`. Returns false, scheduling nothing, when full. */
  push(at: number, event: E): boolean {
    if (!Number.isInteger(at))
      throw new RangeError(`event time ${at} must be an integer number of ms`);
    if (this.#heap.length >= this.capacity) return false;
    const heap = this.#heap;
    const item: Scheduled<E> = { at, seq: this.#seq++, event };
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Scheduled<E>;
      if (!before(item, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
    return true;
  }

  /** The earliest event, left in place, or undefined when empty. */
  peek(): Scheduled<E> | undefined {
    return this.#heap[0];
  }

  /** Removes and returns the earliest event, or undefined when empty. */
  pop(): Scheduled<E> | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const l = heap[left] as Scheduled<E>;
      const r = heap[right];
      const child = r !== undefined && before(r, l) ? right : left;
      const c = heap[child] as Scheduled<E>;
      if (!before(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
