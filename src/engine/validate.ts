// Checks run options before anything runs: bad input gets an Error naming the value and what is allowed.

import { resolveKnobs } from '../scenarios/knobs.ts';
import { SCENARIOS } from '../scenarios/index.ts';
import type { KnobValues, Scenario } from '../scenarios/types.ts';
import type { RunOptions } from './types.ts';

const OPTION_NAMES = ['scenario', 'seed', 'faults', 'strategies', 'knobs', 'schedule'];
export const MAX_SEED = 4294967295;

export interface ValidRun {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly faults: boolean;
  readonly strategies: readonly string[];
  readonly knobs: KnobValues;
}

export function findScenario(id: unknown): Scenario {
  const scenario = typeof id === 'string' ? SCENARIOS.get(id) : undefined;
  if (!scenario) {
    throw new Error(
      `Unknown scenario ${JSON.stringify(id)}. Scenarios: ${[...SCENARIOS.keys()].join(', ')}`,
    );
  }
  return scenario;
}

export function validateRun(options: RunOptions): ValidRun {
  if (typeof options !== 'object' || options === null)
    throw new Error(
      'run() takes an options object: { scenario, seed?, faults?, strategies?, knobs? }',
    );
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name))
      throw new Error(`Unknown run option "${name}". Options: ${OPTION_NAMES.join(', ')}`);
  }
  const scenario = findScenario(options.scenario);
  const seed = options.seed === undefined ? scenario.storySeed : options.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new Error(
      `Seed ${JSON.stringify(seed)} is not allowed; a seed is an integer from 0 to ${MAX_SEED}`,
    );
  }
  const faults = options.faults ?? true;
  if (typeof faults !== 'boolean')
    throw new Error(`faults is ${JSON.stringify(faults)}; it must be true or false`);
  const strategies = options.strategies ?? scenario.defaultStrategies;
  if (!Array.isArray(strategies) || strategies.length === 0) {
    throw new Error(
      `strategies must be a non-empty list. Strategies for "${scenario.id}": ${scenario.strategies.join(', ')}`,
    );
  }
  for (const id of strategies) {
    if (!scenario.strategies.includes(id)) {
      throw new Error(
        `Unknown strategy ${JSON.stringify(id)} for scenario "${scenario.id}". Strategies: ${scenario.strategies.join(', ')}`,
      );
    }
  }
  if (new Set(strategies).size !== strategies.length)
    throw new Error(`strategies lists one strategy twice: ${strategies.join(', ')}`);
  const knobs = resolveKnobs(scenario.id, scenario.knobs, options.knobs);
  return { scenario, seed, faults, strategies, knobs };
}
