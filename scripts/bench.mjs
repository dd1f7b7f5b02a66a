// npm run bench: the Node benchmark (see src/bench/benchmark.ts); last line is one JSON object.
import { runnerImport } from 'vite';
import initSqlJs from 'sql.js';

const { module } = await runnerImport('/src/bench/benchmark.ts', { logLevel: 'error' });
const SQL = await initSqlJs();
const { rows, summary } = module.runBenchmark(SQL, () => performance.now());
console.log(
  `Twice benchmark — payment-lost-response × idempotency-key, traces off (Node ${process.version})`,
);
console.log(module.formatTable(rows));
if (rows.some((r) => !r.invariantsHold))
  console.log('WARNING: an invariant broke during the benchmark');
console.log(JSON.stringify(summary));
