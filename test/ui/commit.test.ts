// Typed values run only when committed: an invalid value never, a valid prefix overtaken by typing never, Enter and blur at once.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { SETTLE_MS, committer } from '../../src/ui/panels/commit.ts';
import { seedEntry } from '../../src/ui/panels/seed-entry.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A committer and what it committed. */
function field() {
  const committed: string[] = [];
  return { committed, field: committer((text) => committed.push(text)) };
}

/** Types `text` one keystroke at a time, `gapMs` between keys, as an input event per key. */
function typeOut(
  f: ReturnType<typeof committer>,
  text: string,
  gapMs: number,
  valid: (t: string) => boolean,
) {
  for (let i = 1; i <= text.length; i++) {
    const prefix = text.slice(0, i);
    f.typed(prefix, valid(prefix));
    vi.advanceTimersByTime(gapMs);
  }
}

const whole = (text: string) => /^\d{1,2}$/.test(text);

describe('committer', () => {
  test('an invalid value never commits, however long the wait', () => {
    const { committed, field: f } = field();
    f.typed('1e1', false);
    vi.advanceTimersByTime(SETTLE_MS * 1000);
    expect(committed).toEqual([]);
    // Nor does it by Enter or blur.
    f.now('1e1', false);
    vi.runAllTimers();
    expect(committed).toEqual([]);
  });

  test('a valid value becomes invalid: what was pending is cancelled, and nothing ever commits', () => {
    const { committed, field: f } = field();
    f.typed('10', true);
    vi.advanceTimersByTime(SETTLE_MS - 1);
    f.typed('100', false);
    vi.advanceTimersByTime(SETTLE_MS * 10);
    expect(committed).toEqual([]);
  });

  test('a valid prefix overtaken by more typing never commits; the value typing rests on does, once', () => {
    const { committed, field: f } = field();
    // "4" then "42", each keystroke inside the pause: only "42" commits, after the pause.
    typeOut(f, '42', SETTLE_MS - 1, whole);
    expect(committed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(committed).toEqual(['42']);
    vi.advanceTimersByTime(SETTLE_MS * 10);
    expect(committed).toEqual(['42']);
  });

  test('Enter or blur commits at once, and cancels the pending pause', () => {
    const { committed, field: f } = field();
    f.typed('7', true);
    f.now('7', true);
    expect(committed).toEqual(['7']);
    vi.advanceTimersByTime(SETTLE_MS * 10);
    expect(committed).toEqual(['7']);
  });

  test('cancel drops what was pending (the field went away)', () => {
    const { committed, field: f } = field();
    f.typed('7', true);
    f.cancel();
    vi.advanceTimersByTime(SETTLE_MS * 10);
    expect(committed).toEqual([]);
  });
});

describe('seedEntry', () => {
  test('typing 1000000 runs no prefix: the valid ones are overtaken, the invalid says so at once', () => {
    const entered: string[] = [];
    const seed = seedEntry((text) => entered.push(text));
    for (const prefix of ['1', '10', '100', '1000', '10000', '100000', '1000000']) {
      seed.type(prefix, false);
      vi.advanceTimersByTime(SETTLE_MS / 2);
    }
    // Every prefix is a valid seed; only the last, once typing rests, reaches the playground.
    expect(entered).toEqual([]);
    vi.advanceTimersByTime(SETTLE_MS);
    expect(entered).toEqual(['1000000']);

    // An invalid seed is handed over at once (the playground says why and runs nothing), and a
    // valid value pending before it never commits.
    entered.length = 0;
    seed.type('12', false);
    seed.type('12x', false);
    expect(entered).toEqual(['12x']);
    vi.advanceTimersByTime(SETTLE_MS * 10);
    expect(entered).toEqual(['12x']);
    seed.type('12', true);
    expect(entered).toEqual(['12x', '12']);
    seed.cancel();
  });
});
