// Saved experiments: their shape, the export file, and the import check. The shape is checked with
// valibot; what a link may hold (story, strategies, knob ranges) is checked by url-state's parser.
import * as v from 'valibot';
import type { ScenarioInfo } from '../../engine/types.ts';
import { MAX_SEEDS, MAX_STEPS } from '../often/often-link.ts';
import {
  MAX_SCHEDULE_CHARS,
  MAX_SEED,
  formatHash,
  parseHash,
  type PageState,
} from '../url-state.ts';

/** The export file's format; an import of a newer format is refused, not guessed at. */
export const FORMAT = 'twice-experiments';
export const FORMAT_VERSION = 1;
/** Bounds, so a hostile file cannot fill the store or the page. */
export const MAX_EXPERIMENTS = 1000;
export const MAX_TITLE = 200;
export const MAX_NOTE = 5000;

const text = (max: number) =>
  v.pipe(v.string(), v.maxLength(max, `is longer than ${max} characters`));
const time = v.pipe(v.number(), v.integer(), v.minValue(0));

const ExperimentSchema = v.strictObject({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  title: text(MAX_TITLE),
  note: text(MAX_NOTE),
  scenario: v.pipe(v.string(), v.maxLength(100)),
  seed: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_SEED)),
  strategies: v.pipe(
    v.array(v.pipe(v.string(), v.maxLength(100))),
    v.minLength(1),
    v.maxLength(50),
  ),
  faults: v.boolean(),
  knobs: v.record(
    v.pipe(v.string(), v.maxLength(100)),
    v.union([v.number(), v.boolean(), v.string()]),
  ),
  t: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(9_999_999))),
  // "How often?" settings (added within version 1: optional, so earlier exports still import).
  often: v.optional(
    v.strictObject({
      seeds: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_SEEDS)),
      // The first seed (added later still: absent means 0). That the batch ends by the last
      // seed is the link parser's check, below.
      from: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_SEED))),
      sweep: v.nullable(
        v.strictObject({
          knob: v.pipe(v.string(), v.maxLength(100)),
          from: v.number(),
          to: v.number(),
          steps: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(MAX_STEPS)),
        }),
      ),
    }),
  ),
  // Optional, so saves and exports from before the explorer still import.
  schedule: v.optional(v.pipe(v.string(), v.maxLength(MAX_SCHEDULE_CHARS))),
  createdAt: time,
  updatedAt: time,
  appVersion: text(50),
});

export type Experiment = v.InferOutput<typeof ExperimentSchema>;

const FileSchema = v.object({
  format: v.literal(FORMAT),
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  experiments: v.pipe(v.array(v.unknown()), v.maxLength(MAX_EXPERIMENTS)),
});

export interface ExportFile {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly exportedAt: number;
  readonly experiments: readonly Experiment[];
}

/** What an experiment shows: the page state a link would hold. */
export function stateOf(experiment: Experiment): PageState {
  const { scenario, seed, strategies, faults, knobs, t, often, schedule } = experiment;
  return {
    scenario,
    seed,
    strategies,
    faults,
    knobs,
    t,
    ...(often ? { often: { seeds: often.seeds, from: often.from ?? 0, sweep: often.sweep } } : {}),
    ...(schedule === undefined ? {} : { schedule }),
  };
}

export function exportFile(experiments: readonly Experiment[], exportedAt: number): ExportFile {
  return { format: FORMAT, version: FORMAT_VERSION, exportedAt, experiments };
}

export interface Refusal {
  /** 1-based position in the file, as a person counts. */
  readonly entry: number;
  readonly title: string | null;
  readonly reasons: readonly string[];
}

export interface ImportCheck {
  readonly accepted: readonly Experiment[];
  readonly refused: readonly Refusal[];
  /** The whole file was refused (not JSON, not ours, a newer format). */
  readonly fileError: string | null;
}

function issuesOf(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => {
    const path = v.getDotPath(issue);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

/** Why an entry of the right shape is still not a state this app can open; empty when it is. */
function meaningProblems(entry: Experiment, scenarios: readonly ScenarioInfo[]): string[] {
  const info = scenarios.find((s) => s.id === entry.scenario);
  if (!info) return [`there is no story “${entry.scenario}”`];
  const unknown = Object.keys(entry.knobs).filter((id) => !info.knobs.some((k) => k.id === id));
  const wrongType = info.knobs
    .filter((spec) => spec.id in entry.knobs)
    .filter((spec) => {
      const value = entry.knobs[spec.id];
      const wanted =
        spec.kind === 'bool' ? 'boolean' : spec.kind === 'choice' ? 'string' : 'number';
      return typeof value !== wanted;
    })
    .map((spec) => `knob “${spec.id}” has the wrong type`);
  // The link's own parser says what it would have to change; an entry it would change is refused.
  const { problems } = parseHash(formatHash(stateOf(entry), info), scenarios, info.id);
  return [...unknown.map((id) => `this story has no knob “${id}”`), ...wrongType, ...problems];
}

/** Checks every entry of an export file; keeps the valid ones and says exactly why others were refused. */
export function checkImport(data: unknown, scenarios: readonly ScenarioInfo[]): ImportCheck {
  if (typeof data !== 'object' || data === null || (data as { format?: unknown }).format !== FORMAT)
    return {
      accepted: [],
      refused: [],
      fileError: `The file was refused: it is not a Twice experiments file (no "format": "${FORMAT}").`,
    };
  const file = v.safeParse(FileSchema, data);
  if (!file.success)
    return {
      accepted: [],
      refused: [],
      fileError: `The file was refused: ${issuesOf(file.issues).join('; ')}.`,
    };
  if (file.output.version > FORMAT_VERSION)
    return {
      accepted: [],
      refused: [],
      fileError: `The file was refused: it is format version ${file.output.version}, and this Twice reads up to ${FORMAT_VERSION}. Update Twice to import it.`,
    };
  const accepted: Experiment[] = [];
  const refused: Refusal[] = [];
  file.output.experiments.forEach((raw, i) => {
    const title =
      typeof raw === 'object' &&
      raw !== null &&
      typeof (raw as { title?: unknown }).title === 'string'
        ? (raw as { title: string }).title.slice(0, MAX_TITLE) || null
        : null;
    const parsed = v.safeParse(ExperimentSchema, raw);
    const reasons = parsed.success
      ? meaningProblems(parsed.output, scenarios)
      : issuesOf(parsed.issues);
    if (parsed.success && reasons.length === 0) accepted.push(parsed.output);
    else refused.push({ entry: i + 1, title, reasons });
  });
  return { accepted, refused, fileError: null };
}

/** The same experiment, ignoring when it was saved: importing it again adds nothing. */
export function sameExperiment(a: Experiment, b: Experiment): boolean {
  const key = (e: Experiment) =>
    JSON.stringify([
      e.id,
      e.title,
      e.note,
      e.scenario,
      e.seed,
      e.strategies,
      e.faults,
      Object.entries(e.knobs).sort(([x], [y]) => x.localeCompare(y)),
      e.t,
      stateOf(e).often ?? null,
      e.schedule ?? null,
      e.appVersion,
    ]);
  return key(a) === key(b);
}
