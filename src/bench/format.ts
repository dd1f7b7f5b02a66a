// The tables the benchmarks print: intents (Node and browser) and batches over several workers (browser).
import type { BenchRow } from '../engine/benchmark.ts';
import type { ExploreBench } from '../engine/explore-bench.ts';
import type { WorkerRow } from './workers.ts';

export function formatTable(rows: readonly BenchRow[]): string {
  const header = [
    'intents',
    'SQL entries',
    'simulation ms',
    'floor ms',
    'µs/intent',
    'floor ratio',
    'charges',
    'invariants',
  ];
  const body = rows.map((r) =>
    [
      r.intents,
      r.statements,
      r.simulationMs,
      r.floorMs,
      r.usPerIntent,
      r.floorRatio,
      r.charges,
      r.invariantsHold ? 'hold' : 'BROKEN',
    ].map(String),
  );
  return aligned(header, body);
}

/** Columns right-aligned to their widest cell. */
function aligned(header: readonly string[], body: readonly string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

/** The workers table: one row per worker count, with its speed-up and whether its merge matched. */
export function formatWorkerTable(rows: readonly WorkerRow[]): string {
  const header = ['workers', 'seeds', 'strategy-runs', 'ms', 'runs/s', '× one', 'merged'];
  const body = rows.map((r) =>
    [
      r.workers,
      r.seeds,
      r.runs,
      r.ms,
      r.runsPerSec,
      r.speedup.toFixed(2),
      r.workers === 1 ? '-' : r.sameAsOne ? 'same as one' : 'DIFFERS',
    ].map(String),
  );
  return aligned(header, body);
}

/** The explorer's line (Node and browser). */
export function formatExplore(e: ExploreBench): string {
  const cpu =
    e.cpuMs === undefined
      ? ''
      : `; CPU ${e.cpuMs} ms, ${e.schedulesPerCpuSec} schedules per CPU second`;
  return `Explorer — ${e.scenario}, maxFaults ${e.maxFaults}, naive + idempotency-key: ${e.schedules} schedules (${e.complete ? 'complete' : 'cut'}), ${e.passes} times after ${e.warmups} untimed, in ${e.ms} ms, ${e.schedulesPerSec} schedules/s${cpu}`;
}
