// A benchmark aid, not a test: records a first load's main-thread trace as a phone under 4x CPU slowdown and names what its long tasks did.
// Serve a build first (e.g. `npx vite build --minify false --outDir /tmp/twice-trace` and
// `node scripts/serve.mjs 4450 /twice/ /tmp/twice-trace`: unminified, the profile names the Svelte
// components). Usage: node scripts/first-load-trace.mjs <url> [--min 50] [--save <file prefix>]
// Prints each top-level main-thread task of at least --min ms (wall and CPU time, what Chromium's
// trace says it spent on, and the heaviest components/functions by inclusive samples), then the
// CPU in those tasks and its blocking part (over 50 ms each; all of it, and after FCP as Lighthouse's
// total blocking time counts it), FCP and LCP.
import { chromium } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const args = process.argv.slice(2);
const url = args[0];
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const min = Number(option('--min', 50));
const save = option('--save', null);
if (!url || !Number.isFinite(min)) {
  console.error('usage: node scripts/first-load-trace.mjs <url> [--min ms] [--save prefix]');
  process.exit(2);
}

/** Loads url once as Lighthouse's phone (412 × 823, 4x slower CPU): the trace and the CPU profile. */
async function record() {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const context = await browser.newContext({
    viewport: { width: 412, height: 823 },
    deviceScaleFactor: 1.75,
    isMobile: true,
    hasTouch: true,
    serviceWorkers: 'block',
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
  const categories = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'];
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: [...categories, 'v8', 'toplevel', 'loading', '__metadata'] },
    transferMode: 'ReportEvents',
  });
  await cdp.send('Profiler.start');
  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
  await page.waitForTimeout(3000);
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Tracing.end');
  await complete;
  await browser.close();
  return { events, profile };
}

const { events, profile } = await record();
if (save) {
  writeFileSync(`${save}.json`, JSON.stringify({ traceEvents: events }));
  writeFileSync(`${save}.cpuprofile`, JSON.stringify(profile));
}

// The page's main thread: the renderer thread that evaluated scripts.
const threads = events.filter((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain');
const scripts = (t) =>
  events.filter((e) => e.pid === t.pid && e.tid === t.tid && e.name === 'EvaluateScript').length;
const main = threads.reduce((best, t) => (scripts(t) >= scripts(best) ? t : best), threads[0]);
const slices = events
  .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X')
  .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
const start = (events.find((e) => e.name === 'navigationStart' && e.pid === main.pid) ?? slices[0])
  .ts;
const tasks = [];
for (const e of slices)
  if (/RunTask/.test(e.name) && e.ts >= (tasks.at(-1)?.end ?? -1))
    tasks.push({ ts: e.ts, end: e.ts + e.dur, dur: e.dur / 1000, cpu: (e.tdur ?? e.dur) / 1000 });

// Inclusive sample time per function (once per stack), within a task's span.
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = ({ callFrame: f }) =>
  `${f.functionName || '(anonymous)'} ${f.url
    .split('/')
    .pop()
    .replace(/-[\w-]{8}\.js$/, '')}`;
const samples = [];
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i];
  samples.push({ at, id, ms: (profile.timeDeltas[i + 1] ?? 0) / 1000 });
});
// Svelte components (capitalised) and the app's own named steps are what a reader can act on.
const named = (l) => /^#?[A-Z]\w* /.test(l) || /^#?shape/.test(l);

const KINDS = {
  'module evaluation': ['v8.evaluateModule'],
  microtasks: ['RunMicrotasks'],
  style: ['UpdateLayoutTree'],
  layout: ['Layout'],
  paint: ['Paint', 'PrePaint'],
  'html parse': ['ParseHTML'],
  gc: ['MajorGC', 'MinorGC'],
  'worker message': ['HandlePostMessage'],
  timer: ['TimerFire'],
  frame: ['FireAnimationFrame'],
};
let cpu = 0;
let blocking = 0;
let blockingAfterFcp = 0;
const fcpAt = events.find((e) => e.name === 'firstContentfulPaint' && e.pid === main.pid)?.ts ?? 0;
for (const task of tasks.filter((t) => t.dur >= min)) {
  const inside = slices.filter((e) => e.ts >= task.ts && e.ts + e.dur <= task.end);
  // Playwright's own scripts (no URL) and the DevTools session (stopping the profiler) are the
  // harness, not the page.
  if (inside.some((e) => e.name === 'EvaluateScript' && !e.args?.data?.url)) continue;
  if (inside.some((e) => e.args?.chrome_mojo_event_info?.mojo_interface_tag?.includes('DevTools')))
    continue;
  cpu += task.cpu;
  blocking += Math.max(0, task.cpu - 50);
  if (task.ts >= fcpAt) blockingAfterFcp += Math.max(0, task.cpu - 50);
  const kinds = Object.entries(KINDS)
    .map(([kind, names]) => [
      kind,
      inside.filter((e) => names.includes(e.name)).reduce((sum, e) => sum + e.dur / 1000, 0),
    ])
    .filter(([, ms]) => ms >= 3)
    .map(([kind, ms]) => `${kind} ${ms.toFixed(0)}`);
  const at = ((task.ts - start) / 1000).toFixed(0);
  console.log(
    `@${at} ms: ${task.dur.toFixed(0)} ms, CPU ${task.cpu.toFixed(0)} ms  ${kinds.join(', ')}`,
  );
  const total = new Map();
  for (const s of samples.filter((s) => s.at >= task.ts && s.at <= task.end)) {
    const seen = new Set();
    for (let id = s.id; id !== undefined; id = parent.get(id)) seen.add(label(nodes.get(id)));
    for (const l of seen) total.set(l, (total.get(l) ?? 0) + s.ms);
  }
  const top = [...total].filter(([l]) => named(l)).sort((a, b) => b[1] - a[1]);
  if (top.length > 0)
    console.log(
      `    ${top
        .slice(0, 14)
        .map(([l, ms]) => `${l} ${ms.toFixed(0)}`)
        .join(' | ')}`,
    );
}
const paint = (name) => events.filter((e) => e.name === name && e.pid === main.pid).at(-1);
const since = (e) => (e ? `${((e.ts - start) / 1000).toFixed(0)} ms` : '—');
console.log(
  `\nCPU in tasks of ${min} ms or more: ${cpu.toFixed(0)} ms; blocking (over 50 ms each): ${blocking.toFixed(0)} ms, after FCP ${blockingAfterFcp.toFixed(0)} ms`,
);
console.log(
  `FCP ${since(paint('firstContentfulPaint'))}, LCP ${since(paint('largestContentfulPaint::Candidate'))}`,
);
console.log(
  JSON.stringify({
    cpuMs: Math.round(cpu),
    blockingMs: Math.round(blocking),
    afterFcpMs: Math.round(blockingAfterFcp),
  }),
);
