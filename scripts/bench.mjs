// npm run bench: the Node benchmark (see src/engine/benchmark.ts); last line is one JSON object.
import { runnerImport } from 'vite';
import initSqlJs from 'sql.js';

const { module } = await runnerImport('/src/engine/benchmark.ts', { logLevel: 'error' });
const { module: format } = await runnerImport('/src/bench/format.ts', { logLevel: 'error' });
const SQL = await initSqlJs();
const { rows, summary } = module.runBenchmark(SQL, () => performance.now());
console.log(
  `Twice benchmark — payment-lost-response × idempotency-key, traces off (Node ${process.version})`,
);
console.log(format.formatTable(rows));
if (rows.some((r) => !r.invariantsHold))
  console.log('WARNING: an invariant broke during the benchmark');
console.log(JSON.stringify(summary));
