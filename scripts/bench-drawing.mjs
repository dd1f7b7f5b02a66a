// npm run bench:drawing -- [--url U] [--port P] [--steps N] [--rounds N] [--only name]: the big links in headless Chromium, from the engine's answer to the page drawn, and a Step.
// A benchmark, not a test: it prints figures and fails only when a page does not load. Without
// --url it builds the site into a temporary folder and serves it on --port (default 4179); with
// --url (e.g. http://127.0.0.1:4845/twice/, a build served by scripts/serve.mjs) it opens that.
// Per link and round, from a Chrome performance trace of the page's main thread (thread time,
// which a loaded machine does not inflate the way it does wall time):
//   answer→drawn   wall and main-thread CPU from the `twice:answer` mark to `twice:drawn`, and
//                  the CPU to 1 s past drawn (what the result sets off once on screen);
//   longest task   the longest main-thread task from the answer to 1 s past drawn (CPU and wall),
//                  and the longest 'longtask' entry (wall) a PerformanceObserver saw in that span;
//   Step           one click of Step from the middle of the run to the next frame, N times:
//                  the median and the largest CPU (and wall), and the CPU of the 300 ms after the
//                  click (a smooth scroll's frames included).
// The machine's load average is printed with the figures: wall times stretch with it.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { benchPort, serveBuild } from './bench-page.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const PAYMENTS =
  'naive,idempotency-key,upsert,outbox,check-then-insert,key-after-effect,new-key-per-retry,global-key-scope,no-fingerprint,cache-5xx,no-lease-expiry,lease-no-fence';
/** The links of issue 13: the run that froze the page, and a dozen long columns. */
const LINKS = {
  freezing:
    '#scenario=retry-amplification&k.payments=20&k.retries=10&k.gatewayRetries=10&k.pspRetries=10&k.gatewayResponseLoss=1&k.pspLostReply=1',
  twelve: `#scenario=payment-lost-response&seed=12&strategies=${PAYMENTS}&k.payments=50`,
  default: '#scenario=payment-lost-response',
};

const { values: flags } = parseArgs({
  options: {
    url: { type: 'string' },
    port: { type: 'string' },
    steps: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
});
const steps = Number(flags.steps);
const rounds = Number(flags.rounds);
if (!(steps >= 1 && steps <= 500 && rounds >= 1 && rounds <= 20)) {
  console.error('--steps must be 1 to 500 and --rounds 1 to 20');
  process.exit(2);
}
const names = flags.only ? flags.only.split(',') : Object.keys(LINKS);
for (const name of names)
  if (!(name in LINKS)) {
    console.error(`--only takes ${Object.keys(LINKS).join(', ')}, not ${name}`);
    process.exit(2);
  }

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'toplevel',
  'blink.user_timing',
  '__metadata',
];

/** The page's main thread and its top-level tasks (the harness's own scripts left out), from a trace. */
function mainTasks(events) {
  const threads = events.filter(
    (e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain',
  );
  const marks = (t) =>
    events.filter((e) => e.pid === t.pid && e.tid === t.tid && e.name === 'twice:answer').length;
  const main = threads.reduce((best, t) => (marks(t) >= marks(best) ? t : best), threads[0]);
  const slices = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  // Playwright's scripts (evaluated without a URL) are the harness, not the page.
  const harness = slices
    .filter((e) => e.name === 'EvaluateScript' && !e.args?.data?.url)
    .map((e) => e.ts);
  const tasks = [];
  for (const e of slices.filter((e) => e.name === 'RunTask').sort((a, b) => a.ts - b.ts))
    if (e.ts >= (tasks.at(-1)?.end ?? -1))
      tasks.push({ ts: e.ts, end: e.ts + e.dur, dur: e.dur, cpu: e.tdur ?? e.dur });
  const page = tasks.filter((t) => !harness.some((at) => at >= t.ts && at <= t.end));
  const mark = (name) =>
    events
      .filter((e) => e.pid === main.pid && e.name === name)
      .map((e) => e.ts)
      .sort((a, b) => a - b);
  return { tasks, page, mark };
}

/** CPU (µs) of the tasks in [from, to], a task cut by an end counted by the share inside. */
function cpuIn(tasks, from, to) {
  let sum = 0;
  for (const t of tasks) {
    const inside = Math.min(t.end, to) - Math.max(t.ts, from);
    if (inside > 0) sum += t.cpu * (t.dur > 0 ? inside / t.dur : 1);
  }
  return sum;
}

const ms = (us) => us / 1000;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

/** One link, once, in a fresh browser: its figures. */
async function measure(browser, base, hash) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    serviceWorkers: 'block',
  });
  const page = await context.newPage();
  await page.addInitScript(() => {
    const w = window;
    w.benchLongTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.benchLongTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  });
  const cdp = await context.newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: CATEGORIES },
    transferMode: 'ReportEvents',
  });
  await page.goto(`${base}${hash}`);
  // One call that waits in the page: polling from here would run the harness in every frame.
  await page.evaluate(
    () =>
      new Promise((done) => {
        const drawn = () => performance.getEntriesByName('twice:drawn').length > 0;
        if (drawn()) return done();
        new PerformanceObserver((_, observer) => {
          if (drawn()) {
            observer.disconnect();
            done();
          }
        }).observe({ type: 'mark' });
      }),
  );
  await page.waitForTimeout(1500);
  const longTask = await page.evaluate(() => {
    const answer = performance.getEntriesByName('twice:answer').at(-1).startTime;
    const drawn = performance.getEntriesByName('twice:drawn').at(-1).startTime;
    const spans = window.benchLongTasks.filter(([at]) => at >= answer - 1 && at <= drawn + 1000);
    return Math.max(0, ...spans.map(([, d]) => d));
  });

  // The cursor to the middle of the run, then Step after Step, each to the next frame.
  const scrubber = page.getByRole('slider', { name: 'Cursor' });
  const last = Number(await scrubber.getAttribute('max'));
  await scrubber.fill(String(Math.floor(last / 2)));
  await page.waitForTimeout(1000);
  const stepWalls = [];
  for (let i = 0; i < steps; i++) {
    stepWalls.push(
      await page.evaluate(async () => {
        const button = document.querySelector('button[aria-label="Step"]');
        const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
        const start = performance.now();
        performance.mark('bench:step');
        button.click();
        await frame();
        performance.mark('bench:stepped');
        return performance.now() - start;
      }),
    );
    await page.waitForTimeout(350);
  }
  await cdp.send('Tracing.end');
  await complete;
  await context.close();

  const { tasks, page: pageTasks, mark } = mainTasks(events);
  const answer = mark('twice:answer').at(-1);
  const drawn = mark('twice:drawn').at(-1);
  const settled = drawn + 1_000_000;
  const after = pageTasks.filter((t) => t.end > answer && t.ts <= settled);
  const starts = mark('bench:step');
  const ends = mark('bench:stepped');
  const stepCpu = starts.map((s, i) => ms(cpuIn(tasks, s, ends[i] ?? s)));
  const settleCpu = starts.map((s) => ms(cpuIn(tasks, s, s + 300_000)));
  return {
    answerToDrawn: { wall: ms(drawn - answer), cpu: ms(cpuIn(pageTasks, answer, drawn)) },
    // Work the result sets off after it is drawn (the windows of columns coming into view) too.
    cpuToSettled: ms(cpuIn(pageTasks, answer, settled)),
    longestTask: {
      cpu: ms(Math.max(0, ...after.map((t) => t.cpu))),
      wall: ms(Math.max(0, ...after.map((t) => t.dur))),
      observed: longTask,
    },
    step: {
      cpuMedian: median(stepCpu),
      cpuMax: Math.max(...stepCpu),
      wallMedian: median(stepWalls),
      wallMax: Math.max(...stepWalls),
      settleCpuMedian: median(settleCpu),
      settleCpuMax: Math.max(...settleCpu),
    },
  };
}

const served = flags.url ? null : await serveBuild(benchPort(flags.port, 4179));
const base = flags.url ?? served.url;
process.on('SIGINT', () => process.exit(130));
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '—');
const results = {};
try {
  console.log(
    `Twice drawing benchmark (Chromium ${browser.version()}, 1280×900, ${steps} steps a round); load average before: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  for (const name of names) {
    results[name] = [];
    for (let round = 0; round < rounds; round++) {
      const r = await measure(browser, base, LINKS[name]);
      results[name].push({ ...r, load: Number(loadavg()[0].toFixed(1)) });
      console.log(
        `${name.padEnd(8)} answer→drawn ${f(r.answerToDrawn.wall)} ms wall, ${f(r.answerToDrawn.cpu)} ms CPU ` +
          `(to 1 s past drawn ${f(r.cpuToSettled)}); ` +
          `longest task ${f(r.longestTask.cpu)} ms CPU (${f(r.longestTask.wall)} wall, longtask ${f(r.longestTask.observed)}); ` +
          `Step CPU median ${f(r.step.cpuMedian)}, max ${f(r.step.cpuMax)} ms (wall ${f(r.step.wallMedian)}/${f(r.step.wallMax)}; ` +
          `300 ms after ${f(r.step.settleCpuMedian)}/${f(r.step.settleCpuMax)}); load ${loadavg()[0].toFixed(1)}`,
      );
    }
  }
  console.log(JSON.stringify(results));
} finally {
  await browser.close();
  served?.stop();
}
