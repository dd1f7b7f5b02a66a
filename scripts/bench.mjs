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
const { module: batches } = await runnerImport('/src/engine/batch-bench.ts', { logLevel: 'error' });
const batchRows = await batches.benchBatches(SQL, () => performance.now());
console.log(
  `\nBatch throughput — each story's default strategies, traces off, strategy-runs per second`,
);
console.log(batches.formatBatchTable(batchRows));
// The explorer: schedules per second on the target case (src/engine/explore-bench.ts).
const { module: explorer } = await runnerImport('/src/engine/explore-bench.ts', {
  logLevel: 'error',
});
// CPU time beside wall time: on a shared machine the wall clock also counts waits for a core.
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const explored = await explorer.benchExplore(SQL, () => performance.now(), { cpu: cpuMs });
console.log(`\n${format.formatExplore(explored)}`);
console.log(
  JSON.stringify({
    ...summary,
    batchRunsPerSec: batches.batchRunsPerSec(batchRows),
    schedulesPerSec: explored.schedulesPerSec,
    schedulesPerCpuSec: explored.schedulesPerCpuSec,
  }),
);
