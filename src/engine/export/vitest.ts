// A counterexample as a Vitest test file: replays the schedule through the engine and asserts the invariant, for the buggy and a correct strategy.

import type { KnobValues } from '../../scenarios/types.ts';

export interface VitestExport {
  readonly scenario: string;
  readonly seed: number;
  readonly knobs: KnobValues;
  readonly schedule: string;
  readonly summary: string;
  readonly invariant: string;
  /** The strategy that breaks on the schedule: its test is marked `test.fails`. */
  readonly broken: string;
  /** A strategy that holds on the same schedule. */
  readonly holds: string;
  /** The module that exports createEngine (a path into a Twice checkout, or a package name). */
  readonly engineModule: string;
}

const js = (value: unknown) => JSON.stringify(value);
// The generated file's own imports: named here, so nothing reads them as this module's imports.
const SQL_JS = 'sql.js';
const VITEST = 'vitest';

/**
 * The file's text. The invariant is asserted the same way for both strategies: the buggy one's
 * test is `test.fails` (it fails, so the file is green while the bug is there; fix the
 * strategy and it turns red, telling you to drop the marker), the correct one's is a plain test.
 */
export function exportVitest(x: VitestExport): string {
  return `// Twice counterexample: ${x.broken} breaks ${x.invariant} in ${x.scenario}. ${x.summary}.
import initSqlJs from ${js(SQL_JS)};
import { expect, test } from ${js(VITEST)};
import { createEngine } from ${js(x.engineModule)};

const SCHEDULE = ${js(x.schedule)};
const OPTIONS = { scenario: ${js(x.scenario)}, seed: ${x.seed}, knobs: ${js(x.knobs)}, schedule: SCHEDULE };

/** Replays the schedule for one strategy and returns the invariant's verdict. */
async function invariant(strategy: string) {
  const engine = createEngine(await initSqlJs());
  const run = engine.run({ ...OPTIONS, strategies: [strategy] });
  const found = run.runs[0]?.invariants.find((i) => i.id === ${js(x.invariant)});
  if (!found) throw new Error('the run did not check ${x.invariant}');
  return found;
}

// Fails today: ${x.broken} breaks the invariant on this schedule.
test.fails(${js(`${x.broken} keeps ${x.invariant}`)}, async () => {
  expect((await invariant(${js(x.broken)})).holds).toBe(true);
});

test(${js(`${x.holds} keeps ${x.invariant}`)}, async () => {
  expect((await invariant(${js(x.holds)})).holds).toBe(true);
});
`;
}
