// npm run bench:browser: builds the benchmark page alone (vite --mode bench) into a temporary
// folder, serves it on 127.0.0.1 and runs it in headless Chromium; prints the same table and,
// last, the same JSON line.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const PORT = 4179;
const URL = `http://127.0.0.1:${PORT}/twice/src/bench/index.html`;

const out = mkdtempSync(join(tmpdir(), 'twice-bench-dist-'));
const build = [
  'vite',
  'build',
  '--mode',
  'bench',
  '--outDir',
  out,
  '--emptyOutDir',
  '--logLevel',
  'error',
];
if (spawnSync('npx', build, { stdio: 'inherit' }).status !== 0) {
  rmSync(out, { recursive: true, force: true });
  process.exit(1);
}
const server = spawn(process.execPath, ['scripts/serve.mjs', String(PORT), '/twice/', out], {
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
  rmSync(out, { recursive: true, force: true });
}
