// Playground: the page's state, and the one place that asks the engine for runs (the latest run wins).
import type { InvariantResult, RunResult, ScenarioInfo, StrategyRun } from '../engine/types.ts';
import type { EngineClient } from './engine-client.ts';

export const DEFAULT_SCENARIO = 'payment-lost-response';
export const MAX_SEED = 4_294_967_295;

type OperationResult = StrategyRun['operations'][number];

export type Status = 'loading' | 'running' | 'done' | 'failed';

export interface EffectCount {
  readonly name: string;
  readonly label: string;
  readonly count: number;
  /** True when another strategy produced a different count: where the eye should go. */
  readonly diverges: boolean;
}

export interface FaultCount {
  readonly label: string;
  readonly count: number;
}

/** One strategy's result, shaped for drawing. */
export interface Column {
  readonly id: string;
  readonly title: string;
  readonly correct: boolean;
  readonly summary: string;
  readonly verdict: 'ok' | 'violated';
  readonly broken: number;
  readonly effects: readonly EffectCount[];
  readonly operations: readonly OperationResult[];
  readonly faults: readonly FaultCount[];
  readonly invariants: readonly InvariantResult[];
  readonly traceHash: string;
}

/** A seed as typed, or null when it is not a whole number in 0..MAX_SEED. */
export function parseSeed(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,10}$/.test(trimmed)) return null;
  const seed = Number(trimmed);
  return seed <= MAX_SEED ? seed : null;
}

function faultsOf(run: StrategyRun): FaultCount[] {
  const count = (test: (e: StrategyRun['trace'][number]) => boolean) =>
    run.trace.filter(test).length;
  return [
    { label: 'request lost', count: count((e) => e.kind === 'lost' && e.message === 'request') },
    { label: 'response lost', count: count((e) => e.kind === 'lost' && e.message === 'response') },
    { label: 'delivered twice', count: count((e) => e.kind === 'duplicated') },
    { label: 'client timeout', count: count((e) => e.kind === 'timeout') },
    { label: 'server crash', count: count((e) => e.kind === 'crash') },
  ].filter((f) => f.count > 0);
}

/** Pairs each run with its strategy's description and the story's effect labels. */
export function columnsOf(info: ScenarioInfo, result: RunResult): Column[] {
  const differs = (name: string) => {
    const counts = result.runs.map((r) => r.effects[name] ?? 0);
    return counts.some((count) => count !== counts[0]);
  };
  return result.runs.map((run) => {
    const strategy = info.strategies.find((s) => s.id === run.strategy);
    const broken = run.invariants.filter((i) => !i.holds).length;
    return {
      id: run.strategy,
      title: strategy?.title ?? run.strategy,
      correct: strategy?.correct ?? false,
      summary: strategy?.summary ?? '',
      verdict: broken > 0 ? 'violated' : 'ok',
      broken,
      effects: info.effects.map(({ name, label }) => ({
        name,
        label,
        count: run.effects[name] ?? 0,
        diverges: differs(name),
      })),
      operations: run.operations,
      faults: faultsOf(run),
      invariants: run.invariants,
      traceHash: run.traceHash,
    };
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Ends a message with exactly one full stop, so it reads as a sentence in the alert. */
function sentence(text: string): string {
  return `${text.trim().replace(/[.\s]+$/, '')}.`;
}

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}

export class Playground {
  scenarios: readonly ScenarioInfo[] = $state.raw([]);
  scenarioId = $state(DEFAULT_SCENARIO);
  /** The last valid seed; the field may hold text that is not one (see seedError). */
  seed = $state(0);
  seedError: string | null = $state(null);
  faults = $state(true);
  result: RunResult | null = $state.raw(null);
  status: Status = $state('loading');
  error: string | null = $state(null);
  elapsedMs: number | null = $state(null);

  readonly scenario = $derived(this.scenarios.find((s) => s.id === this.scenarioId));
  readonly columns: readonly Column[] = $derived.by(() => {
    const result = this.result;
    const info = result && this.scenarios.find((s) => s.id === result.scenario);
    return result && info ? columnsOf(info, result) : [];
  });

  readonly heading: string = $derived(
    this.scenario?.title ??
      (this.status === 'failed' ? 'The story could not load' : 'Loading the story…'),
  );

  /** One line for the polite live region. */
  readonly statusText: string = $derived.by(() => {
    switch (this.status) {
      case 'loading':
        return 'Loading the engine…';
      case 'running':
        return 'Running…';
      case 'failed':
        return '';
      case 'done': {
        const n = this.columns.length;
        const strategies = n === 1 ? '1 strategy' : `${n} strategies`;
        return `Ran ${strategies} on seed ${this.result?.seed} in ${this.elapsedMs} ms.`;
      }
    }
  });

  #engine: EngineClient;
  #latest = 0;

  constructor(engine: EngineClient) {
    this.#engine = engine;
  }

  /** Loads the stories and runs the default one on its story seed. */
  async start(): Promise<void> {
    try {
      const scenarios = await this.#engine.scenarios();
      const first = scenarios.find((s) => s.id === DEFAULT_SCENARIO) ?? scenarios[0];
      if (!first) throw new Error('The engine knows no stories.');
      this.scenarios = scenarios;
      this.scenarioId = first.id;
      this.seed = first.storySeed;
    } catch (error) {
      this.status = 'failed';
      this.error = `The engine could not start: ${sentence(messageOf(error))} Reload the page to try again.`;
      return;
    }
    await this.run();
  }

  /** A new story starts on its story seed, the one that shows its lesson at once. */
  chooseScenario(id: string): void {
    const scenario = this.scenarios.find((s) => s.id === id);
    if (!scenario) return;
    this.scenarioId = id;
    this.seed = scenario.storySeed;
    this.seedError = null;
    void this.run();
  }

  /** Typed text: runs when it is a valid seed, otherwise keeps the text and says what is wrong. */
  enterSeed(text: string): void {
    const seed = parseSeed(text);
    if (seed === null) {
      this.seedError = `A seed is a whole number from 0 to ${MAX_SEED}.`;
      return;
    }
    this.seedError = null;
    this.seed = seed;
    void this.run();
  }

  rollDice(): void {
    this.seedError = null;
    this.seed = randomSeed();
    void this.run();
  }

  setFaults(on: boolean): void {
    this.faults = on;
    void this.run();
  }

  /** Asks the worker for a run; a run that finishes after a newer one started is dropped. */
  async run(): Promise<void> {
    if (this.seedError !== null || !this.scenario) return;
    const id = ++this.#latest;
    // Proxies cannot cross postMessage (DataCloneError): send a plain copy.
    const options = $state.snapshot({
      scenario: this.scenarioId,
      seed: this.seed,
      faults: this.faults,
    });
    this.status = 'running';
    const started = performance.now();
    try {
      const result = await this.#engine.run(options);
      if (id !== this.#latest) return;
      this.result = result;
      this.elapsedMs = Math.round(performance.now() - started);
      this.error = null;
      this.status = 'done';
    } catch (error) {
      if (id !== this.#latest) return;
      this.error = `The run failed: ${sentence(messageOf(error))}`;
      this.status = 'failed';
    }
  }
}
