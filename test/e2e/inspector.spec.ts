// The inspector follows the cursor exactly, its SQL console answers and refuses writes, and the
// database at the cursor downloads as a real SQLite file.
import { readFile } from 'node:fs/promises';
import { expect, open, scrubber, test } from './support.ts';

const LINK = '#scenario=payment-lost-response&seed=12&strategies=naive,idempotency-key&faults=1';

test('step and step back change the inspector’s tables, exactly', async ({ page }) => {
  await open(page, LINK);
  const inspector = page.locator('section.inspector');
  await expect(inspector.getByRole('combobox', { name: 'Strategy' })).toHaveValue('naive');
  const orders = inspector.locator('[data-table="orders"] tbody tr');
  await expect(orders).toHaveCount(2);
  await page.keyboard.press('r');
  // The first moment already has events: the inspector shows the state after them.
  await expect(inspector.locator('.where')).toContainText('After event #');
  await expect(inspector.locator('[data-table="orders"]')).toHaveCount(0);
  // Step until the first order is committed; one more step back hides it again.
  const max = Number(await scrubber(page).getAttribute('max'));
  let step = 0;
  for (; step < max && (await orders.count()) === 0; step++) {
    await page.keyboard.press('ArrowRight');
    await expect(scrubber(page)).toHaveValue(String(step + 1));
    await expect(inspector.locator('.where')).toContainText('After event');
    await page.waitForFunction(
      () => !document.querySelector('section.inspector [aria-busy="true"]'),
    );
  }
  await expect(orders).toHaveCount(1);
  await expect(inspector.locator('tr[data-changed]')).toHaveCount(1);
  await page.keyboard.press('ArrowLeft');
  await expect(inspector.locator('[data-table="orders"]')).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(orders).toHaveCount(1);
});

test('the SQL console answers reads, refuses writes, shows errors inline', async ({ page }) => {
  await open(page, LINK);
  const sql = page.getByRole('textbox', { name: 'SQL query' });
  const run = page.locator('section.inspector').getByRole('button', { name: 'Run', exact: true });
  await sql.fill('SELECT count(*) AS n FROM orders');
  await run.click();
  await expect(page.getByRole('region', { name: /Query result/ })).toContainText('2');

  await sql.fill('DELETE FROM orders');
  await sql.press('Control+Enter');
  await expect(page.getByRole('alert')).toContainText('read-only');
  await sql.fill('SELECT count(*) AS n FROM orders');
  await run.click();
  await expect(page.getByRole('region', { name: /Query result/ })).toContainText('2');

  await sql.fill('SELEC nonsense');
  await run.click();
  await expect(page.getByRole('alert')).toContainText('syntax error');
  // Typing in the console never drives playback.
  await sql.fill('r ');
  await expect(scrubber(page)).toHaveValue((await scrubber(page).getAttribute('max')) ?? '');
});

test('the database at the cursor downloads as a .sqlite file', async ({ page }) => {
  await open(page, `${LINK}&t=20`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download .sqlite' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(
    /^twice-payment-lost-response-naive-seed12-t\d+\.sqlite$/,
  );
  const bytes = await readFile((await download.path())!);
  expect(bytes.subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
});
