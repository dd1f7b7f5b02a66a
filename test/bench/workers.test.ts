// The bench page's worker pool size and its workers table (the timing itself runs only in Chromium).
import { expect, test } from 'vitest';
import { formatWorkerTable } from '../../src/bench/format.ts';
import { poolSize, type WorkerRow } from '../../src/bench/workers.ts';

test('the pool is hardwareConcurrency − 1, at least 1 and at most 8', () => {
  expect([0, 1, 2, 3, 8, 9, 10, 64].map(poolSize)).toEqual([1, 1, 1, 2, 7, 8, 8, 8]);
});

test('the workers table: a row per worker count; a merge that differs from one worker says so', () => {
  const row = (workers: number, runsPerSec: number, sameAsOne: boolean): WorkerRow => ({
    workers,
    seeds: 2000,
    runs: 4000,
    ms: Math.round(4_000_000 / runsPerSec),
    runsPerSec,
    speedup: runsPerSec / 500,
    sameAsOne,
  });
  const lines = formatWorkerTable([row(1, 500, true), row(2, 850, true), row(3, 900, false)]).split(
    '\n',
  );
  expect(lines[0]).toMatch(/^workers\s+seeds\s+strategy-runs\s+ms\s+runs\/s\s+× one\s+merged$/);
  expect(lines.slice(1).map((l) => l.trim().split(/\s{2,}/))).toEqual([
    ['1', '2000', '4000', '8000', '500', '1.00', '-'],
    ['2', '2000', '4000', '4706', '850', '1.70', 'same as one'],
    ['3', '2000', '4000', '4444', '900', '1.80', 'DIFFERS'],
  ]);
});
