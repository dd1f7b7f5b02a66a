// e2e support: the offline guard every test runs behind, the same engine in Node, and page helpers.
import { fileURLToPath } from 'node:url';
import { expect, test as base, type Locator, type Page } from '@playwright/test';
export { expect };
import initSqlJs from 'sql.js';
import { runnerImport } from 'vite';
import type * as EngineModule from '../../src/engine/index.ts';

export const SCENARIO = 'payment-lost-response';
// The app's origin and the mock blog's (a second origin that embeds it): nothing else is reached.
const ORIGIN = /^http:\/\/127\.0\.0\.[12][:/]/;
/** The mock blog post that embeds Twice (served from 127.0.0.2 by playwright.config.ts). */
export const BLOG_URL = process.env.TWICE_E2E_BLOG_URL ?? 'http://127.0.0.2:4188/blog/';

interface Watch {
  /** Every URL the context asked for, workers included. */
  readonly requests: string[];
}

export const test = base.extend<{ expectConsoleErrors: boolean; watch: Watch }>({
  expectConsoleErrors: [false, { option: true }],
  // Every test runs offline behind a hard guard and fails on foreign requests or page errors.
  watch: [
    async ({ context, page, expectConsoleErrors }, use) => {
      const requests: string[] = [];
      const errors: string[] = [];
      await context.route(/^(?!http:\/\/127\.0\.0\.[12][:/]).*/, (route) => route.abort());
      context.on('request', (request) => requests.push(request.url()));
      const onConsole = (where: string) => (message: { type(): string; text(): string }) => {
        if (message.type() === 'error') errors.push(`${where} console: ${message.text()}`);
      };
      page.on('console', onConsole('page'));
      page.on('worker', (worker) => worker.on('console', onConsole('worker')));
      page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
      // Any Content-Security-Policy violation fails the test, whatever else it expects.
      const violations: string[] = [];
      await context.exposeBinding('twiceViolation', (_source, text: string) =>
        violations.push(text),
      );
      await context.addInitScript(() =>
        document.addEventListener('securitypolicyviolation', (event) =>
          (window as unknown as { twiceViolation(text: string): void }).twiceViolation(
            `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
          ),
        ),
      );
      await use({ requests });
      expect.soft(violations).toEqual([]);
      expect.soft(requests.filter((url) => !ORIGIN.test(url))).toEqual([]);
      if (!expectConsoleErrors) expect.soft(errors).toEqual([]);
    },
    { auto: true },
  ],
});

export type Engine = ReturnType<typeof EngineModule.createEngine>;
let nodeEngine: Promise<Engine> | undefined;

/** The same engine in Node: Vite's module runner handles the ?raw schema import plain Node cannot. */
export function engineInNode(): Promise<Engine> {
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

export async function open(page: Page, hash = ''): Promise<void> {
  await page.goto(`./${hash}`);
  // The first run needs the engine worker, its wasm and the run itself: on a busy 2-core machine
  // (shared with other builds) that alone can pass the default 5 s.
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
}

/**
 * Scrolls to a panel below the first screen (How often?, the explorer, the inspector), as a reader
 * does: the page mounts it when it nears the view. A panel already mounted is left as it is.
 */
export async function reach(page: Page, panel: 'often' | 'explore' | 'inspector'): Promise<void> {
  await page
    .locator(`[data-deferred="${panel}"]`)
    .evaluate((slot) => slot.scrollIntoView({ block: 'center' }));
}

export const column = (page: Page, strategy: string): Locator =>
  page.locator(`[data-strategy="${strategy}"]`);

export const effect = (col: Locator, name: string): Locator =>
  col.locator(`[data-effect="${name}"] .count`);

/**
 * The page shows exactly the run Node computes for the same options: one column per strategy,
 * in order, each with Node's trace hash and verdict.
 */
export async function expectSameAsNode(
  page: Page,
  options: Parameters<Engine['run']>[0],
): Promise<ReturnType<Engine['run']>> {
  const result = (await engineInNode()).run(options);
  expect(result.runs.length).toBeGreaterThan(0);
  await expect(page.locator('[data-strategy]')).toHaveCount(result.runs.length);
  for (const run of result.runs) {
    const col = column(page, run.strategy);
    await expect(col).toHaveAttribute('data-trace-hash', run.traceHash);
    const verdict = run.invariants.every((i) => i.holds) ? 'ok' : 'violated';
    await expect(col).toHaveAttribute('data-verdict', verdict);
  }
  return result;
}

/** The shared cursor's scrubber. */
export const scrubber = (page: Page): Locator => page.getByRole('slider', { name: 'Cursor' });
