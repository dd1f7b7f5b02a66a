// End-to-end: the built playground under /twice/ in headless Chromium, offline, checked against Node's engine.
import { fileURLToPath } from 'node:url';
import { expect, test as base, type Locator, type Page } from '@playwright/test';
import initSqlJs from 'sql.js';
import { runnerImport } from 'vite';
import type * as EngineModule from '../../src/engine/index.ts';

const SCENARIO = 'payment-lost-response';
const ORIGIN = /^http:\/\/127\.0\.0\.1[:/]/;

interface Watch {
  /** Every URL the context asked for, workers included. */
  readonly requests: string[];
}

const test = base.extend<{ expectConsoleErrors: boolean; watch: Watch }>({
  expectConsoleErrors: [false, { option: true }],
  // Every test runs offline behind a hard guard and fails on foreign requests or page errors.
  watch: [
    async ({ context, page, expectConsoleErrors }, use) => {
      const requests: string[] = [];
      const errors: string[] = [];
      await context.route(/^(?!http:\/\/127\.0\.0\.1[:/]).*/, (route) => route.abort());
      context.on('request', (request) => requests.push(request.url()));
      const onConsole = (where: string) => (message: { type(): string; text(): string }) => {
        if (message.type() === 'error') errors.push(`${where} console: ${message.text()}`);
      };
      page.on('console', onConsole('page'));
      page.on('worker', (worker) => worker.on('console', onConsole('worker')));
      page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
      await use({ requests });
      expect.soft(requests.filter((url) => !ORIGIN.test(url))).toEqual([]);
      if (!expectConsoleErrors) expect.soft(errors).toEqual([]);
    },
    { auto: true },
  ],
});

type Engine = ReturnType<typeof EngineModule.createEngine>;
let nodeEngine: Promise<Engine> | undefined;

/** The same engine in Node: Vite's module runner handles the ?raw schema import plain Node cannot. */
function engineInNode(): Promise<Engine> {
  nodeEngine ??= (async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const { module } = await runnerImport<typeof EngineModule>('/src/engine/index.ts', {
      root,
      logLevel: 'error',
    });
    return module.createEngine(await initSqlJs());
  })();
  return nodeEngine;
}

async function open(page: Page): Promise<void> {
  await page.goto('./');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

const column = (page: Page, strategy: string): Locator =>
  page.locator(`[data-strategy="${strategy}"]`);

const effect = (col: Locator, name: string): Locator =>
  col.locator(`[data-effect="${name}"] .count`);

async function expectHashesFromNode(
  page: Page,
  seed: number | undefined,
  scenario = SCENARIO,
): Promise<void> {
  const result = (await engineInNode()).run({ scenario, seed, faults: true });
  expect(result.runs.length).toBeGreaterThan(0);
  await expect(page.locator('[data-strategy]')).toHaveCount(result.runs.length);
  for (const run of result.runs) {
    await expect(column(page, run.strategy)).toHaveAttribute('data-trace-hash', run.traceHash);
  }
}

test('the lost response: the naive handler charges twice, the key store once', async ({
  page,
  watch,
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await open(page);

  await expect(page.getByLabel('Story')).toHaveValue(SCENARIO);
  await expect(page.getByText('A retry after a lost response charges twice')).toBeVisible();

  const naive = column(page, 'naive');
  const keyed = column(page, 'idempotency-key');
  await expect(naive).toHaveAttribute('data-verdict', 'violated');
  await expect(keyed).toHaveAttribute('data-verdict', 'ok');
  await expect(naive.locator('[data-effect="card-charged"]')).toContainText('Card charges');
  await expect(effect(naive, 'card-charged')).toHaveText('2');
  await expect(effect(keyed, 'card-charged')).toHaveText('1');
  await expect(naive.getByText('broken', { exact: true }).first()).toBeVisible();
  await expect(naive.getByText(/^trace [0-9a-f]{12}…$/)).toBeVisible();

  const wasm = watch.requests.filter((url) => url.endsWith('.wasm'));
  expect(wasm).toHaveLength(1);
  expect(wasm[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/twice\/assets\/sql-wasm-browser-.*\.wasm$/);

  await page.screenshot({ path: testInfo.outputPath('playground-1280.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: testInfo.outputPath('playground-1280-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  // At phone width the columns stack and nothing scrolls sideways, not even the opened SQL.
  await page.setViewportSize({ width: 360, height: 800 });
  for (const summary of await page.getByText('SQL', { exact: true }).all()) await summary.click();
  await expect(naive.locator('pre').first()).toBeVisible();
  const [first, second] = [await naive.boundingBox(), await keyed.boundingBox()];
  expect(second!.y).toBeGreaterThan(first!.y + first!.height);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.screenshot({ path: testInfo.outputPath('playground-360.png'), fullPage: true });
});

test('the life of a key: its replay case opens, diverges, and matches Node', async ({ page }) => {
  await open(page);
  await page.getByLabel('Story').selectOption('key-lifecycle');
  await expect(page.getByText('One key through replay, reuse, races')).toBeVisible();
  await expect(column(page, 'naive')).toHaveAttribute('data-verdict', 'violated');
  await expect(column(page, 'idempotency-key')).toHaveAttribute('data-verdict', 'ok');
  await expect(effect(column(page, 'idempotency-key'), 'card-charged')).toHaveText('1');
  await expectHashesFromNode(page, 1, 'key-lifecycle');
});

test('the webhook that came twice: the naive consumer invoices twice, the inbox once', async ({
  page,
}) => {
  await open(page);
  await page.getByLabel('Story').selectOption('webhook-duplicates');
  await expect(column(page, 'naive')).toHaveAttribute('data-verdict', 'violated');
  await expect(column(page, 'inbox')).toHaveAttribute('data-verdict', 'ok');
  await expect(effect(column(page, 'naive'), 'invoice-created')).toHaveText('2');
  await expect(effect(column(page, 'inbox'), 'invoice-created')).toHaveText('1');
  await expectHashesFromNode(page, 1, 'webhook-duplicates');
});

test('every column carries the trace hash that Node computes for the same run', async ({
  page,
}) => {
  await open(page);
  await expectHashesFromNode(page, undefined);
});

test('with faults off, both handlers are correct and agree', async ({ page }) => {
  await open(page);
  await page.getByLabel('Faults on').uncheck();

  const naive = column(page, 'naive');
  const keyed = column(page, 'idempotency-key');
  await expect(naive).toHaveAttribute('data-verdict', 'ok');
  await expect(keyed).toHaveAttribute('data-verdict', 'ok');
  const counters = (col: Locator) =>
    col
      .locator('[data-effect]')
      .evaluateAll((nodes) =>
        nodes.map((n) => `${n.getAttribute('data-effect')}=${n.querySelector('dd')?.textContent}`),
      );
  const naiveCounters = await counters(naive);
  expect(naiveCounters).toContain('card-charged=1');
  expect(await counters(keyed)).toEqual(naiveCounters);
});

test('a new seed re-runs, and the browser still agrees with Node', async ({ page }) => {
  await open(page);
  const naive = column(page, 'naive');
  const before = await naive.getAttribute('data-trace-hash');

  await page.getByRole('spinbutton', { name: 'Seed' }).fill('7');
  await expect(naive).not.toHaveAttribute('data-trace-hash', before ?? '');
  await expect(page.getByRole('status')).toContainText('on seed 7');
  await expectHashesFromNode(page, 7);

  const atSeven = await naive.getAttribute('data-trace-hash');
  await page.getByRole('button', { name: 'Random seed' }).click();
  await expect(naive).not.toHaveAttribute('data-trace-hash', atSeven ?? '');
  await expect(page.getByRole('spinbutton', { name: 'Seed' })).not.toHaveValue('7');
});

test('an out-of-range seed is kept and explained, not run', async ({ page }) => {
  await open(page);
  const naive = column(page, 'naive');
  const before = await naive.getAttribute('data-trace-hash');

  const seed = page.getByRole('spinbutton', { name: 'Seed' });
  await seed.fill('4294967296');
  await expect(seed).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('A seed is a whole number from 0 to 4294967295.')).toBeVisible();
  await expect(seed).toHaveValue('4294967296');
  await page.getByLabel('Faults on').uncheck();
  await expect(naive).toHaveAttribute('data-trace-hash', before ?? '');

  await seed.fill('4294967295');
  await expect(seed).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('status')).toContainText('on seed 4294967295');
});

test.describe('when the engine cannot load', () => {
  test.use({ expectConsoleErrors: true });

  test('the page says so in an alert and keeps its controls', async ({ page }) => {
    await page.route(/\.wasm$/, (route) => route.abort());
    await page.goto('./');
    await expect(page.getByRole('alert')).toContainText('The engine could not start');
    await expect(page.getByRole('alert')).toContainText('Reload the page to try again.');
    await expect(page.getByRole('button', { name: 'Run' })).toBeVisible();
    await expect(page.locator('[data-strategy]')).toHaveCount(0);
  });
});
