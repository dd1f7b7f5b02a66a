// Saved experiments in the real IndexedDB: save → reload → open restores the same run, other tabs
// hear of saves, rename and delete with undo, export, and imports that refuse with reasons.
import type { Page } from '@playwright/test';
import { SCENARIO, expect, open, scrubber, test } from './support.ts';

const STORY = '#scenario=webhook-duplicates&seed=5&faults=1';

async function traceHashes(page: Page): Promise<string[]> {
  return page
    .locator('[data-strategy]')
    .evaluateAll((cols) => cols.map((c) => c.getAttribute('data-trace-hash') ?? ''));
}

const myExperiments = (page: Page) => page.getByRole('button', { name: /^My experiments/ });

async function save(page: Page): Promise<void> {
  await page.locator('[data-action="save"]').click();
  await expect(page.getByText(/^Saved “/)).toBeVisible();
}

test('save → reload → open restores the same run and cursor', async ({ page }) => {
  await open(page, STORY);
  await page.keyboard.press('r');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const hashes = await traceHashes(page);
  const cursor = await scrubber(page).inputValue();
  expect(cursor).toBe('2');
  await save(page);

  await page.goto(`./#scenario=${SCENARIO}`);
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(myExperiments(page)).toHaveText('My experiments (1)');
  await myExperiments(page).click();
  const item = page.locator('[data-experiment]');
  await expect(item).toHaveCount(1);
  await expect(item.getByRole('textbox', { name: 'Title' })).toHaveValue(/, seed 5$/);
  await item.getByRole('link', { name: 'Open' }).click();
  await expect(page).toHaveURL(/scenario=webhook-duplicates&seed=5&/);
  await expect.poll(() => traceHashes(page)).toEqual(hashes);
  await expect(scrubber(page)).toHaveValue(cursor);
});

test('another open tab sees a new save without a reload', async ({ page, context }) => {
  await open(page);
  const other = await context.newPage();
  await open(other, STORY);
  await expect(myExperiments(other)).toHaveText('My experiments (0)');
  await save(page);
  await expect(myExperiments(other)).toHaveText('My experiments (1)');
  await myExperiments(other).click();
  await expect(other.locator('[data-experiment] input')).toHaveValue(/The lost response/);
});

test('rename, note, delete with undo; export holds every save', async ({ page }) => {
  await open(page);
  await save(page);
  const item = page.locator('[data-experiment]');
  await item.getByRole('textbox', { name: 'Title' }).fill('Two charges');
  await item.getByRole('textbox', { name: 'Title' }).press('Enter');
  await item.getByRole('textbox', { name: /Note/ }).fill('the retry after the lost answer');
  await item.getByRole('textbox', { name: /Note/ }).blur();
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await myExperiments(page).click();
  await expect(item.getByRole('textbox', { name: 'Title' })).toHaveValue('Two charges');
  await expect(item.getByRole('textbox', { name: /Note/ })).toHaveValue(
    'the retry after the lost answer',
  );

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export all (JSON)' }).click(),
  ]);
  const file = JSON.parse(
    Buffer.concat(await (await download.createReadStream()).toArray()).toString('utf8'),
  ) as { format: string; version: number; experiments: { title: string; appVersion: string }[] };
  expect(file).toMatchObject({ format: 'twice-experiments', version: 1 });
  expect(file.experiments.map((e) => e.title)).toEqual(['Two charges']);
  expect(file.experiments[0]?.appVersion).toMatch(/^\d+\.\d+\.\d+$/);

  await item.getByRole('button', { name: 'Delete “Two charges”' }).click();
  await expect(item).toHaveCount(0);
  await expect(myExperiments(page)).toHaveText('My experiments (0)');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(item.getByRole('textbox', { name: 'Title' })).toHaveValue('Two charges');
});

test('a malformed import is refused with reasons; the valid entries and existing saves stay', async ({
  page,
}) => {
  await open(page);
  await save(page);
  const input = page.locator('input[type=file][data-action="import"]');
  const valid = {
    id: 'imported-1',
    title: 'From a friend',
    note: '',
    scenario: 'put-vs-post',
    seed: 3,
    strategies: ['naive'],
    faults: true,
    knobs: {},
    t: null,
    createdAt: 1,
    updatedAt: 1,
    appVersion: '0.1.0',
  };
  const file = {
    format: 'twice-experiments',
    version: 1,
    exportedAt: 1,
    experiments: [valid, { ...valid, id: 'x', title: 'Nowhere', scenario: 'no-such-story' }],
  };
  await input.setInputFiles({
    name: 'mixed.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(file)),
  });
  await expect(page.locator('[data-import-error]')).toHaveText(
    'Entry 2 (“Nowhere”): there is no story “no-such-story”.',
  );
  await expect(page.getByText('Imported 1; refused 1.')).toBeVisible();
  await expect(page.locator('[data-experiment]')).toHaveCount(2);

  await input.setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"experiments": ['),
  });
  await expect(page.locator('[data-import-error]')).toHaveText(
    'The file was refused: it is not JSON.',
  );
  await expect(page.locator('[data-experiment]')).toHaveCount(2);
  const titles = await page
    .locator('[data-experiment] input[aria-label="Title"]')
    .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
  expect(titles).toEqual([expect.stringMatching(/^The lost response/), 'From a friend']);
});
