// engine.sweep: one batch per value of one knob, every value checked as a knob value first.

import { resolveKnobs } from '../scenarios/knobs.ts';
import { batchWith, validateBatch } from './batch.ts';
import type { ReusedDbs } from './reused-db.ts';
import { Pacer } from './pacer.ts';
import type { BatchHooks, SweepOptions, SweepPoint, SweepResult } from './types.ts';

/** The most values one sweep takes: a chart's worth, and a bound on the work one call asks for. */
export const MAX_SWEEP_VALUES = 50;

export async function runSweep(
  dbs: ReusedDbs,
  options: SweepOptions,
  hooks: BatchHooks = {},
): Promise<SweepResult> {
  const base = validateBatch(options, ['knob', 'values']);
  const { scenario } = base;
  const { knob, values } = options;
  if (!scenario.knobs.some((k) => k.id === knob))
    throw new Error(
      `Unknown knob ${JSON.stringify(knob)} to sweep in scenario "${scenario.id}". Knobs: ${scenario.knobs.map((k) => k.id).join(', ')}`,
    );
  if (!Array.isArray(values) || values.length === 0 || values.length > MAX_SWEEP_VALUES)
    throw new Error(
      `values is ${JSON.stringify(values)}; a sweep takes a list of 1 to ${MAX_SWEEP_VALUES} values of knob "${knob}"`,
    );
  if (new Set(values).size !== values.length)
    throw new Error(
      `values lists one value twice: ${values.map((v) => JSON.stringify(v)).join(', ')}`,
    );
  // Every value checked before anything runs: a bad last value must not cost the first batches.
  const points = values.map((value) => ({
    value,
    knobs: resolveKnobs(scenario.id, scenario.knobs, { ...options.knobs, [knob]: value }),
  }));
  const pacer = new Pacer(hooks, base.seeds.count * points.length);
  const done: SweepPoint[] = [];
  for (const point of points) {
    if (pacer.cancelled) break;
    const { ran, strategies } = await batchWith(dbs, { ...base, knobs: point.knobs }, pacer);
    const value = point.knobs[knob];
    if (value === undefined) throw new Error(`sweep: knob "${knob}" lost its value`);
    done.push({ value, strategies, ...(ran < base.seeds.count ? { partial: true as const } : {}) });
  }
  pacer.finish();
  const knobs = Object.fromEntries(Object.entries(base.knobs).filter(([id]) => id !== knob));
  return {
    scenario: scenario.id,
    faults: base.faults,
    seeds: base.seeds,
    knobs,
    knob,
    points: done,
    ...(done.length < points.length || done.some((p) => p.partial)
      ? { partial: true as const }
      : {}),
  };
}
