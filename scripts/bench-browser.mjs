// npm run bench:browser: builds the site, serves it on 127.0.0.1, and runs the benchmark inside
// the engine worker in headless Chromium; prints the same table and, last, the same JSON line.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const PORT = 4179;
const URL = `http://127.0.0.1:${PORT}/twice/src/bench/index.html`;

if (
  spawnSync('npx', ['vite', 'build', '--mode', 'bench', '--logLevel', 'error'], {
    stdio: 'inherit',
  }).status !== 0
)
  process.exit(1);
const server = spawn(process.execPath, ['scripts/serve.mjs', String(PORT), '/twice/', 'dist'], {
  stdio: 'ignore',
});
const profile = mkdtempSync(join(tmpdir(), 'twice-bench-'));
let context;
try {
  await new Promise((resolve) => setTimeout(resolve, 500));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = await context.newPage();
  await page.goto(URL);
  // The whole benchmark takes minutes; give it a generous but finite bound.
  await page.waitForSelector('body[data-done]', { timeout: 20 * 60_000 });
  const text = await page.locator('#result').textContent();
  const version = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
  console.log(
    `Twice benchmark — payment-lost-response × idempotency-key, traces off (Chromium worker ${version})`,
  );
  console.log(text);
  if ((await page.getAttribute('body', 'data-done')) !== 'true') process.exitCode = 1;
} finally {
  await context?.close();
  server.kill();
  rmSync(profile, { recursive: true, force: true });
}
