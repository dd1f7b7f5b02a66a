// npm run soak -- [--seeds N] [--from S] [--jobs J] [--stories a,b]: every story's correct strategies on N seeded fault schedules; counts breaks beyond declared limits.
import { fork } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import initSqlJs from 'sql.js';
import { runnerImport } from 'vite';
import { loadNote, storySeedsBar } from './progress.mjs';

/** Seeds per task: small enough that the processes stay busy to the end and a stop is even. */
const CHUNK = 250;
const USAGE = 'usage: npm run soak -- [--seeds N] [--from S] [--jobs J] [--stories a,b]';
const { values: flags } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10000' },
    from: { type: 'string' },
    jobs: { type: 'string', default: '2' },
    stories: { type: 'string' },
    child: { type: 'boolean', default: false },
  },
});

// A child listens before it loads: its tasks, and a SIGINT that stops it at its next seed.
const controller = new AbortController();
const tasks = flags.child ? new Promise((resolve) => process.once('message', resolve)) : undefined;
if (flags.child) process.on('SIGINT', () => controller.abort());

const { module } = await runnerImport('/src/engine/index.ts', { logLevel: 'error' });
const engine = module.createEngine(await initSqlJs());

/** Sends to the parent while it listens (it may have gone after a failure of its own). */
const tell = (message) => process.connected && process.send(message);

if (flags.child) {
  // A child runs the batches it is sent, one after another, and reports progress and results.
  for (const [index, options] of (await tasks).entries()) {
    const result = await engine.batch(options, {
      signal: controller.signal,
      now: () => performance.now(),
      pause: () => new Promise((resolve) => setImmediate(resolve)),
      onProgress: (done) => tell({ index, done }),
    });
    tell({ index, result });
  }
  process.disconnect();
} else {
  await main();
}

function fail(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

/** A whole number flag in [min, max], or the usage. */
function count(name, min, max) {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < min || n > max)
    fail(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** Each story with its correct strategies, as chosen by --stories (all by default). */
function stories() {
  const all = engine.scenarios();
  const wanted = flags.stories?.split(',') ?? all.map((s) => s.id);
  return wanted.map((id) => {
    const story = all.find((s) => s.id === id);
    if (!story) fail(`no story "${id}"; stories: ${all.map((s) => s.id).join(', ')}`);
    return story;
  });
}

/** Runs every task over `jobs` child processes (task i goes to child i mod jobs); resolves with the results in task order. */
function runChildren(tasks, jobs, onProgress) {
  const results = [];
  const script = fileURLToPath(import.meta.url);
  const forked = [];
  // Ctrl-C (or kill -INT) stops every child at its next seed; the part that ran is printed.
  process.on('SIGINT', () => forked.forEach((child) => child.kill('SIGINT')));
  const children = Array.from({ length: jobs }, (_, j) => {
    const mine = tasks.map((task, i) => ({ task, i })).filter(({ i }) => i % jobs === j);
    const child = fork(script, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    forked.push(child);
    child.send(mine.map(({ task }) => task));
    child.on('message', ({ index, done, result }) => {
      const i = mine[index].i;
      if (result) results[i] = result;
      else onProgress(i, done);
    });
    return new Promise((resolve, reject) =>
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`soak child ${j} exited with ${code}`)),
      ),
    );
  });
  return Promise.all(children).then(() => results);
}

function table(header, rows) {
  const cells = rows.map((row) => row.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (row) =>
    row.map((c, i) =>
      i < 2 || i === row.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]),
    );
  return [header, ...cells].map((row) => line(row).join('  ').trimEnd()).join('\n');
}

async function main() {
  const seeds = count('seeds', 1, module.MAX_BATCH_SEEDS);
  const jobs = count('jobs', 1, 16);
  // A random range by default, so each soak tries new schedules; printed, so any run can be replayed.
  if (flags.from === undefined) flags.from = String(randomInt(0, 2 ** 31));
  const from = count('from', 0, 4294967295 - seeds + 1);
  const chosen = stories();
  // Chunks of seeds in rounds over every story: a soak stopped early has covered each story alike.
  const chunks = module.partitionSeeds({ from, count: seeds }, Math.ceil(seeds / CHUNK));
  const tasks = chunks.flatMap((range) =>
    chosen.map((story) => ({
      scenario: story.id,
      strategies: story.strategies.filter((s) => s.correct).map((s) => s.id),
      faults: true,
      seeds: range,
    })),
  );
  console.log(
    `soak: ${chosen.length} stories × their correct strategies, seeds ${from}…${from + seeds - 1} (${seeds}), faults on, default knobs, ${jobs} processes`,
  );
  console.log(`replay: npm run soak -- --seeds ${seeds} --from ${from}\n`);

  const done = tasks.map(() => 0);
  const bar = storySeedsBar(chosen.length * seeds);
  const started = performance.now();
  const load = loadavg();
  const results = await runChildren(tasks, jobs, (i, n) => {
    done[i] = n;
    bar.update(done.reduce((a, b) => a + b, 0));
  });
  bar.stop();
  const seconds = (performance.now() - started) / 1000;

  const rows = [];
  const lines = [];
  let beyond = 0;
  let runs = 0;
  for (const story of chosen) {
    const merged = module.mergeBatches(results.filter((r) => r.scenario === story.id));
    // The soak runs the default knobs: a limit declared for other knob values does not cover it.
    const defaults = Object.fromEntries(story.knobs.map((k) => [k.id, k.default]));
    const declared = (strategy, invariant) =>
      story.limits.some(
        (l) =>
          l.strategy === strategy && l.invariant === invariant && module.limitApplies(l, defaults),
      );
    for (const s of merged.strategies) {
      runs += s.runs;
      const broken = s.invariants.filter((i) => i.broken > 0);
      const within = broken.filter((i) => declared(s.strategy, i.id));
      const outside = broken.filter((i) => !declared(s.strategy, i.id));
      const sum = (list) => list.reduce((n, i) => n + i.broken, 0);
      beyond += sum(outside);
      rows.push([
        story.id,
        s.strategy,
        s.runs,
        `${s.invariants.length}/${story.invariants.length}`,
        sum(within),
        sum(outside),
        outside.length ? 'BEYOND LIMITS' : 'ok',
      ]);
      for (const i of broken)
        lines.push(
          `  ${story.id} / ${s.strategy} broke ${i.id} in ${i.broken} of ${s.runs} runs (${declared(s.strategy, i.id) ? 'a declared limit' : 'BEYOND the declared limits'}); first seeds: ${i.seeds.join(', ')}`,
        );
    }
  }
  const header = ['story', 'strategy', 'runs', 'invariants checked', 'within limits', 'beyond', ''];
  console.log(table(header, rows));
  if (lines.length) console.log(`\nbreaks (invariant × run):\n${lines.join('\n')}`);
  const partial = results.some((r) => r.partial) ? ' (cancelled: partial)' : '';
  console.log(
    `\n${runs} strategy-runs in ${seconds.toFixed(0)} s (${Math.round(runs / seconds)} runs/s)${partial}; ${loadNote(load)}`,
  );
  console.log(`breaks beyond declared limits: ${beyond}`);
  process.exitCode = beyond > 0 || partial ? 1 : 0;
}
