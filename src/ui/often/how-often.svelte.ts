// HowOften: the "How often?" panel's state — its settings (kept in the link), a batch or sweep in flight, progress, cancel, results.
import type { RatedBatch } from '../../worker/batch-api.ts';
import type { Playground } from '../playground.svelte.ts';
import { formatHash, type PageState } from '../url-state.ts';
import {
  DEFAULT_OFTEN,
  defaultSweep,
  isDefaultOften,
  lastStart,
  parseSeedCount,
  parseSeedStart,
  sweepable,
  sweepValues,
  type OftenState,
  type SweepSpec,
} from './often-link.ts';
import type { BatchPool, SweepPointResult } from './pool.ts';
import { sameSettings, type BatchSettings } from './report.ts';

/** The seed counts offered as one click; any other is typed. */
export const SEED_CHOICES = [100, 1000, 10_000] as const;

export interface BatchOutcome {
  readonly settings: BatchSettings;
  /** The seeds asked for; a cancelled result ran fewer. */
  readonly seeds: { readonly from: number; readonly count: number };
  readonly result: RatedBatch;
}

export interface SweepOutcome {
  readonly settings: BatchSettings;
  readonly knob: string;
  readonly seeds: { readonly from: number; readonly count: number };
  /** The values asked for; `points` may stop short of them after a cancel. */
  readonly values: readonly number[];
  readonly points: readonly SweepPointResult[];
  readonly partial: boolean;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/[.\s]+$/, '');
}

export class HowOften {
  /** What runs now, if anything. */
  running: 'batch' | 'sweep' | null = $state(null);
  done = $state(0);
  total = $state(0);
  batch: BatchOutcome | null = $state.raw(null);
  sweep: SweepOutcome | null = $state.raw(null);
  error: string | null = $state(null);
  /** A worker died and was replaced: said once per run. */
  notice: string | null = $state(null);
  /** The free seeds field's text while it is not a valid count. */
  seedsError: string | null = $state(null);
  /** The first-seed field's text while it is not a valid start. */
  fromError: string | null = $state(null);
  /** What the last Cancel stopped, for the live region: cleared when the next run starts. */
  cancelled: 'batch' | 'sweep' | null = $state(null);

  readonly #playground: Playground;
  readonly #pool: () => BatchPool;
  #controller: AbortController | null = null;
  /** The batch or sweep in flight (or the last one), settled when its result is in. */
  #job: Promise<void> = Promise.resolve();
  /** A failing seed just opened: put the cursor on its divergence once its run is on screen. */
  #pendingSeek: { scenario: string; seed: number } | null = null;

  constructor(playground: Playground, pool: () => BatchPool) {
    this.#playground = playground;
    this.#pool = pool;
  }

  /** The panel's settings, from the link (defaults when it has none). */
  get often(): OftenState {
    return this.#playground.page.often ?? DEFAULT_OFTEN;
  }

  /** The settings a batch started now would run with. */
  get settings(): BatchSettings {
    const { scenario, strategies, faults, knobs } = this.#playground.page;
    return { scenario, strategies: [...strategies], faults, knobs: { ...knobs } };
  }

  /** The last batch's result no longer matches the page (another story, knob or strategy). */
  get batchStale(): boolean {
    return this.batch !== null && !sameSettings(this.batch.settings, this.settings);
  }

  get sweepStale(): boolean {
    const s = this.sweep;
    return s !== null && !sameSettings(s.settings, this.settings, s.knob);
  }

  /** The sweep as set, or the first numeric knob's whole range when none is. */
  get sweepSpec(): SweepSpec | null {
    const info = this.#playground.scenario;
    const set = this.often.sweep;
    if (set) return set;
    const first = info ? sweepable(info)[0] : undefined;
    return first ? defaultSweep(first) : null;
  }

  get values(): number[] {
    const spec = this.sweepSpec;
    const knob = spec && this.#playground.scenario?.knobs.find((k) => k.id === spec.knob);
    return spec && knob && (knob.kind === 'int' || knob.kind === 'ratio')
      ? sweepValues(spec, knob)
      : [];
  }

  /** Writes the settings into the page state (and so the link); defaults leave the link short. */
  #setOften(often: OftenState): void {
    const page = this.#playground.page;
    const rest = { ...page };
    delete rest.often;
    this.#playground.page = isDefaultOften(often) ? rest : { ...rest, often };
  }

  /** The seeds per batch; refused (and said) when the batch would run past the last seed. */
  setSeeds(seeds: number): boolean {
    if (this.often.from > lastStart(seeds)) {
      this.seedsError = `${seeds.toLocaleString('en')} seeds from seed ${this.often.from} go past the last seed; pick a lower first seed.`;
      return false;
    }
    this.seedsError = null;
    this.#setOften({ ...this.often, seeds });
    return true;
  }

  /** The free field: a valid count is kept; anything else is said and nothing changes. */
  enterSeeds(text: string): boolean {
    const parsed = parseSeedCount(text);
    if (typeof parsed === 'string') {
      this.seedsError = parsed;
      return false;
    }
    return this.setSeeds(parsed);
  }

  /** The first-seed field: a valid start is kept; anything else is said and nothing changes. */
  enterFrom(text: string): boolean {
    const parsed = parseSeedStart(text, this.often.seeds);
    if (typeof parsed === 'string') {
      this.fromError = parsed;
      return false;
    }
    this.fromError = null;
    this.#setOften({ ...this.often, from: parsed });
    return true;
  }

  /** The seed range a batch started now runs. */
  get seedRange(): { from: number; count: number } {
    return { from: this.often.from, count: this.often.seeds };
  }

  setSweep(sweep: SweepSpec): void {
    this.#setOften({ ...this.often, sweep });
  }

  /** Picks the knob to sweep over its whole range. */
  chooseKnob(id: string): void {
    const spec =
      this.#playground.scenario && sweepable(this.#playground.scenario).find((k) => k.id === id);
    if (spec) this.setSweep(defaultSweep(spec));
  }

  #start(kind: 'batch' | 'sweep', total: number): AbortController {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.running = kind;
    this.done = 0;
    this.total = total;
    this.error = null;
    this.notice = null;
    this.cancelled = null;
    return controller;
  }

  #hooks(controller: AbortController) {
    return {
      signal: controller.signal,
      onProgress: (done: number, total: number) => {
        if (this.#controller !== controller) return;
        this.done = done;
        this.total = total;
      },
      onRestart: (message: string) => (this.notice = message),
    };
  }

  #finish(controller: AbortController): boolean {
    if (this.#controller !== controller) return false;
    this.#controller = null;
    this.running = null;
    return true;
  }

  /** Runs the page's story, strategies, faults and knobs over the seed range on every worker. */
  runBatch(): Promise<void> {
    if (this.running) return Promise.resolve();
    return (this.#job = this.#runBatch());
  }

  async #runBatch(): Promise<void> {
    const settings = this.settings;
    const seeds = this.seedRange;
    const controller = this.#start('batch', seeds.count);
    try {
      const result = await this.#pool().batch({ ...settings, seeds }, this.#hooks(controller));
      if (!this.#finish(controller)) return;
      this.batch = { settings, seeds, result };
      // A Cancel that came as the last seed finished cancelled nothing.
      if (!result.partial) this.cancelled = null;
    } catch (error) {
      if (this.#finish(controller)) this.error = `The batch failed: ${messageOf(error)}.`;
    }
  }

  /** One batch per value of the sweep's knob, the other settings as on the page. */
  runSweep(): Promise<void> {
    if (this.running) return Promise.resolve();
    return (this.#job = this.#runSweep());
  }

  async #runSweep(): Promise<void> {
    const spec = this.sweepSpec;
    const values = this.values;
    if (!spec || values.length === 0) return;
    const settings = this.settings;
    const seeds = this.seedRange;
    const controller = this.#start('sweep', seeds.count * values.length);
    // Whatever the link held, the chart says which range it drew: keep the spec it ran.
    if (!this.often.sweep) this.setSweep(spec);
    try {
      const points = await this.#pool().sweep(
        { ...settings, seeds },
        spec.knob,
        values,
        this.#hooks(controller),
      );
      if (!this.#finish(controller)) return;
      const partial = points.length < values.length || points.some((p) => p.batch.partial);
      this.sweep = { settings, knob: spec.knob, seeds, values, points, partial };
      if (!partial) this.cancelled = null;
    } catch (error) {
      if (this.#finish(controller)) this.error = `The sweep failed: ${messageOf(error)}.`;
    }
  }

  /**
   * Stops what runs: each worker stops before its next seed, and what ran is shown, marked
   * partial. Resolves once the partial result is in (the panel then moves focus off Cancel).
   */
  cancel(): Promise<void> {
    if (!this.#controller) return Promise.resolve();
    this.cancelled = this.running;
    this.#controller.abort();
    return this.#job;
  }

  /** The link that opens one seed of a batch (the last one, or a sweep point's) side by side, under that batch's settings. */
  seedLink(seed: number, settings: BatchSettings | undefined = this.batch?.settings): string {
    const info = this.#playground.scenario;
    if (!info || !settings) return '';
    const { scenario, strategies, faults, knobs } = settings;
    const state: PageState = {
      scenario,
      seed,
      strategies,
      faults,
      knobs,
      t: null,
      ...(this.#playground.page.often ? { often: this.#playground.page.often } : {}),
    };
    return formatHash(state, info);
  }

  /** The settings one point of the last sweep ran with: the page's then, the knob at its value. */
  pointSettings(value: number): BatchSettings | undefined {
    const sweep = this.sweep;
    const info = this.#playground.scenario;
    const spec = info?.knobs.find((k) => k.id === sweep?.knob);
    if (!sweep || !spec) return undefined;
    const knobs = { ...sweep.settings.knobs };
    // The page keeps only the knobs that differ from their defaults, and so does a link.
    if (value === spec.default) delete knobs[sweep.knob];
    else knobs[sweep.knob] = value;
    return { ...sweep.settings, knobs };
  }

  /** Opens a failing seed; once its run is on screen, the cursor goes to the first divergence. */
  openSeed(seed: number, settings: BatchSettings | undefined = this.batch?.settings): void {
    const hash = this.seedLink(seed, settings);
    if (!hash) return;
    this.#pendingSeek = { scenario: this.#playground.page.scenario, seed };
    this.#playground.openHash(hash);
    this.settle();
  }

  /** Call whenever the page's result changes: finishes a pending open at the divergence. */
  settle(): void {
    const pending = this.#pendingSeek;
    const pg = this.#playground;
    const result = pg.result;
    if (!pending || pg.status !== 'done' || !result) return;
    if (result.seed !== pending.seed || result.scenario !== pending.scenario) return;
    this.#pendingSeek = null;
    const at = pg.divergenceAt;
    if (at !== null) pg.playback.seekTime(at);
  }
}
