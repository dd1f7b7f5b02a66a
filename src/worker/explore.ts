// The explorer's worker API: engine.explore with progress and a cancel call, which strategies replay each counterexample, and its exports.
import {
  describeSchedule,
  exportHttp,
  exportSteps,
  exportVitest,
  parseSchedule,
  type Engine,
  type ExploreOptions,
  type ExploreResult,
  type StrategyRun,
  type VitestExport,
} from '../engine/index.ts';

type KnobValues = ExploreResult['knobs'];

/** What the page gets back: the engine's result, and per counterexample schedule the strategies that replay it. */
export interface Exploration {
  readonly result: ExploreResult;
  /**
   * By schedule text: the explored strategies whose runs reach every decision it names, so the
   * side-by-side view can replay it for all of them at once (a step or a tie one strategy has
   * and another lacks does not fit the other).
   */
  readonly replayable: Readonly<Record<string, readonly string[]>>;
}

export type ExportKind = 'vitest' | 'steps' | 'http';

/** One counterexample to export, as the page shows it: what the test file names, and which strategies. */
export interface ExportRequest extends Omit<VitestExport, 'broken' | 'holds' | 'engineModule'> {
  readonly kind: ExportKind;
  /** The strategy that breaks on the schedule. */
  readonly strategy: string;
  /** Strategies to try, in order, for the test file's holding side (the story's correct ones are tried after). */
  readonly holds: readonly string[];
}

export interface ExportedFile {
  readonly name: string;
  readonly type: string;
  readonly text: string;
}

/** Where the test file finds the engine: it is meant for the `test/` folder of a Twice checkout. */
export const ENGINE_MODULE = '../src/engine/index.ts';

/** The host's pacing: a macrotask pause, so a cancel gets through, and its clock. */
export interface Pacing {
  readonly pause: () => Promise<void>;
  readonly now: () => number;
}

/** A file name part: lower-case letters, digits and dashes only. */
const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

export function createExploreApi(engine: () => Promise<Engine>, pacing: Pacing) {
  /** The exploration in flight; a cancel aborts it, and it resolves with what ran. */
  let current: AbortController | null = null;

  /** The run of one strategy under a schedule, or null when the schedule does not fit it. */
  function replay(
    e: Engine,
    base: { scenario: string; seed: number; knobs: KnobValues; schedule: string },
    strategy: string,
  ): StrategyRun | null {
    try {
      return e.run({ ...base, strategies: [strategy] }).runs[0] ?? null;
    } catch {
      return null;
    }
  }

  return {
    async explore(
      options: ExploreOptions,
      onProgress?: (done: number, total: number) => void,
    ): Promise<Exploration> {
      const e = await engine();
      current?.abort();
      const controller = new AbortController();
      current = controller;
      try {
        const result = await e.explore(options, {
          signal: controller.signal,
          pause: pacing.pause,
          now: pacing.now,
          ...(onProgress ? { onProgress } : {}),
        });
        const base = { scenario: result.scenario, seed: result.seed, knobs: result.knobs };
        const explored = result.strategies.map((s) => s.strategy);
        const schedules = new Set(
          result.strategies.flatMap((s) => s.counterexamples.map((c) => c.schedule)),
        );
        const replayable: Record<string, string[]> = {};
        for (const schedule of schedules)
          replayable[schedule] = explored.filter(
            (strategy) => replay(e, { ...base, schedule }, strategy) !== null,
          );
        return { result, replayable };
      } finally {
        if (current === controller) current = null;
      }
    },

    /** Stops the exploration in flight between two schedules; it resolves with what ran. */
    cancel(): void {
      current?.abort();
    },

    /** A schedule's text in words, for the page's "replaying" note; a text that does not parse throws. */
    describe(schedule: string): string {
      return describeSchedule(parseSchedule(schedule));
    },

    /** A counterexample as a file: the test that replays it, its steps in words, or its HTTP transcript. */
    async exportFile(request: ExportRequest): Promise<ExportedFile> {
      const e = await engine();
      const { kind, scenario, seed, knobs, schedule, summary, invariant, strategy } = request;
      const base = { scenario, seed, knobs, schedule };
      const name = `twice-${slug(scenario)}-${slug(strategy)}-${slug(invariant)}`;
      if (kind === 'vitest') {
        const info = e.scenarios().find((s) => s.id === scenario);
        const correct = info?.strategies.filter((s) => s.correct).map((s) => s.id) ?? [];
        const candidates = [...new Set([...request.holds, ...correct])].filter(
          (id) => id !== strategy,
        );
        const holds = candidates.find((id) =>
          replay(e, base, id)?.invariants.some((i) => i.id === invariant && i.holds),
        );
        if (holds === undefined)
          throw new Error(
            `No strategy of this story keeps ${invariant} on this schedule, so the test file has no passing side`,
          );
        const text = exportVitest({
          ...base,
          summary,
          invariant,
          broken: strategy,
          holds,
          engineModule: ENGINE_MODULE,
        });
        const note = `// Save it in the test/ folder of a Twice checkout and run: npx vitest run test/${name}.test.ts\n`;
        return { name: `${name}.test.ts`, type: 'text/typescript', text: note + text };
      }
      const run = replay(e, base, strategy);
      if (!run)
        throw new Error(`The schedule ${schedule} does not replay for ${strategy} in ${scenario}`);
      const title = `Twice: ${strategy} breaks ${invariant} in ${scenario} (seed ${seed}, schedule ${schedule}). ${summary}.`;
      if (kind === 'steps')
        return {
          name: `${name}-steps.txt`,
          type: 'text/plain',
          text: exportSteps(title, run.trace, run.operations),
        };
      return {
        name: `${name}.http`,
        type: 'text/plain',
        text: exportHttp({ title, schedule, summary }, run.trace, run.operations),
      };
    },
  };
}

export type ExploreApi = ReturnType<typeof createExploreApi>;
