// The run's compact form across the worker boundary: each trace one JSON text, unpacked to the same RunResult.
import { expect, test } from 'vitest';
import { unpackResult } from '../../src/ui/engine-client.ts';
import { packResult } from '../../src/worker/packed.ts';
import { loadEngine } from '../support/engine.ts';

test('a packed run carries each trace as one string and unpacks to exactly the engine’s result', async () => {
  const engine = await loadEngine();
  const result = engine.run({
    scenario: 'retry-amplification',
    strategies: ['naive', 'idempotency-key'],
  });
  const packed = packResult(result);
  for (const run of packed.runs) expect(typeof run.trace).toBe('string');
  // What crosses is a clone of the packed form: plain data, no engine objects.
  const unpacked = await unpackResult(structuredClone(packed));
  expect(unpacked).toEqual(result);
  expect(unpacked.runs.map((r) => r.traceHash)).toEqual(result.runs.map((r) => r.traceHash));
});
