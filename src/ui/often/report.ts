// What a batch or sweep says, in numbers and words: rates with intervals, failing seeds, the settings behind a chart.
import type { ScenarioInfo } from '../../engine/types.ts';
import type { KnobValues } from '../../scenarios/types.ts';
import type { SweepPointResult } from './pool.ts';

/** The options a batch ran with: what makes a result stale when the page moves on. */
export interface BatchSettings {
  readonly scenario: string;
  readonly strategies: readonly string[];
  readonly faults: boolean;
  /** Only the knobs that differ from the story's defaults, as the page holds them. */
  readonly knobs: Readonly<Record<string, string | number | boolean>>;
}

export function sameSettings(a: BatchSettings, b: BatchSettings, except?: string): boolean {
  const knobs = (k: BatchSettings['knobs']) =>
    JSON.stringify(
      Object.entries(k)
        .filter(([id]) => id !== except)
        .sort(([x], [y]) => x.localeCompare(y)),
    );
  return (
    a.scenario === b.scenario &&
    a.faults === b.faults &&
    a.strategies.join() === b.strategies.join() &&
    knobs(a.knobs) === knobs(b.knobs)
  );
}

/** A rate as a percentage: whole zeros and ones plainly, tiny rates with two significant digits. */
export function percent(rate: number): string {
  if (rate === 0 || rate === 1) return `${rate * 100} %`;
  const p = rate * 100;
  if (p < 0.1) return `${p.toPrecision(2)} %`;
  return `${p.toFixed(1)} %`;
}

export const count = (n: number): string => n.toLocaleString('en');

/** "812 of 1,000 runs broke an invariant: 81.2 % (95 % interval 78.7 % to 83.5 %)". */
export function rateSentence(s: {
  violated: number;
  runs: number;
  interval: { low: number; high: number };
}): string {
  if (s.runs === 0) return 'No run finished.';
  const rate = s.violated / s.runs;
  return `${count(s.violated)} of ${count(s.runs)} runs broke an invariant: ${percent(rate)} (95 % interval ${percent(s.interval.low)} to ${percent(s.interval.high)}).`;
}

/** Seeds in a range as a person reads them: "seed 0", "seeds 0 to 999". */
export function seedRange(seeds: { from: number; count: number }): string {
  return seeds.count === 1
    ? `seed ${seeds.from}`
    : `seeds ${count(seeds.from)} to ${count(seeds.from + seeds.count - 1)}`;
}

/** A knob's value with its unit, ratios as percentages, as the knobs panel shows them. */
export function knobText(info: ScenarioInfo, id: string, value: unknown): string {
  const spec = info.knobs.find((k) => k.id === id);
  if (!spec) return `${id} ${String(value)}`;
  if (spec.kind === 'ratio' && typeof value === 'number')
    return `${Number((value * 100).toFixed(2))} %`;
  if (spec.kind === 'bool') return value ? 'on' : 'off';
  const unit = 'unit' in spec && spec.unit ? ` ${spec.unit}` : '';
  return `${String(value)}${unit}`;
}

/**
 * Every setting that shapes a result, in words: the seeds, faults, and each knob that differs from
 * its default ("Retries 5 (default 3)"). A hidden setting misleads a reader of a chart.
 */
export function settingsLine(
  info: ScenarioInfo,
  run: { faults: boolean; seeds: { from: number; count: number }; knobs: KnobValues },
  except?: string,
): string {
  const knobs = info.knobs
    .filter(
      (k) => k.id !== except && run.knobs[k.id] !== undefined && run.knobs[k.id] !== k.default,
    )
    .map(
      (k) =>
        `${k.label} ${knobText(info, k.id, run.knobs[k.id])} (default ${knobText(info, k.id, k.default)})`,
    );
  const per = except === undefined ? '' : ' per point';
  return [
    `${count(run.seeds.count)} seeds${per} (${seedRange(run.seeds)})`,
    run.faults ? 'faults on' : 'faults off',
    ...(knobs.length === 0 ? ['every other knob at its default'] : knobs),
  ].join(' · ');
}

/**
 * The same batch (or sweep) in a terminal: `npm run batch -- <story> --seeds N [--from S] …`, each
 * setting spelled as scripts/batch.mjs reads it (the first seed only when it is not 0).
 */
export function cliCommand(
  settings: BatchSettings,
  seeds: { readonly from: number; readonly count: number },
  sweep?: { readonly knob: string; readonly values: readonly number[] },
): string {
  const knobs = Object.entries(settings.knobs)
    .filter(([id]) => id !== sweep?.knob)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, value]) => `--k.${id}=${String(value)}`);
  return [
    'npm run batch --',
    settings.scenario,
    `--seeds ${seeds.count}`,
    ...(seeds.from === 0 ? [] : [`--from ${seeds.from}`]),
    `--strategies ${settings.strategies.join(',')}`,
    ...(settings.faults ? [] : ['--faults=0']),
    ...knobs,
    ...(sweep ? [`--sweep ${sweep.knob}=${sweep.values.join(',')}`] : []),
  ].join(' ');
}

/** A strategy's failing seeds over all its invariants: the first `limit`, ascending, each once. */
export function failingSeeds(
  invariants: readonly { readonly seeds: readonly number[] }[],
  limit = 20,
): number[] {
  return [...new Set(invariants.flatMap((i) => i.seeds))].sort((a, b) => a - b).slice(0, limit);
}

/** One strategy's line on the sweep chart: per value, its rate and Wilson interval. */
export interface SweepSeries {
  readonly strategy: string;
  readonly points: readonly {
    readonly x: number;
    readonly rate: number;
    readonly low: number;
    readonly high: number;
    readonly violated: number;
    readonly runs: number;
    readonly partial: boolean;
  }[];
}

/** The sweep's points turned into one series per strategy, in the order the batch lists them. */
export function sweepSeries(points: readonly SweepPointResult[]): SweepSeries[] {
  const ids = points[0]?.batch.strategies.map((s) => s.strategy) ?? [];
  return ids.map((strategy) => ({
    strategy,
    points: points.flatMap(({ value, batch }) => {
      const s = batch.strategies.find((x) => x.strategy === strategy);
      if (!s || s.runs === 0) return [];
      return [
        {
          x: value,
          rate: s.violated / s.runs,
          low: s.interval.low,
          high: s.interval.high,
          violated: s.violated,
          runs: s.runs,
          partial: batch.partial === true,
        },
      ];
    }),
  }));
}

/** The histogram bars of one effect, ready to draw: each value's share of the runs. */
export function histogramBars(
  histogram: readonly (readonly [number, number])[],
  runs: number,
): { value: number; runs: number; share: number }[] {
  return histogram.map(([value, n]) => ({ value, runs: n, share: runs === 0 ? 0 : n / runs }));
}
