// A new deployment: the page says a new version is ready and reloads into it only when asked.
// The build is copied to a folder of its own and served on its own port; the test then deploys a
// changed index.html (and the service worker that lists its new revision) over it.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support.ts';

const PORT = Number(process.env.TWICE_E2E_PORT ?? 4178) + 20;
const APP = `http://127.0.0.1:${PORT}/twice/`;
const MARK = '<meta name="twice-e2e-deploy" content="2" />';

let folder = '';
let server: ChildProcess | undefined;

test.beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'twice-update-'));
  await cp('dist', folder, { recursive: true });
  server = spawn(process.execPath, ['scripts/serve.mjs', String(PORT), '/twice/', folder], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Bounded: the server says it listens, or the test fails on its first page.
  await new Promise<void>((ready, fail) => {
    server?.stdout?.once('data', () => ready());
    server?.once('exit', (code) => fail(new Error(`the server exited (${code})`)));
  });
});

test.afterAll(async () => {
  server?.kill();
  await rm(folder, { recursive: true, force: true });
});

/** Deploys a new build: index.html changes, and so does its revision in the worker's precache list. */
async function deploy(): Promise<void> {
  const html = await readFile(join(folder, 'index.html'), 'utf8');
  await writeFile(join(folder, 'index.html'), html.replace('</head>', `${MARK}</head>`));
  const sw = await readFile(join(folder, 'sw.js'), 'utf8');
  const next = sw.replace(
    /(url:"index\.html",revision:")[0-9a-f]+"/,
    '$1e2e00000000000000000000000000002"',
  );
  expect(next, 'sw.js lists index.html with a revision').not.toBe(sw);
  await writeFile(join(folder, 'sw.js'), next);
}

test('a new deployment waits for the reader: "Reload" brings it, nothing before', async ({
  page,
}) => {
  await page.goto(APP);
  // A cold server compresses each file once on its first request: the first load waits longer.
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  // The first visit installs the worker and caches the app; it then controls the page.
  await expect(page.locator('[data-offline-ready]')).toBeVisible();
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await page.evaluate(() => ((window as unknown as { before: boolean }).before = true));

  await deploy();
  // What a browser does on its own at the next navigation or after a while: look for an update.
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  const toast = page.locator('[data-update-ready]');
  await expect(toast).toContainText('A new version of Twice is ready.');
  // The new worker waits; the page is still the old one (the same window), and still works.
  expect(
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return {
        waiting: registration?.waiting?.state ?? null,
        before: (window as unknown as { before?: boolean }).before === true,
        deployed: document.querySelector('meta[name="twice-e2e-deploy"]') !== null,
      };
    }),
  ).toEqual({ waiting: 'installed', before: true, deployed: false });
  await page.locator('a[data-story="put-vs-post"]').click();
  await expect(page.locator('[data-run-status]')).toContainText('Ran ');
  expect(await page.evaluate(() => (window as unknown as { before?: boolean }).before)).toBe(true);

  await toast.getByRole('button', { name: 'Reload' }).click();
  await expect(page.locator('meta[name="twice-e2e-deploy"]')).toHaveCount(1);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('[data-update-ready]')).toBeHidden();
});
