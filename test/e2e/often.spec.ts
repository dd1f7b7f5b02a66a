// End-to-end: "How often?" — a batch over the worker pool agrees with Node, a failing seed opens at its
// divergence, a sweep draws a line per strategy, cancel keeps a partial result, and the panel passes axe.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { divergenceAt } from '../../src/ui/diagram/divergence.ts';
import { ticksOf } from '../../src/ui/timeline.ts';
import { SCENARIO, engineInNode, expect, reach, scrubber, test } from './support.ts';

const panel = (page: Page) => page.locator('[data-panel="often"]');
const STRATEGIES = ['naive', 'idempotency-key'];
const SWEEP =
  '#scenario=payment-lost-response&seeds=100&sweep=responseLoss&sweep.from=0&sweep.to=0.5&sweep.steps=3';

// Batches are real work on a shared machine: give them room (nothing here asserts a time).
test.describe.configure({ timeout: 300_000 });

/** support.ts's open(), with room for a first run on a busy machine (workers of the last test may still be winding down). */
async function open(page: Page, hash = ''): Promise<void> {
  await page.goto(`./${hash}`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
  await reach(page, 'often');
}

test('1,000 seeds: naive breaks in some, the key store in none, as Node counts; a failing seed opens at its divergence', async ({
  page,
}) => {
  // The page's own requests (the service worker precaches every chunk, this one included).
  const charts: string[] = [];
  page.on('request', (request) => {
    if (!request.serviceWorker() && /\/charts-[\w-]+\.js$/.test(request.url()))
      charts.push(request.url());
  });
  await open(page);
  // The chart chunk is not part of the first screen.
  expect(charts).toEqual([]);
  const often = panel(page);
  await expect(often.getByRole('radio', { name: '1,000' })).toBeChecked();
  await often.getByRole('button', { name: 'Run 1,000 seeds' }).click();
  const bar = often.getByRole('progressbar', { name: 'Batch progress' });
  await expect(bar).toHaveAttribute('aria-valuemax', '1000');
  await expect(bar).toHaveAttribute('aria-valuetext', /of 1,000 seeds$/);
  await expect(often.locator('[data-often-result]')).toBeVisible({ timeout: 240_000 });
  await expect(bar).toHaveCount(0);

  const node = await (
    await engineInNode()
  ).batch({ scenario: SCENARIO, strategies: STRATEGIES, seeds: { from: 0, count: 1000 } });
  const [naive, keyed] = node.strategies;
  expect(naive?.violated).toBeGreaterThan(0);
  expect(keyed?.violated).toBe(0);
  const naiveCard = often.locator('[data-often-strategy="naive"]');
  const keyedCard = often.locator('[data-often-strategy="idempotency-key"]');
  await expect(naiveCard).toHaveAttribute('data-verdict', 'violated');
  await expect(naiveCard).toContainText(`${naive?.violated} of 1,000 runs broke an invariant`);
  await expect(keyedCard).toHaveAttribute('data-verdict', 'ok');
  await expect(keyedCard.locator('.big')).toHaveText(/^0 % of runs broke an invariant$/);
  await expect(keyedCard).toContainText(
    '0 of 1,000 runs broke an invariant: 0 % (95 % interval 0 %',
  );
  // Each broken invariant with Node's count, and a histogram per effect.
  for (const inv of naive?.invariants.filter((i) => i.broken > 0) ?? [])
    await expect(naiveCard.locator(`[data-invariant="${inv.id}"]`)).toContainText(
      `${inv.broken.toLocaleString('en')} runs`,
    );
  await expect(naiveCard.locator('[data-effect-histogram] svg[role="img"]').first()).toBeVisible();
  expect(charts).toHaveLength(1);

  // The first failing seed opens side by side, the cursor where the columns part ways.
  const seed = Math.min(...(naive?.invariants.flatMap((i) => i.seeds) ?? []));
  await naiveCard.locator(`[data-failing-seed="${seed}"]`).click();
  const run = (await engineInNode()).run({ scenario: SCENARIO, seed, strategies: STRATEGIES });
  const traces = run.runs.map((r) => r.trace);
  const at = divergenceAt(traces);
  expect(at).not.toBeNull();
  const tick = ticksOf(traces).indexOf(at ?? -1);
  expect(tick).toBeGreaterThan(0);
  await expect(page).toHaveURL(new RegExp(`seed=${seed}&.*t=${tick}(&|$)`));
  await expect(scrubber(page)).toHaveValue(String(tick));
  await expect(page.locator('[data-strategy="naive"]')).toHaveAttribute(
    'data-trace-hash',
    run.runs[0]?.traceHash ?? '',
  );
  // The batch's result stays on screen for the next seed.
  await expect(naiveCard).toBeVisible();
});

test('a sweep of response loss from 0 to 0.5 draws both lines, and its table holds Node’s numbers', async ({
  page,
}) => {
  await open(page, SWEEP);
  const often = panel(page);
  // The link's sweep is on the controls.
  await expect(often.getByRole('combobox', { name: 'Knob' })).toHaveValue('responseLoss');
  await expect(often.getByRole('textbox', { name: 'To' })).toHaveValue('0.5');
  await expect(often.getByRole('radio', { name: '100', exact: true })).toBeChecked();
  await often.getByRole('button', { name: 'Run sweep' }).click();
  await expect(often.getByRole('progressbar', { name: 'Sweep progress' })).toHaveAttribute(
    'aria-valuemax',
    '300',
  );
  const result = often.locator('[data-sweep-result]');
  await expect(result).toBeVisible({ timeout: 240_000 });
  await expect(result).toHaveAttribute('data-partial', 'false');
  for (const id of STRATEGIES)
    await expect(result.locator(`[data-strategy-line="${id}"] path.line`)).toHaveAttribute(
      'd',
      /^M.+L.+L.+$/,
    );
  // Every parameter that shapes the chart is written on it.
  await expect(result.locator('[data-sweep-settings]')).toContainText(
    '100 seeds per point (seeds 0 to 99) · faults on · every other knob at its default',
  );

  const sweep = await (
    await engineInNode()
  ).sweep({
    scenario: SCENARIO,
    strategies: STRATEGIES,
    seeds: { from: 0, count: 100 },
    knob: 'responseLoss',
    values: [0, 0.25, 0.5],
  });
  await result.getByText('Table of these numbers').click();
  const rows = result.locator('[data-sweep-table] tbody tr');
  await expect(rows).toHaveCount(3);
  for (const [i, point] of sweep.points.entries())
    for (const [j, s] of point.strategies.entries())
      await expect(rows.nth(i).locator('td').nth(j)).toContainText(`${s.violated} of ${s.runs}`);
  const last = sweep.points[2]?.strategies[0];
  expect(last?.violated).toBeGreaterThan(0);

  // Keyboard: the chart is a slider over the values; each stop reads every line's exact value.
  const chart = result.getByRole('slider', { name: /Violation rate by Response loss/ });
  await chart.focus();
  await page.keyboard.press('End');
  await expect(chart).toHaveAttribute(
    'aria-valuetext',
    new RegExp(`^Response loss 50 %: .*${last?.violated} of 100 runs`),
  );
  await expect(result.locator('[data-sweep-tip]')).toContainText('Response loss 50 %');
  // Hover: the pointer over the first value shows it too.
  await chart.blur();
  const box = await chart.boundingBox();
  if (!box) throw new Error('the chart has no box');
  await page.mouse.move(box.x + 60, box.y + box.height / 2);
  await expect(result.locator('[data-sweep-tip]')).toContainText('Response loss 0 %');

  // A point leads to its failing seeds: Enter on the chart's last value lists them per strategy,
  // and one opens side by side with the knob at that value, at the first divergence.
  await chart.focus();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  const title = often.locator('#sweep-point-title');
  await expect(title).toBeFocused();
  await expect(title).toHaveText(/^Failing seeds at Response loss\s+50 %$/);
  const seeds = sweep.points[2]?.strategies[0]?.invariants.flatMap((i) => i.seeds) ?? [];
  const seed = Math.min(...seeds);
  const naiveSeeds = often.locator('[data-sweep-point-strategy="naive"] [data-failing-seed]');
  await expect(naiveSeeds.first()).toHaveAttribute('data-failing-seed', String(seed));
  await expect(often.locator('[data-sweep-point-strategy="idempotency-key"]')).toContainText(
    'no run broke an invariant',
  );
  await naiveSeeds.first().click();
  const run = (await engineInNode()).run({
    scenario: SCENARIO,
    seed,
    strategies: STRATEGIES,
    knobs: { responseLoss: 0.5 },
  });
  expect(run.runs[0]?.invariants.some((i) => !i.holds)).toBe(true);
  const traces = run.runs.map((r) => r.trace);
  const tick = ticksOf(traces).indexOf(divergenceAt(traces) ?? -1);
  expect(tick).toBeGreaterThan(0);
  await expect(page).toHaveURL(
    new RegExp(`seed=${seed}&.*k\\.responseLoss=0\\.5.*&t=${tick}(&|$)`),
  );
  await expect(scrubber(page)).toHaveValue(String(tick));
  await expect(page.locator('[data-strategy="naive"]')).toHaveAttribute(
    'data-trace-hash',
    run.runs[0]?.traceHash ?? '',
  );
});

test('cancel stops the batch and shows what ran, marked partial', async ({ page }) => {
  await open(page);
  const often = panel(page);
  await often.getByRole('radio', { name: '10,000' }).check();
  await expect(page).toHaveURL(/seeds=10000/);
  await often.getByRole('button', { name: 'Run 10,000 seeds' }).click();
  const bar = often.getByRole('progressbar', { name: 'Batch progress' });
  await expect(bar).not.toHaveAttribute('aria-valuenow', '0', { timeout: 120_000 });
  // By keyboard: Cancel goes away with the run, and focus must not fall to <body>.
  await often.getByRole('button', { name: 'Cancel' }).focus();
  await page.keyboard.press('Enter');
  const result = often.locator('[data-often-result]');
  await expect(result).toHaveAttribute('data-partial', 'true');
  await expect(often.getByRole('button', { name: 'Run 10,000 seeds' })).toBeFocused();
  // The live region says it was cancelled.
  await expect(often.getByRole('status').filter({ hasText: /^Cancelled: / })).toHaveText(
    /^Cancelled: [\d,]+ seeds ran; the result below is partial\.$/,
  );
  await expect(result).toContainText('Partial result.');
  await expect(bar).toHaveCount(0);
  const status = await often.locator('[data-often-status]').textContent();
  const ran = Number(/Cancelled: ([\d,]+) seeds ran/.exec(status ?? '')?.[1]?.replace(/,/g, ''));
  expect(ran).toBeGreaterThan(0);
  expect(ran).toBeLessThan(10_000);
  // Every strategy counted the same seeds, and the key store broke in none of them.
  for (const id of STRATEGIES)
    await expect(often.locator(`[data-often-strategy="${id}"]`)).toContainText(
      ` of ${ran.toLocaleString('en')} runs broke an invariant`,
    );
  await expect(often.locator('[data-often-strategy="idempotency-key"]')).toHaveAttribute(
    'data-verdict',
    'ok',
  );

  // A sweep cancelled by keyboard: focus lands on Run sweep, and the live region says so.
  await often.getByRole('button', { name: 'Run sweep' }).click();
  const sweepBar = often.getByRole('progressbar', { name: 'Sweep progress' });
  await expect(sweepBar).not.toHaveAttribute('aria-valuenow', '0', { timeout: 120_000 });
  await often.getByRole('button', { name: 'Cancel' }).focus();
  await page.keyboard.press('Enter');
  await expect(often.locator('[data-sweep-result]')).toHaveAttribute('data-partial', 'true');
  await expect(often.getByRole('button', { name: 'Run sweep' })).toBeFocused();
  await expect(often.getByRole('status').filter({ hasText: /^Cancelled: / })).toHaveText(
    /^Cancelled: the sweep ran \d+ of \d+ values; the chart below is partial\.$/,
  );
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(false);
});

test('a first seed: refused unless it is one, kept in the link, and the batch runs from it as Node counts', async ({
  page,
}) => {
  await open(page, '#scenario=payment-lost-response&seeds=100');
  const often = panel(page);
  const first = often.getByRole('textbox', { name: 'from seed' });
  await expect(first).toHaveValue('0');
  await first.fill('5e2');
  await first.press('Enter');
  await expect(first).toHaveAttribute('aria-invalid', 'true');
  await expect(often.locator('#often-seeds-help')).toHaveText(
    'A batch of 100 seeds starts at a whole number from 0 to 4294967196.',
  );
  // Nothing changed: not the link, not what Run runs.
  await expect(page).not.toHaveURL(/seeds\.from/);
  await expect(often.getByRole('button', { name: 'Run 100 seeds', exact: true })).toBeEnabled();
  await first.fill('500');
  await first.press('Enter');
  await expect(first).toHaveAttribute('aria-invalid', 'false');
  await expect(page).toHaveURL(/&seeds=100&seeds\.from=500(&|$)/);
  await expect(often.locator('#often-seeds-help')).toContainText(
    'seeds 500 to 599 of The lost response',
  );
  await often.getByRole('button', { name: 'Run 100 seeds from 500' }).click();
  const result = often.locator('[data-often-result]');
  await expect(result).toBeVisible({ timeout: 120_000 });
  await expect(result).toContainText('100 seeds (seeds 500 to 599)');
  await expect(result.locator('[data-often-cli]')).toHaveText(
    'npm run batch -- payment-lost-response --seeds 100 --from 500 --strategies naive,idempotency-key',
  );
  const node = await (
    await engineInNode()
  ).batch({ scenario: SCENARIO, strategies: STRATEGIES, seeds: { from: 500, count: 100 } });
  const naive = node.strategies[0];
  expect(naive?.violated).toBeGreaterThan(0);
  const naiveCard = often.locator('[data-often-strategy="naive"]');
  await expect(naiveCard).toContainText(`${naive?.violated} of 100 runs broke an invariant`);
  const seed = Math.min(...(naive?.invariants.flatMap((i) => i.seeds) ?? []));
  expect(seed).toBeGreaterThanOrEqual(500);
  await expect(naiveCard.locator('[data-failing-seed]').first()).toHaveAttribute(
    'data-failing-seed',
    String(seed),
  );
});

test('a bad seed count says so and changes nothing', async ({ page }) => {
  await open(page);
  const often = panel(page);
  const other = often.getByRole('textbox', { name: 'Other number of seeds' });
  await other.fill('12abc');
  await other.press('Enter');
  await expect(other).toHaveAttribute('aria-invalid', 'true');
  await expect(often.locator('#often-seeds-help')).toHaveText(
    'A batch runs 1 to 100,000 seeds, as a whole number.',
  );
  await expect(often.getByRole('button', { name: 'Run 1,000 seeds' })).toBeEnabled();
  await other.fill('2,500');
  await other.press('Enter');
  await expect(often.getByRole('button', { name: 'Run 2,500 seeds' })).toBeVisible();
  await expect(page).toHaveURL(/seeds=2500/);
  await expect(other).toHaveAttribute('aria-invalid', 'false');
});

for (const [scheme, width] of [
  ['light', 1280],
  ['dark', 1280],
  ['light', 390],
] as const) {
  test(`with results and a sweep the panel passes axe, and fits (${scheme}, ${width} px)`, async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width, height: 900 });
    await open(page, SWEEP);
    const often = panel(page);
    await often.getByRole('radio', { name: '100', exact: true }).check();
    await often.getByRole('button', { name: 'Run 100 seeds' }).click();
    await expect(often.locator('[data-often-result]')).toBeVisible({ timeout: 120_000 });
    await often.getByRole('button', { name: 'Run sweep' }).click();
    await expect(often.locator('[data-sweep-result]')).toBeVisible({ timeout: 240_000 });
    await often.getByText('Table of these numbers').click();
    await often.getByRole('slider', { name: /Violation rate/ }).focus();
    await page.keyboard.press('ArrowRight');
    const { violations } = await new AxeBuilder({ page }).include('[data-panel="often"]').analyze();
    expect(
      violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`),
    ).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      width,
    );
    await often.screenshot({ path: `test-results/often-${scheme}-${width}.png` });
  });
}
