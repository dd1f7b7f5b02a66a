// `npm run lighthouse`: a benchmark, not a test. Builds the site, serves dist/ compressed under a
// sub-path, and runs Lighthouse (performance only) in headless Chromium as a phone and as a desktop.
// Prints per form factor the median run's score, CLS, TBT, LCP and FCP, the load average, then one JSON line.
// Usage: node scripts/lighthouse.mjs [--runs N] [--no-build]   (TWICE_LIGHTHOUSE_PORT, default 4177)
import { spawn, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { desktopConfig } from 'lighthouse';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
if (!Number.isInteger(runs) || runs < 1 || runs > 15) {
  console.error('--runs takes a whole number from 1 to 15');
  process.exit(2);
}
const port = Number(process.env.TWICE_LIGHTHOUSE_PORT ?? 4177);
const url = `http://127.0.0.1:${port}/twice/`;

if (!args.includes('--no-build')) {
  const built = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const server = spawn(
  process.execPath,
  [join(root, 'scripts/serve.mjs'), String(port), '/twice/', 'dist'],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
await new Promise((ready, fail) => {
  server.stdout.once('data', ready);
  server.once('exit', (code) => fail(new Error(`the server exited (${code})`)));
});

const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM_PATH,
  chromeFlags: ['--headless=new', ...CHROMIUM_ARGS],
});

/** One Lighthouse run: the figures this benchmark reports. */
async function measure(config) {
  const result = await lighthouse(
    url,
    { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] },
    config,
  );
  const { categories, audits } = result.lhr;
  const value = (id) => audits[id]?.numericValue ?? NaN;
  return {
    performance: Math.round((categories.performance.score ?? 0) * 100),
    cls: Number(value('cumulative-layout-shift').toFixed(3)),
    tbtMs: Math.round(value('total-blocking-time')),
    lcpMs: Math.round(value('largest-contentful-paint')),
    fcpMs: Math.round(value('first-contentful-paint')),
    // Lighthouse's own measure of this machine's CPU: its 4x phone slowdown is calibrated for a
    // fast desktop host, so a low index means the simulated phone is slower than Lighthouse means.
    benchmarkIndex: Math.round(result.lhr.environment.benchmarkIndex),
  };
}

const median = (list) => [...list].sort((a, b) => a.performance - b.performance)[list.length >> 1];
const figures = {};
try {
  for (const [name, config] of [
    ['mobile', undefined],
    ['desktop', desktopConfig],
  ]) {
    const all = [];
    for (let i = 0; i < runs; i += 1) {
      all.push(await measure(config));
      process.stderr.write(`${name} run ${i + 1}/${runs}: ${JSON.stringify(all.at(-1))}\n`);
    }
    figures[name] = median(all);
    const f = figures[name];
    console.log(
      `${name.padEnd(8)} performance ${f.performance}  CLS ${f.cls}  TBT ${f.tbtMs} ms  LCP ${f.lcpMs} ms  FCP ${f.fcpMs} ms`,
    );
  }
} finally {
  await chrome.kill();
  server.kill();
}
// Simulated throttling multiplies whatever else the CPU does: the figures go with the load.
const load = loadavg().map((l) => Number(l.toFixed(2)));
console.log(`load average (1, 5, 15 min) at the end: ${load.join(', ')}`);
console.log(JSON.stringify({ url, runs, load, ...figures }));
