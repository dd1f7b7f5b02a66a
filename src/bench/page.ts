// The browser benchmark page's script: asks its own worker for the benchmark and shows it.
import * as Comlink from 'comlink';
import type { BenchApi } from '../worker/bench.worker.ts';
import { batchRunsPerSec, formatBatchTable } from '../engine/batch-bench.ts';
import { formatTable } from './format.ts';

const output = document.getElementById('result');
const worker = new Worker(new URL('../worker/bench.worker.ts', import.meta.url), {
  type: 'module',
  name: 'twice-bench',
});
const api = Comlink.wrap<BenchApi>(worker);
// Sizes may be narrowed for a quick look: index.html?sizes=1000,10000
const sizes = new URLSearchParams(location.search).get('sizes')?.split(',').map(Number);

try {
  const { rows, summary } = await api.benchmark(sizes);
  const batches = await api.batchBenchmark();
  const all = { ...summary, batchRunsPerSec: batchRunsPerSec(batches) };
  if (output)
    output.textContent = `${formatTable(rows)}\n\nBatch throughput, one worker (strategy-runs/s)\n${formatBatchTable(batches)}\n${JSON.stringify(all)}`;
  document.body.dataset.done = 'true';
} catch (error) {
  if (output)
    output.textContent = `failed: ${error instanceof Error ? error.message : String(error)}`;
  document.body.dataset.done = 'failed';
}
