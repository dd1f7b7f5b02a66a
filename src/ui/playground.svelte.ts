// Playground: the page's state (what the URL holds, the latest result, the shared cursor) and
// the one place that asks the engine for runs. Data flows one way: state → worker → result → view.
import type { RunResult, ScenarioInfo } from '../engine/types.ts';
import type { KnobValue, Suggestion } from '../scenarios/types.ts';
import type { TraceEvent } from '../sim/trace.ts';
import { columnsOf, effectsUpTo, type Column } from './columns.ts';
import { explainDivergence, findDivergence, type Explanation } from './diagram/divergence.ts';
import { layoutDiagram } from './diagram/layout.ts';
import { createNarrator } from './diagram/narrate.ts';
import type { Diagram } from './diagram/types.ts';
import type { EngineClient } from './engine-client.ts';
import { clampTick, eventsAt, seqAt, ticksOf } from './timeline.ts';
import {
  MAX_SEED,
  formatHash,
  initialState,
  parseHash,
  parseSeed,
  type PageState,
} from './url-state.ts';

const DEFAULT_SCENARIO = 'payment-lost-response';
export { MAX_SEED };

export type Status = 'loading' | 'running' | 'done' | 'failed';

/** Playback speeds, in moments per second, on a log scale: the slider picks an exponent. */
export const SPEED_MIN_EXP = -2;
export const SPEED_MAX_EXP = 6;
const BASE_TICKS_PER_SECOND = 2;

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

const PLACEHOLDER: PageState = {
  scenario: DEFAULT_SCENARIO,
  seed: 0,
  strategies: [],
  faults: true,
  knobs: {},
  t: null,
};

export class Playground {
  scenarios: readonly ScenarioInfo[] = $state.raw([]);
  /** Everything a link holds. Replaced whole on every change, never mutated. */
  page: PageState = $state.raw(PLACEHOLDER);
  seedError: string | null = $state(null);
  result: RunResult | null = $state.raw(null);
  status: Status = $state('loading');
  error: string | null = $state(null);
  /** What a link got wrong, and what the page did instead. */
  problems: readonly string[] = $state.raw([]);
  elapsedMs: number | null = $state(null);
  playing = $state(false);
  /** log2 of the speed multiplier. */
  speedExp = $state(0);

  readonly scenario: ScenarioInfo | undefined = $derived(
    this.scenarios.find((s) => s.id === this.page.scenario),
  );
  /** The result's story (the page may already show another one being run). */
  readonly resultScenario: ScenarioInfo | undefined = $derived(
    this.result ? this.scenarios.find((s) => s.id === this.result?.scenario) : undefined,
  );
  readonly ticks: readonly number[] = $derived(
    this.result ? ticksOf(this.result.runs.map((r) => r.trace)) : [],
  );
  readonly tick: number = $derived(clampTick(this.page.t, this.ticks));
  readonly atEnd: boolean = $derived(this.tick >= this.ticks.length - 1);
  /** Virtual time at the cursor. */
  readonly cursorAt: number = $derived(this.ticks[this.tick] ?? 0);
  /** Each column's last event at the cursor. */
  readonly cursors: readonly number[] = $derived(
    this.result ? this.result.runs.map((r) => seqAt(r.trace, this.cursorAt)) : [],
  );
  /** Built once per result: the cursor moving must not rebuild them. */
  readonly columns: readonly Column[] = $derived.by(() => {
    const info = this.resultScenario;
    return this.result && info ? columnsOf(info, this.result) : [];
  });
  /** Each column's effects counted up to the cursor. */
  readonly counts: readonly Record<string, number>[] = $derived(
    this.result
      ? this.result.runs.map((run, i) =>
          this.atEnd ? run.effects : effectsUpTo(run, this.cursors[i] ?? null),
        )
      : [],
  );
  /** Laid out once per run; the cursor only moves the fog. */
  readonly diagrams: readonly Diagram[] = $derived(
    this.result ? this.result.runs.map((r) => layoutDiagram(r.trace)) : [],
  );
  /** Per column, the event where the strategies part ways (null when they never do). */
  readonly divergenceSeqs: readonly (number | null)[] = $derived.by(() => {
    const runs = this.result?.runs ?? [];
    const found = findDivergence(runs.map((r) => r.trace));
    return runs.map((_, i) => found?.seqs[i] ?? null);
  });
  /** Why the first broken column broke, from its own trace. */
  readonly explanation: { column: number; at: number; explained: Explanation } | null = $derived.by(
    () => {
      const runs = this.result?.runs ?? [];
      const column = runs.findIndex((r) => r.invariants.some((i) => !i.holds));
      const run = runs[column];
      if (!run) return null;
      const explained = explainDivergence({ trace: run.trace, invariants: run.invariants });
      if (!explained) return null;
      const seq = explained.effectSeq ?? run.trace.length - 1;
      return { column, at: run.trace[seq]?.at ?? 0, explained };
    },
  );
  /** The sentence says what diverged once the cursor has passed it. */
  readonly divergenceText: string | null = $derived(
    this.explanation && this.cursorAt >= this.explanation.at
      ? `${this.columns[this.explanation.column]?.title ?? ''}: ${this.explanation.explained.sentence}`
      : null,
  );
  /** Per column, its trace in sentences: built once per run, shared with the columns' chains. */
  readonly narrators: readonly ((event: TraceEvent) => string)[] = $derived(
    this.result ? this.result.runs.map((r) => createNarrator(r.trace)) : [],
  );
  /** What happens at the cursor, in words, per column: the text alternative to the diagrams. */
  readonly narration: string = $derived.by(() => {
    const runs = this.result?.runs ?? [];
    return runs
      .map((run, i) => {
        const said = eventsAt(run.trace, this.cursorAt).map((e) => this.narrators[i]?.(e) ?? '');
        return said.length === 0
          ? ''
          : `${this.columns[i]?.title ?? run.strategy}: ${said.join(' ')}`;
      })
      .filter((line) => line !== '')
      .join(' ');
  });

  readonly hash: string = $derived(this.scenario ? formatHash(this.page, this.scenario) : '');
  readonly speed: number = $derived(2 ** this.speedExp);

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
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(engine: EngineClient) {
    this.#engine = engine;
  }

  /** Loads the stories, opens the state the link holds (or the default story), and runs it. */
  async start(hash: string): Promise<void> {
    try {
      const scenarios = await this.#engine.scenarios();
      if (scenarios.length === 0) throw new Error('The engine knows no stories.');
      this.scenarios = scenarios;
    } catch (error) {
      this.status = 'failed';
      this.error = `The engine could not start: ${sentence(messageOf(error))} Reload the page to try again.`;
      return;
    }
    this.openHash(hash);
  }

  /** Opens a link's state; a bad link opens the nearest valid state and says what changed. */
  openHash(hash: string): void {
    if (this.scenarios.length === 0 || hash === this.hash) return;
    const { state, problems } = parseHash(hash, this.scenarios, DEFAULT_SCENARIO);
    this.problems = problems;
    this.seedError = null;
    this.#set(state);
  }

  dismissProblems(): void {
    this.problems = [];
  }

  /** A new story starts as its author meant: story seed, default strategies and knobs. */
  chooseScenario(id: string): void {
    const info = this.scenarios.find((s) => s.id === id);
    if (!info || id === this.page.scenario) return;
    this.seedError = null;
    this.problems = [];
    this.#set(initialState(info));
  }

  /** Typed text: runs when it is a valid seed, otherwise keeps the text and says what is wrong. */
  enterSeed(text: string): void {
    const seed = parseSeed(text);
    if (seed === null) {
      this.seedError = `A seed is a whole number from 0 to ${MAX_SEED}.`;
      return;
    }
    this.seedError = null;
    if (seed !== this.page.seed) this.#set({ ...this.page, seed, t: null });
  }

  rollDice(): void {
    this.seedError = null;
    this.#set({ ...this.page, seed: randomSeed(), t: null });
  }

  setFaults(on: boolean): void {
    this.#set({ ...this.page, faults: on, t: null });
  }

  setKnob(id: string, value: KnobValue): void {
    const spec = this.scenario?.knobs.find((k) => k.id === id);
    if (!spec) return;
    const knobs = { ...this.page.knobs };
    if (value === spec.default) delete knobs[id];
    else knobs[id] = value;
    this.#set({ ...this.page, knobs, t: null });
  }

  resetKnobs(): void {
    this.#set({ ...this.page, knobs: {}, t: null });
  }

  knobValue(id: string): KnobValue | undefined {
    return this.page.knobs[id] ?? this.scenario?.knobs.find((k) => k.id === id)?.default;
  }

  addStrategy(id: string): void {
    if (this.page.strategies.includes(id)) return;
    if (!this.scenario?.strategies.some((s) => s.id === id)) return;
    this.#set({ ...this.page, strategies: [...this.page.strategies, id] });
  }

  /** The last column stays: a figure with no column shows nothing. */
  removeStrategy(id: string): void {
    if (this.page.strategies.length <= 1) return;
    this.#set({ ...this.page, strategies: this.page.strategies.filter((s) => s !== id) });
  }

  /** A "what to try" suggestion: the story's defaults plus its change, showing what it names. */
  applySuggestion(suggestion: Suggestion): void {
    const info = this.scenario;
    if (!info) return;
    const knobs: Record<string, KnobValue> = {};
    for (const [id, value] of Object.entries(suggestion.knobs ?? {})) {
      const spec = info.knobs.find((k) => k.id === id);
      if (spec && value !== spec.default) knobs[id] = value;
    }
    const named = suggestion.expect.map((e) => e.strategy);
    this.problems = [];
    this.seedError = null;
    this.#set({
      scenario: info.id,
      seed: suggestion.seed ?? info.storySeed,
      faults: suggestion.faults ?? true,
      knobs,
      strategies: [
        ...this.page.strategies,
        ...named.filter((id, i) => !this.page.strategies.includes(id) && named.indexOf(id) === i),
      ],
      t: null,
    });
  }

  // ---- the cursor ----

  /** Moves the cursor to a tick; the end of the run is written as "no cursor" (null). */
  seek(tick: number): void {
    const t = clampTick(tick, this.ticks);
    const next = t >= this.ticks.length - 1 ? null : t;
    if (next !== this.page.t) this.page = { ...this.page, t: next };
  }

  step(delta: number): void {
    this.pause();
    this.seek(this.tick + delta);
  }

  /** The cursor to the moment of an event of column `index` (a link in a causal chain). */
  seekEvent(index: number, seq: number): void {
    const event = this.result?.runs[index]?.trace[seq];
    if (!event) return;
    this.pause();
    const tick = this.ticks.indexOf(event.at);
    if (tick >= 0) this.seek(tick);
  }

  restart(): void {
    this.pause();
    this.seek(0);
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  play(): void {
    if (this.ticks.length < 2) return;
    if (this.atEnd) this.seek(0);
    this.playing = true;
    this.#schedule();
  }

  pause(): void {
    this.playing = false;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  setSpeed(exp: number): void {
    this.speedExp = Math.min(SPEED_MAX_EXP, Math.max(SPEED_MIN_EXP, exp));
  }

  #schedule(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    const delay = 1000 / (BASE_TICKS_PER_SECOND * this.speed);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.playing) return;
      this.seek(this.tick + 1);
      if (this.atEnd) this.pause();
      else this.#schedule();
    }, delay);
  }

  // ---- runs ----

  #set(state: PageState): void {
    const reruns =
      state.scenario !== this.page.scenario ||
      state.seed !== this.page.seed ||
      state.faults !== this.page.faults ||
      state.strategies.join() !== this.page.strategies.join() ||
      JSON.stringify(state.knobs) !== JSON.stringify(this.page.knobs);
    this.page = state;
    if (reruns) {
      this.pause();
      void this.run();
    }
  }

  /** Asks the worker for a run; a run that finishes after a newer one started is dropped. */
  async run(): Promise<void> {
    if (this.seedError !== null || !this.scenario) return;
    const id = ++this.#latest;
    const { scenario, seed, faults, strategies, knobs } = this.page;
    // Proxies cannot cross postMessage (DataCloneError): send a plain copy.
    const options = $state.snapshot({ scenario, seed, faults, strategies, knobs });
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
