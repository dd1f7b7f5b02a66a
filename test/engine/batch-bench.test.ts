// The batch benchmark's shape: a row per story with its default strategies, rates from the caller's clock.
import { expect, test } from 'vitest';
import { batchRunsPerSec, benchBatches, formatBatchTable } from '../../src/engine/batch-bench.ts';
import { loadEngine } from '../support/engine.ts';
import { loadSql } from '../support/sql.ts';

test('one row per story: default strategies × seeds runs, timed by the given clock', async () => {
  const stories = (await loadEngine()).scenarios();
  // A clock that advances 100 ms per reading: each timed batch spans exactly one step.
  let ms = 0;
  const rows = await benchBatches(await loadSql(), () => (ms += 100), 2);
  expect(rows.map((r) => [r.scenario, r.strategies, r.runs, r.ms])).toEqual(
    stories.map((s) => [s.id, s.defaultStrategies.length, 2 * s.defaultStrategies.length, 100]),
  );
  expect(rows.map((r) => r.runsPerSec)).toEqual(rows.map((r) => r.runs * 10));
  expect(batchRunsPerSec(rows)).toEqual(
    Object.fromEntries(rows.map((r) => [r.scenario, r.runsPerSec])),
  );
  const table = formatBatchTable(rows).split('\n');
  expect(table[0]).toMatch(/^story\s+strategies\s+strategy-runs\s+ms\s+runs\/s$/);
  expect(table).toHaveLength(stories.length + 1);
});
