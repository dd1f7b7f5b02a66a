// The first screen: at 1280 × 800 and 390 × 844 the story's verdicts are in view without
// scrolling and every story is one click away; "Embed this" gives both snippets and a live preview.
import { SCENARIO, engineInNode, expect, open, test } from './support.ts';

for (const [width, height] of [
  [1280, 800],
  [390, 844],
] as const) {
  test(`at ${width} × ${height} the verdicts are above the fold`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await open(page);
    for (const [id, verdict] of [
      ['naive', 'violated'],
      ['idempotency-key', 'ok'],
    ] as const) {
      const line = page.locator(`[data-verdict-of="${id}"]`);
      await expect(line).toHaveAttribute('data-verdict', verdict);
      await expect(line).toBeInViewport({ ratio: 1 });
    }
    if (width === 1280)
      for (const id of ['naive', 'idempotency-key'])
        await expect(page.locator(`[data-strategy="${id}"] .verdict`)).toBeInViewport();
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await page.screenshot({ path: `test-results/first-screen-${width}.png` });
    // Every story stays one click (or Tab + Enter) away.
    const stories = page.getByRole('navigation', { name: 'Stories' }).getByRole('link');
    await expect(stories).toHaveCount(13);
    await stories.last().focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#scenario=key-lifecycle&/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      width,
    );
  });
}

test('Embed this shows both snippets for the current state, with a live preview', async ({
  page,
  baseURL,
}) => {
  await open(page, `#scenario=${SCENARIO}&seed=7`);
  await page.getByRole('button', { name: 'Embed this' }).click();
  const dialog = page.getByRole('dialog', { name: 'Embed this experiment' });
  await expect(dialog).toBeVisible();
  const hash = `#scenario=${SCENARIO}&seed=7&strategies=naive,idempotency-key&faults=1`;
  await expect(dialog.locator('[data-snippet="iframe"]')).toHaveValue(
    `<iframe src="${baseURL}?embed=1${hash.replace(/&/g, '&amp;')}" title="Twice: The lost response" width="700" height="500" loading="lazy" style="width: 100%; max-width: 700px; border: 0"></iframe>`,
  );
  await expect(dialog.locator('[data-snippet="element"]')).toHaveValue(
    `<script src="${baseURL}embed.js" async></script>\n<twice-demo scenario="${SCENARIO}" seed="7" strategies="naive,idempotency-key" faults="1"></twice-demo>`,
  );
  await dialog.getByRole('radio', { name: 'Dark' }).check();
  await expect(dialog.locator('[data-snippet="element"]')).toHaveValue(/ theme="dark"/);
  const preview = page.frameLocator('[data-embed-preview]');
  await expect(preview.locator('body')).toHaveAttribute('data-ready', 'true');
  const seven = (await engineInNode()).run({ scenario: SCENARIO, seed: 7 });
  await expect(preview.locator('[data-strategy="naive"]')).toHaveAttribute(
    'data-trace-hash',
    seven.runs[0]?.traceHash ?? '',
  );
  await expect(preview.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('7');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await dialog.getByRole('button', { name: 'Copy' }).first().click();
  await expect(dialog.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('<twice-demo ');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});
