// Polls a condition the page's state reaches asynchronously (bounded: about 10 s), then asserts it.
import { expect } from 'vitest';

export async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}
