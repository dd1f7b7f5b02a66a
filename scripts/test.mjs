// `npm test`: every test. Finds (or installs) Chromium, runs Vitest, builds, runs Playwright,
// and ends with one line, `N passed, N failed`, for people and CI alike.
// Usage: node scripts/test.mjs [--e2e]   (--e2e: build and Playwright only)
// TWICE_FAILED_CHECKS="check lint" (set by .ci/run) counts gates that failed earlier into the total.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const e2eOnly = process.argv.includes('--e2e');
const scratch = mkdtempSync(join(tmpdir(), 'twice-test-'));

const NO_CHROMIUM =
  "No Chromium found: install Debian's chromium (apt-get install chromium) or set CHROMIUM=/path/to/chrome";

/** Per suite: what ran and how it went; the last line sums them. */
const suites = [];

function record(name, passed, failed, note = '') {
  suites.push({ name, passed, failed, note });
}

/** A package's CLI, run with this very Node (no npx, no shell). */
function bin(pkg, name) {
  const manifest = require(`${pkg}/package.json`);
  const entry = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[name];
  return join(dirname(require.resolve(`${pkg}/package.json`)), entry);
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.error) console.error(`could not start ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

async function playwrightsOwnChromium() {
  try {
    const { chromium } = await import(pathToFileURL(require.resolve('playwright-core')).href);
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** $CHROMIUM, Debian's, Playwright's own, or (as root with apt) a fresh Debian install. */
async function findChromium() {
  if (process.env.CHROMIUM) {
    if (existsSync(process.env.CHROMIUM)) return { path: process.env.CHROMIUM };
    return {
      problem: `CHROMIUM=${process.env.CHROMIUM} does not exist: fix it, or unset it to use /usr/bin/chromium`,
    };
  }
  if (existsSync('/usr/bin/chromium')) return { path: '/usr/bin/chromium' };
  const own = await playwrightsOwnChromium();
  if (own) return { path: own };
  if (process.getuid?.() === 0 && onPath('apt-get')) {
    console.log("No Chromium found: installing Debian's chromium with apt-get…");
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (run('apt-get', ['update'], env) === 0) run('apt-get', ['install', '-y', 'chromium'], env);
    if (existsSync('/usr/bin/chromium')) return { path: '/usr/bin/chromium' };
  }
  return { problem: NO_CHROMIUM };
}

function vitest() {
  const out = join(scratch, 'vitest.json');
  const status = run(process.execPath, [
    bin('vitest', 'vitest'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ]);
  const report = readJson(out);
  if (!report) return record('vitest', 0, 1, `did not run (exit ${status})`);
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A file that fails to load has a failed status but no failed test: count it too.
  const brokenFiles = report.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed'),
  ).length;
  let failed = report.numFailedTests + brokenFiles + skipped;
  if (status !== 0 && failed === 0) failed = 1;
  const notes = [
    skipped && `${skipped} skipped (counted as failed)`,
    brokenFiles && `${brokenFiles} file(s) failed to load`,
  ];
  record('vitest', report.numPassedTests, failed, notes.filter(Boolean).join(', '));
}

function build() {
  const status = run(process.execPath, [bin('vite', 'vite'), 'build']);
  record('vite build', 0, status === 0 ? 0 : 1, status === 0 ? 'ok' : `failed (exit ${status})`);
  return status === 0;
}

function playwright(chromium) {
  const out = join(scratch, 'playwright.json');
  const status = run(
    process.execPath,
    [
      bin('@playwright/test', 'playwright'),
      'test',
      `--reporter=${process.env.CI ? 'line' : 'list'},json`,
    ],
    { CHROMIUM: chromium, PLAYWRIGHT_JSON_OUTPUT_FILE: out, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  );
  const report = readJson(out);
  if (!report?.stats) return record('playwright', 0, 1, `did not run (exit ${status})`);
  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats;
  let failed = unexpected + flaky + skipped;
  // Errors outside any test (a web server that never came up, no spec found) fail the suite.
  if (status !== 0 && failed === 0) failed = 1;
  if (expected + failed === 0) failed = 1;
  record('playwright', expected, failed, skipped ? `${skipped} skipped (counted as failed)` : '');
}

async function main() {
  for (const gate of (process.env.TWICE_FAILED_CHECKS ?? '').split(/\s+/).filter(Boolean)) {
    record(`npm run ${gate}`, 0, 1, 'failed before the tests (see above)');
  }
  const { path: chromium, problem } = await findChromium();
  if (problem) console.error(problem);
  else console.log(`Chromium: ${chromium}`);

  if (!e2eOnly) vitest();
  const built = build();
  if (!chromium) record('playwright', 0, 1, `not run: ${problem}`);
  else if (!built) record('playwright', 0, 1, 'not run: the build failed');
  else playwright(chromium);

  rmSync(scratch, { recursive: true, force: true });
  console.log('');
  for (const s of suites) {
    const counts = s.name === 'vite build' ? '' : `${s.passed} passed, ${s.failed} failed`;
    console.log(`  ${s.name.padEnd(14)} ${[counts, s.note].filter(Boolean).join(' · ')}`);
  }
  const passed = suites.reduce((n, s) => n + s.passed, 0);
  const failed = suites.reduce((n, s) => n + s.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
