// Builds the benchmark page alone (vite --mode bench) into a temporary folder, serves it on 127.0.0.1 and opens it in headless Chromium (bench:browser, determinism).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

/** A `--port` flag's value, or the script's default; only loopback ports above 1023. */
export function benchPort(flag, fallback) {
  const port = Number(flag ?? fallback);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    console.error(`--port must be an integer from 1024 to 65535, not ${flag}`);
    process.exit(2);
  }
  return port;
}

/**
 * Calls `use(page, version)` with the bench page open at `search` (e.g. '?drive'), served from
 * a fresh bench build on `port`; closes the browser and the server and removes the build
 * whatever happens, so dist/ never holds the benchmark.
 */
export async function withBenchPage(port, search, use) {
  const out = mkdtempSync(join(tmpdir(), 'twice-bench-dist-'));
  const profile = mkdtempSync(join(tmpdir(), 'twice-bench-'));
  let server;
  let context;
  // If the caller exits early (process.exit on Ctrl-C), the server and the folders go too;
  // Playwright ends its browser on exit by itself.
  const cleanUp = () => {
    server?.kill();
    rmSync(profile, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  };
  process.on('exit', cleanUp);
  try {
    const build = ['vite', 'build', '--mode', 'bench', '--outDir', out, '--emptyOutDir'];
    if (spawnSync('npx', [...build, '--logLevel', 'error'], { stdio: 'inherit' }).status !== 0)
      throw new Error('the bench build failed');
    server = spawn(process.execPath, ['scripts/serve.mjs', String(port), '/twice/', out], {
      // Its own process group: a Ctrl-C meant for the caller must not take the page's server down.
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // The server prints one line once it listens, or exits (a port in use).
    const listening = await Promise.race([
      once(server.stdout, 'data').then(() => true),
      once(server, 'exit').then(() => false),
    ]);
    if (!listening) throw new Error(`could not serve on port ${port}; try --port`);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      // A caller may stop on SIGINT and still print its figures: the browser is closed below.
      handleSIGINT: false,
    });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/twice/src/bench/index.html${search}`);
    const version =
      context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
    return await use(page, version);
  } finally {
    await context?.close();
    cleanUp();
    process.off('exit', cleanUp);
  }
}
