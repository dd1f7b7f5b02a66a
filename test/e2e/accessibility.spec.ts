// Accessible and polished: no serious axe violations (light, dark, narrow, with a violation and
// open panels), keyboard focus visible, no sideways scroll at 360 px, reduced motion honoured.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { engineInNode, expect, open, test } from './support.ts';

// Limits that catch a hang, not a loaded machine: a scan of the page with every panel and
// disclosure open took most of a minute on the shared 2-core machine.
test.describe.configure({ timeout: 180_000 });

async function serious(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

async function openEverything(page: Page): Promise<void> {
  await page.getByText('Knobs', { exact: true }).click();
  for (const summary of await page.locator('[data-strategy] summary').all()) await summary.click();
  // The panels below the first screen mount at the first interaction: axe must see them too.
  for (const panel of ['[data-panel="often"]', '[data-panel="explore"]', '#inspector-panel-title'])
    await expect(page.locator(panel)).toHaveCount(1);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`axe finds no serious or critical violation (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await open(page);
    await openEverything(page);
    expect(await serious(page)).toEqual([]);
    await page.keyboard.press('r');
    await expect(page.getByRole('slider', { name: 'Cursor' })).toHaveValue('0');
    expect(await serious(page)).toEqual([]);
  });
}

test('at 360 px wide no story scrolls sideways, and the page passes axe', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  for (const story of (await engineInNode()).scenarios()) {
    await open(page, `#scenario=${story.id}`);
    await expect(page.getByRole('heading', { level: 2, name: story.title })).toBeVisible();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, story.id).toBeLessThanOrEqual(360);
  }
  await open(page, '#scenario=webhook-duplicates');
  await openEverything(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  expect(await serious(page)).toEqual([]);
});

test('every control is reachable by keyboard, with a visible focus ring', async ({ page }) => {
  await open(page);
  const seen = new Set<string>();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      // The diagram's listbox rings its keyboard row rather than the whole figure.
      const row = el.parentElement?.querySelector('.active');
      const rowRing =
        el.getAttribute('role') === 'listbox' && row && getComputedStyle(row).display !== 'none';
      return {
        name: el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30) ?? el.tagName,
        ring: ring || style.boxShadow !== 'none' || Boolean(rowRing),
      };
    });
    if (!focus) continue;
    expect(focus.ring, `focus ring on ${focus.name}`).toBe(true);
    seen.add(focus.name);
  }
  for (const name of ['Random seed', 'Play', 'Step back', 'Copy link'])
    expect([...seen]).toContain(name);
});

test('with reduced motion, nothing transitions', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await open(page);
  const durations = await page.evaluate(() =>
    [...document.querySelectorAll('*')].map((el) =>
      parseFloat(getComputedStyle(el).transitionDuration),
    ),
  );
  expect(Math.max(...durations)).toBeLessThan(0.001);
});
