// The engine worker's page API in this thread: runs shaped as the worker shapes them, cloned as they cross.
import type { Engine, RunOptions } from '../../src/engine/index.ts';
import type { EngineClient } from '../../src/ui/engine-client.ts';
import type { PackedResult } from '../../src/worker/packed.ts';
import { RunShaper } from '../../src/worker/shape.ts';

/** `wait(options)` runs before each run answers (a slow run in a test). */
export function pageClient(
  engine: Engine,
  wait: (options: RunOptions) => Promise<void> = async () => undefined,
): EngineClient {
  const shaper = new RunShaper();
  const infos = engine.scenarios();
  return {
    scenarios: async () => infos,
    run: async (options): Promise<PackedResult> => {
      await wait(options);
      const result = engine.run(options);
      const info = infos.find((s) => s.id === result.scenario);
      if (!info) throw new Error(`unknown story ${result.scenario}`);
      // What crosses postMessage is a structured clone: plain data only.
      return structuredClone(shaper.shape(info, result));
    },
    narrationAt: async (handle, column, at) =>
      structuredClone(shaper.narrationAt(handle, column, at)),
  };
}
