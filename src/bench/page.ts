// The browser benchmark page's script: runs the benchmarks in its own workers and shows them, or hands a worker to a script (?drive).
import { batchRunsPerSec, formatBatchTable } from '../engine/batch-bench.ts';
import { formatExplore, formatTable, formatWorkerTable } from './format.ts';
import { benchWorkers, startBenchWorker, WORKER_SEEDS } from './workers.ts';

const output = document.getElementById('result');
const params = new URLSearchParams(location.search);
// Narrowed for a quick look: index.html?sizes=1000,10000&seeds=200, or ?only=workers.
const sizes = params.get('sizes')?.split(',').map(Number);
const seeds = Number(params.get('seeds') ?? WORKER_SEEDS);
const only = params.get('only');

/** The engine's own benchmarks in one worker: intents against the floor, every story's batches, the explorer. */
async function engineBenchmarks(): Promise<{ text: string; figures: object }> {
  const { api, worker } = startBenchWorker();
  try {
    const { rows, summary } = await api.benchmark(sizes);
    const batches = await api.batchBenchmark();
    const explored = await api.exploreBenchmark();
    return {
      text: [
        formatTable(rows),
        `\nBatch throughput, one worker (strategy-runs/s)\n${formatBatchTable(batches)}`,
        `\n${formatExplore(explored)}\n`,
      ].join('\n'),
      figures: {
        ...summary,
        batchRunsPerSec: batchRunsPerSec(batches),
        schedulesPerSec: explored.schedulesPerSec,
      },
    };
  } finally {
    worker.terminate();
  }
}

async function benchmark(): Promise<void> {
  try {
    const engine = only === 'workers' ? { text: '', figures: {} } : await engineBenchmarks();
    const workers = await benchWorkers(seeds);
    const sameAsOne = workers.rows.every((r) => r.sameAsOne);
    const figures = {
      ...engine.figures,
      workerBatch: {
        scenario: workers.scenario,
        seeds,
        hardwareConcurrency: workers.hardwareConcurrency,
        all: workers.all,
        runsPerSec: Object.fromEntries(workers.rows.map((r) => [r.workers, r.runsPerSec])),
        speedup: Object.fromEntries(workers.rows.map((r) => [r.workers, r.speedup])),
        sameAsOne,
      },
    };
    if (output)
      output.textContent = [
        `${engine.text}Batch throughput over workers: ${workers.scenario}, default strategies, traces off, seeds 0…${seeds - 1}, median of 3 rounds (hardwareConcurrency ${workers.hardwareConcurrency}, the page's pool ${workers.all})`,
        formatWorkerTable(workers.rows),
        JSON.stringify(figures),
      ].join('\n');
    // A merge that differs from one worker's result is a failure, whatever the speed.
    document.body.dataset.done = sameAsOne ? 'true' : 'failed';
  } catch (error) {
    if (output)
      output.textContent = `failed: ${error instanceof Error ? error.message : String(error)}`;
    document.body.dataset.done = 'failed';
  }
}

// index.html?drive: no benchmark; a bench worker is handed to a script (npm run determinism) as `twice`.
if (params.has('drive')) {
  Object.assign(globalThis, { twice: startBenchWorker().api });
  if (output) output.textContent = 'driven from outside';
  document.body.dataset.done = 'driven';
} else {
  await benchmark();
}
