// npm run determinism -- [--seeds N] [--from S] [--stories a,b] [--port P]: trace hashes of Node and a Chromium bench worker, per story, seed and default strategy.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import initSqlJs from 'sql.js';
import { runnerImport } from 'vite';
import { loadNote, storySeedsBar } from './progress.mjs';
import { benchPort, withBenchPage } from './bench-page.mjs';

/** Seeds per call to the worker: a call of seconds, with Node's share computed meanwhile. */
const CHUNK = 50;
/** Mismatches listed one by one; the count covers them all. */
const SHOWN = 20;

const USAGE = 'usage: npm run determinism -- [--seeds N] [--from S] [--stories a,b] [--port P]';
const { values: flags } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1000' },
    from: { type: 'string', default: '0' },
    stories: { type: 'string' },
    port: { type: 'string' },
  },
});
function fail(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}
const seeds = Number(flags.seeds);
const from = Number(flags.from);
if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100_000)
  fail('--seeds must be an integer from 1 to 100000');
if (!Number.isInteger(from) || from < 0 || from + seeds - 1 > 4294967295)
  fail('--from must be an integer from 0, with the last seed at most 4294967295');
const port = benchPort(flags.port, 4180);

// Ctrl-C (or kill -INT) stops after the story in hand and prints what was compared.
let stopped = false;
process.on('SIGINT', () => {
  stopped = true;
});

const { module } = await runnerImport('/src/engine/index.ts', { logLevel: 'error' });
const engine = module.createEngine(await initSqlJs());
const all = engine.scenarios();
const stories = (flags.stories?.split(',') ?? all.map((s) => s.id)).map(
  (id) => all.find((s) => s.id === id) ?? fail(`no story "${id}"`),
);

/** Node's hashes for a range of seeds; yields to the event loop between seeds, so Playwright's messages flow. */
async function nodeHashes({ seeds: range, ...options }) {
  const hashes = [];
  for (let i = 0; i < range.count; i++) {
    hashes.push(engine.run({ ...options, seed: range.from + i }).runs.map((r) => r.traceHash));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return hashes;
}

const started = performance.now();
const load = loadavg();
/** Per story: hashes compared and mismatches, in the stories' order. */
const tally = new Map(stories.map((s) => [s.id, { compared: 0, seeds: 0 }]));
const mismatches = [];
const version = await withBenchPage(port, '?drive', async (page, version) => {
  await page.waitForSelector('body[data-done="driven"]', { timeout: 120_000 });
  const bar = storySeedsBar(stories.length * seeds);
  // Rounds of a chunk of seeds over every story: a run stopped early has covered each story alike.
  for (const range of module.partitionSeeds({ from, count: seeds }, Math.ceil(seeds / CHUNK))) {
    for (const story of stories) {
      if (stopped) break;
      const strategies = story.defaultStrategies;
      const options = { scenario: story.id, faults: true, strategies, seeds: range };
      // The worker runs its chunk while Node runs the same one.
      const inBrowser = page.evaluate((o) => globalThis.twice.traceHashes(o), options);
      const inNode = await nodeHashes(options);
      const browser = await inBrowser;
      const counts = tally.get(story.id);
      for (const [i, hashes] of inNode.entries())
        for (const [j, strategy] of strategies.entries()) {
          counts.compared += 1;
          const chromium = browser[i]?.[j];
          if (hashes[j] !== chromium)
            mismatches.push({
              story: story.id,
              seed: range.from + i,
              strategy,
              node: hashes[j],
              chromium,
            });
        }
      counts.seeds += range.count;
      bar.increment(range.count);
    }
  }
  bar.stop();
  return version;
});
const seconds = (performance.now() - started) / 1000;

console.log(
  `determinism: ${stories.length} stories × seeds ${from}…${from + seeds - 1} × their default strategies, faults on, default knobs`,
);
console.log(`Node ${process.version} against a bench worker in Chromium ${version}`);
for (const story of stories) {
  const { compared, seeds: ran } = tally.get(story.id);
  const bad = mismatches.filter((m) => m.story === story.id).length;
  console.log(
    `  ${story.id.padEnd(26)} ${String(ran).padStart(6)} seeds  ${compared - bad} of ${compared} match`,
  );
}
for (const m of mismatches.slice(0, SHOWN))
  console.log(
    `  MISMATCH ${m.story} seed ${m.seed} ${m.strategy}: node ${m.node}, chromium ${m.chromium}`,
  );
if (mismatches.length > SHOWN) console.log(`  … and ${mismatches.length - SHOWN} more`);
const ranAll = [...tally.values()].every((t) => t.seeds === seeds);
if (!ranAll) console.log(`stopped early (Ctrl-C): the part that ran is above`);
const compared = [...tally.values()].reduce((n, t) => n + t.compared, 0);
console.log(`${(seconds / 60).toFixed(1)} min (${seconds.toFixed(0)} s); ${loadNote(load)}`);
console.log(`${compared - mismatches.length} of ${compared} match`);
process.exitCode = mismatches.length === 0 && ranAll ? 0 : 1;
