// npm run story -- <scenario> [seed] [--faults=0] [--strategies=a,b] [--k.name=value ...] [--trace]
// Plays a story in Node and prints each strategy's verdicts and effects (and the trace with --trace).
import initSqlJs from 'sql.js';
import { runnerImport } from 'vite';

const args = process.argv.slice(2);
const positional = args.filter((a) => !a.startsWith('--'));
const flag = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const value = (v) =>
  v === 'true' ? true : v === 'false' ? false : isNaN(Number(v)) ? v : Number(v);
const knobs = Object.fromEntries(
  args
    .filter((a) => a.startsWith('--k.'))
    .map((a) => {
      const [name, v] = a.slice(4).split('=');
      return [name, value(v)];
    }),
);
const { module } = await runnerImport('/src/engine/index.ts', { logLevel: 'error' });
const engine = module.createEngine(await initSqlJs());
const [scenario, seed] = positional;
if (!scenario) {
  for (const s of engine.scenarios()) console.log(`${s.id} — ${s.summary}`);
  process.exit(0);
}
const result = engine.run({
  scenario,
  ...(seed === undefined ? {} : { seed: Number(seed) }),
  ...(flag('faults') === undefined ? {} : { faults: flag('faults') !== '0' }),
  ...(flag('strategies') ? { strategies: flag('strategies').split(',') } : {}),
  knobs,
});
console.log(`${result.scenario} seed ${result.seed} faults ${result.faults}`);
for (const run of result.runs) {
  console.log(`\n## ${run.strategy}  effects ${JSON.stringify(run.effects)}`);
  for (const i of run.invariants) console.log(`  ${i.holds ? '✓' : '✗'} ${i.id}: ${i.detail}`);
  if (args.includes('--trace'))
    for (const e of run.trace) if (e.kind !== 'choice') console.log(`    ${JSON.stringify(e)}`);
}
