// npm run bench:browser -- [--port P] [--seeds N] [--only workers]: the benchmark page (its own build, never dist/) in headless Chromium; the tables, then one JSON line.
import { parseArgs } from 'node:util';
import { benchPort, withBenchPage } from './bench-page.mjs';

const { values: flags } = parseArgs({
  options: {
    port: { type: 'string' },
    // Seeds of the workers' batch (default 2,000), and --only workers to skip the engine's own measures.
    seeds: { type: 'string' },
    only: { type: 'string' },
  },
});
const port = benchPort(flags.port, 4179);
const search = new URLSearchParams();
if (flags.seeds) search.set('seeds', flags.seeds);
if (flags.only) search.set('only', flags.only);
// Ctrl-C: nothing to print yet; exit so the server and the build folder go (see bench-page.mjs).
process.on('SIGINT', () => process.exit(130));

await withBenchPage(port, search.size ? `?${search}` : '', async (page, version) => {
  // The whole benchmark takes minutes; give it a generous but finite bound.
  await page.waitForSelector('body[data-done]', { timeout: 30 * 60_000 });
  const text = await page.locator('#result').textContent();
  console.log(`Twice benchmark — traces off (Chromium ${version}, bench workers)`);
  console.log(text);
  if ((await page.getAttribute('body', 'data-done')) !== 'true') process.exitCode = 1;
});
