// Playground: the page's state (what the URL holds, the latest result, one ColumnView per
// strategy, the Playback over them) and the one place that asks the engine for runs.
// Data flows one way: state → worker → result → views.
import type { RunOptions, ScenarioInfo } from '../engine/types.ts';
import type { KnobValue, KnobValues, Suggestion } from '../scenarios/types.ts';
import type { Explained, PackedResult, ShapedResult } from '../worker/packed.ts';
import { ColumnView } from './column-view.svelte.ts';
import { ColumnDrawing } from './column/drawing.svelte.ts';
import { unpackResult, type EngineClient } from './engine-client.ts';
import { Playback } from './playback.svelte.ts';
import { painted, yieldToPage } from './tasks.ts';
import { lastAtOrBefore } from './timeline.ts';
import {
  MAX_SEED,
  formatHash,
  initialState,
  parseHash,
  parseSeed,
  shorten,
  type PageState,
} from './url-state.ts';

const DEFAULT_SCENARIO = 'payment-lost-response';
export { MAX_SEED };

export type Status = 'loading' | 'running' | 'done' | 'failed';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Ends a message with exactly one full stop, so it reads as a sentence in the alert. */
function sentence(text: string): string {
  return `${text.trim().replace(/[.\s]+$/, '')}.`;
}

/** The state without a replayed schedule: a new seed, story, faults or knobs means new faults. */
function withoutSchedule(state: PageState): PageState {
  // Everything else stays, How often?'s settings included.
  const rest = { ...state };
  delete rest.schedule;
  return rest;
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
  /** The shown run, as the engine worker shaped it (no traces: see src/worker/packed.ts). */
  result: ShapedResult | null = $state.raw(null);
  status: Status = $state('loading');
  error: string | null = $state(null);
  /** What a link got wrong, and what the page did instead. */
  problems: readonly string[] = $state.raw([]);
  elapsedMs: number | null = $state(null);
  /** The strategy the inspector shows ('' before it picks its first). */
  inspected = $state('');
  /** The schedule the shown result replays (the page may already ask for another). */
  resultSchedule: string | undefined = $state.raw(undefined);
  /** Set when a counterexample opens: its result lands with the cursor where the columns part. */
  #seekDivergence = false;

  /** The shown result's timeline (its ticks), as an array for the Playback. */
  #ticks: readonly number[] = $state.raw([]);

  /** The shared cursor; it lives in the link (page.t). */
  readonly playback = new Playback({
    ticks: () => this.#ticks,
    get: () => this.page.t,
    set: (t) => (this.page = { ...this.page, t }),
  });

  readonly scenario: ScenarioInfo | undefined = $derived(
    this.scenarios.find((s) => s.id === this.page.scenario),
  );
  /** The result's story (the page may already show another one being run). */
  readonly resultScenario: ScenarioInfo | undefined = $derived(
    this.result ? this.scenarios.find((s) => s.id === this.result?.scenario) : undefined,
  );
  /**
   * One per strategy, built once per result (the cursor moving must not rebuild them), one per
   * task as the result arrives, and published together with it.
   */
  views: readonly ColumnView[] = $state.raw([]);
  /** The figure draws the views in turns, those on screen first: what each column shows meanwhile. */
  readonly drawing = new ColumnDrawing();
  /** The inspected column's event at the cursor; null at the end of the run. */
  readonly #cursorSeq: number | null = $derived.by(() => {
    if (this.playback.atEnd) return null;
    const i = this.views.findIndex((v) => v.id === this.inspected);
    return this.views[Math.max(0, i)]?.seq ?? null;
  });
  #heldSeq: number | null = null;
  /**
   * The event the inspector shows. While playing it waits (each snapshot replays the run in the
   * worker and redraws every table, which would cost the animation its frames) and holds the
   * last value; it catches up when playback stops. Only `playing` is read while playing.
   */
  readonly inspectedSeq: number | null = $derived.by(() => {
    if (this.playback.playing) return this.#heldSeq;
    this.#heldSeq = this.#cursorSeq;
    return this.#heldSeq;
  });
  /** Why the first broken column broke, from its own trace; worked out in the worker. */
  readonly explanation: Explained | null = $derived(this.result?.explanation ?? null);
  /** The sentence says what diverged once the cursor has passed it. */
  readonly divergenceText: string | null = $derived(
    this.explanation && this.playback.cursorAt >= this.explanation.at
      ? `${this.views[this.explanation.column]?.column.title ?? ''}: ${this.explanation.explained.sentence}`
      : null,
  );
  /** What happens at the cursor, in words, per column: the text alternative to the diagrams. */
  readonly narration: string = $derived(
    this.views
      .map((view) => {
        const said = view.said;
        return said.length === 0 ? '' : `${view.column.title}: ${said.join(' ')}`;
      })
      .filter((line) => line !== '')
      .join(' '),
  );

  /** What the inspector's snapshots replay: the shown result's run, its schedule included. */
  readonly snapshotOptions: RunOptions | null = $derived.by(() => {
    const result = this.result;
    if (!result) return null;
    const { scenario, seed, faults, knobs } = result;
    const schedule = this.resultSchedule;
    return { scenario, seed, faults, knobs, ...(schedule === undefined ? {} : { schedule }) };
  });

  readonly hash: string = $derived(this.scenario ? formatHash(this.page, this.scenario) : '');

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
        const n = this.views.length;
        const strategies = n === 1 ? '1 strategy' : `${n} strategies`;
        // The whole update: the engine, the way back from its worker, and drawing the result.
        return `Ran ${strategies} on seed ${this.result?.seed} and drew them in ${this.elapsedMs} ms.`;
      }
    }
  });

  #engine: EngineClient;
  #latest = 0;
  /**
   * The newest link asked for while the stories load (a typed link, Back): that one opens once
   * they are in, not the one the page started with.
   */
  #wanted = '';

  constructor(engine: EngineClient) {
    this.#engine = engine;
  }

  /** Loads the stories, opens the state the link holds (or the default story), and runs it. */
  async start(hash: string): Promise<void> {
    this.#wanted = hash;
    try {
      const scenarios = await this.#engine.scenarios();
      if (scenarios.length === 0) throw new Error('The engine knows no stories.');
      this.scenarios = scenarios;
    } catch (error) {
      this.status = 'failed';
      this.error = `The engine could not start: ${sentence(messageOf(error))} Reload the page to try again.`;
      return;
    }
    this.openHash(this.#wanted);
  }

  /** Opens a link's state; a bad link opens the nearest valid state and says what changed. */
  openHash(hash: string): void {
    if (this.scenarios.length === 0) {
      this.#wanted = hash;
      return;
    }
    if (hash === this.hash) return;
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
    if (seed !== this.page.seed) this.#set({ ...withoutSchedule(this.page), seed, t: null });
  }

  rollDice(): void {
    this.seedError = null;
    this.#set({ ...withoutSchedule(this.page), seed: randomSeed(), t: null });
  }

  setFaults(on: boolean): void {
    this.#set({ ...withoutSchedule(this.page), faults: on, t: null });
  }

  setKnob(id: string, value: KnobValue): void {
    const spec = this.scenario?.knobs.find((k) => k.id === id);
    if (!spec) return;
    const knobs = { ...this.page.knobs };
    if (value === spec.default) delete knobs[id];
    else knobs[id] = value;
    this.#set({ ...withoutSchedule(this.page), knobs, t: null });
  }

  resetKnobs(): void {
    this.#set({ ...withoutSchedule(this.page), knobs: {}, t: null });
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
      ...(this.page.often ? { often: this.page.often } : {}),
    });
  }

  /**
   * Opens a schedule from the explorer in the side-by-side view: the story's seed and knobs it
   * was found under, the strategies that replay it, and, once the run is in, the cursor where
   * the columns part ways.
   */
  openSchedule(found: {
    readonly seed: number;
    readonly knobs: KnobValues;
    readonly strategies: readonly string[];
    readonly schedule: string;
  }): void {
    const info = this.scenario;
    if (!info || found.strategies.length === 0) return;
    const knobs: Record<string, KnobValue> = {};
    for (const spec of info.knobs) {
      const value = found.knobs[spec.id];
      if (value !== undefined && value !== spec.default) knobs[spec.id] = value;
    }
    this.problems = [];
    this.seedError = null;
    this.#seekDivergence = true;
    this.#set({
      scenario: info.id,
      seed: found.seed,
      strategies: [...found.strategies],
      faults: true,
      knobs,
      t: null,
      schedule: found.schedule,
    });
  }

  /** Back to the seed's own faults. */
  clearSchedule(): void {
    this.#set({ ...withoutSchedule(this.page), t: null });
  }

  /** The virtual time at which the shown columns first part ways; null when they never do. */
  get divergenceAt(): number | null {
    return this.result?.divergenceAt ?? null;
  }

  /** The cursor to the first moment the columns part ways, else to the first broken effect. */
  #seekFirstDivergence(): void {
    const at = this.divergenceAt ?? this.explanation?.at;
    if (at === undefined) return;
    this.playback.seek(
      Math.max(
        0,
        lastAtOrBefore(this.playback.ticks, (tick) => tick, at),
      ),
    );
  }

  // ---- runs ----

  #set(state: PageState): void {
    const reruns =
      state.scenario !== this.page.scenario ||
      state.seed !== this.page.seed ||
      state.faults !== this.page.faults ||
      state.strategies.join() !== this.page.strategies.join() ||
      JSON.stringify(state.knobs) !== JSON.stringify(this.page.knobs) ||
      state.schedule !== this.page.schedule;
    this.page = state;
    if (reruns) {
      this.playback.pause();
      void this.run();
    }
  }

  /**
   * The worker shaped the runs (every pass over a long trace happens there); here each column's
   * diagram is parsed, one per task so the page keeps drawing, and wrapped in its ColumnView.
   * null once a newer run started.
   */
  async #shape(
    packed: PackedResult,
    id: number,
  ): Promise<{ result: ShapedResult; views: ColumnView[] } | null> {
    const result = await unpackResult(packed, () => id !== this.#latest);
    if (result === null) return null;
    const views = result.runs.map(
      (run, column) =>
        new ColumnView(run, this.playback, (at) =>
          this.#engine.narrationAt(result.handle, column, at),
        ),
    );
    return { result, views };
  }

  /** Asks the worker for a run; a run that finishes after a newer one started is dropped. */
  async run(): Promise<void> {
    if (this.seedError !== null || !this.scenario) return;
    const id = ++this.#latest;
    const { scenario, seed, faults, strategies, knobs, schedule } = this.page;
    // Proxies cannot cross postMessage (DataCloneError): send a plain copy.
    const options = $state.snapshot({
      scenario,
      seed,
      faults,
      strategies,
      knobs,
      ...(schedule === undefined ? {} : { schedule }),
    });
    this.status = 'running';
    const started = performance.now();
    try {
      const packed = await this.#engine.run(options);
      if (id !== this.#latest) return;
      const shaped = await this.#shape(packed, id);
      if (shaped === null) return;
      await yieldToPage();
      if (id !== this.#latest) return;
      this.#ticks = Array.from(shaped.result.ticks);
      this.result = shaped.result;
      this.views = shaped.views;
      this.resultSchedule = schedule;
      this.error = null;
      // A dozen long columns drawn in one task held the page for a fifth of a second: in turns.
      if (!(await this.drawing.draw(shaped.views, () => id !== this.#latest))) return;
      await painted();
      if (id !== this.#latest) return;
      this.elapsedMs = Math.round(performance.now() - started);
      performance.mark('twice:drawn');
      this.status = 'done';
      if (this.#seekDivergence) this.#seekFirstDivergence();
      this.#seekDivergence = false;
    } catch (error) {
      if (id !== this.#latest) return;
      this.#seekDivergence = false;
      // A schedule that does not fit (a bad link, a strategy without its step) is refused by
      // name; the rest of the state stays and runs with the seed's own faults.
      if (schedule !== undefined) {
        this.problems = [
          ...this.problems,
          `The schedule “${shorten(schedule)}” was refused: ${sentence(messageOf(error))} The seed’s own faults are shown.`,
        ];
        this.#set(withoutSchedule(this.page));
        return;
      }
      this.error = `The run failed: ${sentence(messageOf(error))}`;
      this.status = 'failed';
    }
  }
}
