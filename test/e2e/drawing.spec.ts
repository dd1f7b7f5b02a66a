// A column's first drawing, frame by frame: part by part top to bottom, its first rows a few a frame, and what a closed disclosure holds drawn when it opens.
import type { Page } from '@playwright/test';
import { column, expect, open, test } from './support.ts';

/** What one column shows at one frame. */
interface Seen {
  readonly head: boolean;
  readonly diagram: boolean;
  readonly key: boolean;
  readonly counters: boolean;
  readonly invariants: boolean;
  readonly rows: number;
}

/** Records, at every animation frame from the first, what the naive column shows (when it changed). */
async function watchNaive(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { twiceSeen: unknown[] };
    w.twiceSeen = [];
    let last = '';
    const look = () => {
      const col = document.querySelector('article[data-strategy="naive"]');
      if (col) {
        const seen = {
          head: col.querySelector('.verdict') !== null,
          diagram: col.querySelector('[role="listbox"]') !== null,
          key: col.querySelector('figcaption') !== null,
          counters: col.querySelector('[data-effect]') !== null,
          invariants: col.querySelector('[data-invariant]') !== null,
          rows: col.querySelectorAll('[role="option"]').length,
        };
        const now = JSON.stringify(seen);
        if (now !== last && w.twiceSeen.length < 1_000) w.twiceSeen.push(seen);
        last = now;
      }
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
}

test('a new column comes part by part, top to bottom, and its first rows a few a frame', async ({
  page,
}) => {
  await watchNaive(page);
  await open(page);
  const naive = column(page, 'naive');
  await expect(naive.locator('[data-invariant]').first()).toBeAttached();
  const seen = await page.evaluate(() => (window as unknown as { twiceSeen: Seen[] }).twiceSeen);
  const parts = (s: Seen) => [s.head, s.diagram, s.key, s.counters, s.invariants];
  // The parts come in order: no frame shows a part without every part above it.
  for (const s of seen) {
    const shown = parts(s);
    expect(shown.slice(0, shown.lastIndexOf(true) + 1).every(Boolean), JSON.stringify(s)).toBe(
      true,
    );
  }
  // The column grew over several frames, not in one task (a turn draws parts until it has spent
  // its budget, so two cheap parts may share a frame).
  const last = new Set(seen.map((s) => parts(s).lastIndexOf(true)));
  expect([...last].length, JSON.stringify(seen)).toBeGreaterThanOrEqual(3);
  expect(seen.at(-1)?.invariants).toBe(true);
  // The diagram's first window grew a few rows a frame (four, and the keyboard's row), to all.
  const rows = seen.map((s) => s.rows);
  for (let i = 1; i < rows.length; i++)
    expect(rows[i]! - rows[i - 1]!, `rows ${rows.join(' → ')}`).toBeLessThanOrEqual(5);
  expect(new Set(rows.filter((n) => n > 1)).size).toBeGreaterThan(2);
  const all = Number(await naive.getByRole('option').first().getAttribute('aria-setsize'));
  expect(all).toBeGreaterThan(10);
  await expect(naive.getByRole('option')).toHaveCount(all);
});

test('what a closed disclosure holds is drawn when it opens', async ({ page }) => {
  await open(page);
  const naive = column(page, 'naive');
  await expect(naive.locator('[data-invariant]').first()).toBeAttached();
  // Two broken invariants are listed; the nine that hold wait behind their disclosure.
  await expect(naive.locator('[data-invariant]')).toHaveCount(2);
  await expect(naive.locator('pre')).toHaveCount(0);
  await naive.getByText('9 more hold').click();
  await expect(naive.locator('[data-invariant]')).toHaveCount(11);
  await expect(naive.locator('[data-invariant][data-holds="true"]').first()).toBeVisible();
  await naive.getByText('SQL', { exact: true }).first().click();
  await expect(naive.locator('pre')).toHaveCount(1);
  await expect(naive.locator('pre')).toContainText('SELECT');
  // Closed again, what was drawn stays: reopening costs nothing.
  await naive.getByText('SQL', { exact: true }).first().click();
  await expect(naive.locator('pre')).toHaveCount(1);
  await expect(naive.locator('pre')).toBeHidden();
});
