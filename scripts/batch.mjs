// npm run batch -- <story> [--seeds N] [--from S] [--faults=0] [--strategies a,b] [--k.knob=v ...] [--sweep knob=v1,v2,...]
// Runs a story over many seeds (or a sweep of one knob) in Node: a progress bar on stderr, a table, then the result as one JSON line.
import cliProgress from 'cli-progress';
import initSqlJs from 'sql.js';
import { runnerImport } from 'vite';

const USAGE =
  'usage: npm run batch -- <story> [--seeds N] [--from S] [--faults=0] [--strategies a,b] [--k.knob=v ...] [--sweep knob=v1,v2,...]';
const FLAGS = ['seeds', 'from', 'faults', 'strategies', 'sweep'];
const value = (v) =>
  v === 'true' ? true : v === 'false' ? false : v === '' || isNaN(Number(v)) ? v : Number(v);

/** `--name value`, `--name=value` and `--k.knob=value`; anything else is refused with the usage. */
function parse(args) {
  const flags = {};
  const knobs = {};
  const positional = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s);
    const given = inline ?? args[++i];
    if (given === undefined) throw new Error(`--${name} needs a value\n${USAGE}`);
    if (name.startsWith('k.')) knobs[name.slice(2)] = value(given);
    else if (FLAGS.includes(name)) flags[name] = given;
    else throw new Error(`unknown flag --${name}\n${USAGE}`);
  }
  return { flags, knobs, positional };
}

/** Columns before `numbersFrom` and the last one are words (left-aligned); the rest are figures. */
function table(header, rows, numbersFrom) {
  const cells = rows.map((row) => row.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const words = (i) => i < numbersFrom || i === header.length - 1;
  const line = (row) => row.map((c, i) => (words(i) ? c.padEnd(widths[i]) : c.padStart(widths[i])));
  return [header, ...cells].map((row) => line(row).join('  ').trimEnd()).join('\n');
}

const percent = (x) => `${(x * 100).toFixed(1)} %`;

/** One row per strategy: how often it broke an invariant (with a 95 % interval) and its mean effects. */
function strategyRows(engine, strategies, label) {
  return strategies.map((s) => {
    const { low, high } = engine.wilson(s.violated, s.runs);
    const effects = Object.entries(s.effects)
      .map(([name, e]) => `${name} ${Number(e.mean.toFixed(2))} (${e.min}–${e.max})`)
      .join(', ');
    return [
      ...label,
      s.strategy,
      `${s.violated}/${s.runs}`,
      s.runs ? percent(s.violated / s.runs) : '–',
      `${percent(low)} – ${percent(high)}`,
      effects,
    ];
  });
}

function brokenLines(strategies, prefix = '') {
  return strategies.flatMap((s) =>
    s.invariants
      .filter((i) => i.broken > 0)
      .map(
        (i) =>
          `  ${prefix}${s.strategy} broke ${i.id} in ${i.broken} runs; first seeds: ${i.seeds.join(', ')}`,
      ),
  );
}

const { flags, knobs, positional } = parse(process.argv.slice(2));
const { module } = await runnerImport('/src/engine/index.ts', { logLevel: 'error' });
const engine = { ...module.createEngine(await initSqlJs()), wilson: module.wilson };
const [scenario] = positional;
if (!scenario || positional.length > 1) {
  console.error(USAGE);
  console.error(
    `stories: ${engine
      .scenarios()
      .map((s) => s.id)
      .join(', ')}`,
  );
  process.exit(2);
}
const options = {
  scenario,
  seeds: { from: Number(flags.from ?? 0), count: Number(flags.seeds ?? 1000) },
  ...(flags.faults === undefined ? {} : { faults: flags.faults !== '0' }),
  ...(flags.strategies ? { strategies: flags.strategies.split(',') } : {}),
  knobs,
};

// Ctrl-C cancels: the engine stops at the next seed and the part that ran is printed.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
const bar = new cliProgress.SingleBar(
  {
    format: ' {bar} {percentage}% | {value}/{total} seeds | ETA {eta_formatted}',
    hideCursor: true,
  },
  cliProgress.Presets.shades_classic,
);
const hooks = {
  signal: controller.signal,
  // The host brings the clock and the macrotask pause: the engine's core may not touch either.
  now: () => performance.now(),
  pause: () => new Promise((resolve) => setImmediate(resolve)),
  onProgress: (done, total) => {
    if (!bar.isActive) bar.start(total, 0);
    bar.update(done);
  },
};

let result;
try {
  if (flags.sweep) {
    const [knob, list = ''] = flags.sweep.split('=');
    result = await engine.sweep({ ...options, knob, values: list.split(',').map(value) }, hooks);
  } else {
    result = await engine.batch(options, hooks);
  }
} catch (error) {
  bar.stop();
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
bar.stop();

const header = ['strategy', 'violated', 'rate', '95 % interval', 'effects: mean (min–max)'];
const knobText = Object.entries(result.knobs)
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
if (flags.sweep) {
  console.log(
    `${result.scenario}: sweep of ${result.knob}, seeds ${result.seeds.from}…${result.seeds.from + result.seeds.count - 1}, faults ${result.faults}${result.partial ? ' (cancelled: partial)' : ''}`,
  );
  console.log(`knobs: ${knobText}\n`);
  const rows = result.points.flatMap((p) => strategyRows(engine, p.strategies, [String(p.value)]));
  console.log(table([result.knob, ...header], rows, 2));
  const broken = result.points.flatMap((p) =>
    brokenLines(p.strategies, `${result.knob}=${p.value}: `),
  );
  if (broken.length) console.log(`\n${broken.join('\n')}`);
} else {
  const last = result.seeds.from + result.seeds.count - 1;
  console.log(
    `${result.scenario}: seeds ${result.seeds.from}…${last} (${result.seeds.count}), faults ${result.faults}${result.partial ? ' (cancelled: partial)' : ''}`,
  );
  console.log(`knobs: ${knobText}\n`);
  console.log(table(header, strategyRows(engine, result.strategies, []), 1));
  const broken = brokenLines(result.strategies);
  if (broken.length) console.log(`\n${broken.join('\n')}`);
}
console.log(JSON.stringify(result));
