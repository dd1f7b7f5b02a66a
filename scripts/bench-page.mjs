// Builds the site or the benchmark page alone (vite --mode bench) into a temporary folder, serves it on 127.0.0.1 and opens it in headless Chromium (bench:browser, bench:drawing, determinism).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, setPriority, tmpdir } from 'node:os';
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

/** A folder's names, or none when it is not there (no /proc, a process gone). */
function readdirOr(path) {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** Every process below `root`, from /proc (Linux; elsewhere none). */
function descendants(root) {
  const pids = readdirOr('/proc').filter((name) => /^\d+$/.test(name));
  const children = new Map();
  for (const pid of pids) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const found = [];
  const queue = [String(root)];
  while (queue.length > 0 && found.length < 1000) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * Chromium sets its own processes' priorities (its browser process even below 0), and Linux
 * keeps one per thread: under `nice` the caller wants the browser's every thread (the workers
 * included) as nice as itself, so that other work on the machine is not starved.
 */
function matchNiceness() {
  const mine = getPriority();
  if (mine <= 0) return;
  for (const pid of descendants(process.pid)) {
    for (const tid of readdirOr(`/proc/${pid}/task`))
      try {
        if (getPriority(Number(tid)) < mine) setPriority(Number(tid), mine);
      } catch {
        // The thread ended meanwhile.
      }
  }
}

/**
 * Builds the site (`vite build` with `flags`, e.g. ['--mode', 'bench']) into a fresh temporary
 * folder and serves it under /twice/ on 127.0.0.1:`port`. Returns its URL and `stop`, which ends
 * the server and removes the folder; so does the process exiting early (Ctrl-C).
 */
export async function serveBuild(port, flags = []) {
  const out = mkdtempSync(join(tmpdir(), 'twice-bench-dist-'));
  let server;
  const stop = () => {
    server?.kill();
    rmSync(out, { recursive: true, force: true });
    process.off('exit', stop);
  };
  process.on('exit', stop);
  try {
    const build = ['vite', 'build', ...flags, '--outDir', out, '--emptyOutDir'];
    if (spawnSync('npx', [...build, '--logLevel', 'error'], { stdio: 'inherit' }).status !== 0)
      throw new Error('the build failed');
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
    return { url: `http://127.0.0.1:${port}/twice/`, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

/**
 * Calls `use(page, version)` with the bench page open at `search` (e.g. '?drive'), served from
 * a fresh bench build on `port`; closes the browser and the server and removes the build
 * whatever happens, so dist/ never holds the benchmark.
 */
export async function withBenchPage(port, search, use) {
  const profile = mkdtempSync(join(tmpdir(), 'twice-bench-'));
  let served;
  let context;
  // If the caller exits early (process.exit on Ctrl-C), the profile goes too (serveBuild sees to
  // the server and the build); Playwright ends its browser on exit by itself.
  const cleanUp = () => rmSync(profile, { recursive: true, force: true });
  process.on('exit', cleanUp);
  try {
    served = await serveBuild(port, ['--mode', 'bench']);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      // A caller may stop on SIGINT and still print its figures: the browser is closed below.
      handleSIGINT: false,
    });
    const page = await context.newPage();
    await page.goto(`${served.url}src/bench/index.html${search}`);
    const version =
      context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
    // The page's workers start threads as they go: match their niceness now and then.
    matchNiceness();
    const renice = setInterval(matchNiceness, 10_000);
    try {
      return await use(page, version);
    } finally {
      clearInterval(renice);
    }
  } finally {
    await context?.close();
    served?.stop();
    cleanUp();
    process.off('exit', cleanUp);
  }
}
