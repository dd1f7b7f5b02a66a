// Explorer: the "Could it ever break?" panel's state — the bound, one exploration at a time with progress and cancel, its verdicts, opening and exporting counterexamples.
import type { ExploreOptions } from '../../engine/types.ts';
import type { Playground } from '../playground.svelte.ts';
import type { ExploreClient, Exploration, ExportedFile } from './explore-client.ts';
import type { ExportKind } from '../../worker/explore.ts';
import { verdictsOf, type Finding, type StrategyVerdict } from './explore-view.ts';

export type ExploreStatus = 'idle' | 'running' | 'done' | 'failed';

/** The bound a person may pick: more than 3 faults grows past a page's patience. */
export const MAX_FAULTS = 3;
/** Schedules per strategy before the search is cut (the engine's default). */
export const MAX_SCHEDULES = 10_000;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What was asked, so the verdicts and exports speak of it even after the page moves on. */
interface Asked {
  readonly scenario: string;
  readonly strategies: readonly string[];
  readonly maxFaults: number;
}

export class Explorer {
  maxFaults = $state(2);
  status: ExploreStatus = $state('idle');
  progress: { readonly done: number; readonly total: number } = $state.raw({ done: 0, total: 0 });
  exploration: Exploration | null = $state.raw(null);
  error: string | null = $state(null);
  /** The last export's failure, said beside the buttons. */
  exportError: string | null = $state(null);
  #asked: Asked | null = $state.raw(null);
  /** The reader pressed Cancel on the search shown (said in the live region, and in each cut line). */
  cancelled = $state(false);
  #latest = 0;
  /** The search in flight (or the last one), settled when its result is in. */
  #job: Promise<void> = Promise.resolve();

  readonly #playground: Playground;
  readonly #client: ExploreClient;

  constructor(playground: Playground, client: ExploreClient) {
    this.#playground = playground;
    this.#client = client;
  }

  /** The result's verdicts, or none when it belongs to another story than the page shows. */
  readonly verdicts: readonly StrategyVerdict[] = $derived.by(() => {
    const exploration = this.exploration;
    const asked = this.#asked;
    const info = this.#playground.scenario;
    if (!exploration || !asked || !info || info.id !== exploration.result.scenario) return [];
    return verdictsOf(
      exploration.result,
      info,
      asked.strategies,
      exploration.replayable,
      this.cancelled ? 'cancelled' : 'limit',
      MAX_SCHEDULES,
    );
  });

  /** The bound and seed the shown verdicts hold for. */
  readonly scope: string = $derived.by(() => {
    const result = this.exploration?.result;
    if (!result || this.verdicts.length === 0) return '';
    const faults = result.maxFaults === 1 ? '1 fault' : `${result.maxFaults} faults`;
    return `Every schedule with at most ${faults} on seed ${result.seed}${result.complete ? '' : ', until it was cut'}.`;
  });

  /** One line for the polite live region: when a search starts and how it ended. */
  readonly statusText: string = $derived.by(() => {
    switch (this.status) {
      case 'idle':
        return '';
      case 'running':
        return 'Exploring every schedule…';
      case 'failed':
        return '';
      case 'done': {
        const broken = this.verdicts.filter((v) => v.verdict === 'broken').length;
        const cut = this.exploration?.result.complete ? '' : ' Cut before the end.';
        const stopped = this.cancelled ? 'Cancelled. ' : '';
        return `${stopped}Explored ${this.progress.done.toLocaleString('en-US')} schedules: ${broken} of ${this.verdicts.length} strategies break.${cut}`;
      }
    }
  });

  /** Explores the page's story, seed, knobs and strategies; one search at a time, the latest wins. */
  explore(): Promise<void> {
    if (!this.#playground.scenario || this.status === 'running') return Promise.resolve();
    return (this.#job = this.#explore());
  }

  async #explore(): Promise<void> {
    const page = this.#playground.page;
    const id = ++this.#latest;
    const asked: Asked = {
      scenario: page.scenario,
      strategies: [...page.strategies],
      maxFaults: this.maxFaults,
    };
    // Proxies cannot cross postMessage: plain copies only.
    const options: ExploreOptions = {
      scenario: asked.scenario,
      strategies: [...asked.strategies],
      knobs: $state.snapshot(page.knobs),
      seed: page.seed,
      maxFaults: asked.maxFaults,
      maxSchedules: MAX_SCHEDULES,
    };
    this.status = 'running';
    this.error = null;
    this.exportError = null;
    this.cancelled = false;
    this.progress = { done: 0, total: MAX_SCHEDULES * asked.strategies.length };
    try {
      const exploration = await this.#client.explore(options, (done, total) => {
        if (id === this.#latest) this.progress = { done, total };
      });
      if (id !== this.#latest) return;
      const ran = exploration.result.strategies.reduce((sum, s) => sum + s.schedules, 0);
      this.progress = { done: ran, total: this.progress.total };
      this.#asked = asked;
      this.exploration = exploration;
      this.status = 'done';
    } catch (error) {
      if (id !== this.#latest) return;
      this.error = `The exploration failed: ${messageOf(error)}`;
      this.status = 'failed';
    }
  }

  /**
   * Stops the search between two schedules; what ran is shown, marked as cut. Resolves once that
   * result is in (the panel then moves focus off Cancel).
   */
  async cancel(): Promise<void> {
    if (this.status !== 'running') return;
    this.cancelled = true;
    try {
      await this.#client.cancel();
    } catch (error) {
      this.error = `The exploration could not be stopped: ${messageOf(error)}`;
      return;
    }
    await this.#job;
  }

  /** A story changed under the panel: a search for the old one stops and its result goes. */
  forget(): void {
    void this.cancel();
    this.#latest++;
    this.exploration = null;
    this.#asked = null;
    this.status = 'idle';
    this.error = null;
    this.exportError = null;
  }

  /** The finding in the side-by-side view: its seed, knobs and schedule, every strategy that replays it. */
  open(finding: Finding): void {
    const result = this.exploration?.result;
    if (!result) return;
    this.#playground.openSchedule({
      seed: result.seed,
      knobs: result.knobs,
      strategies: finding.columns,
      schedule: finding.schedule,
    });
  }

  /** A finding as a file (made in the explorer's worker); null when it failed, said in exportError. */
  async exportFile(
    strategy: string,
    finding: Finding,
    kind: ExportKind,
  ): Promise<ExportedFile | null> {
    const exploration = this.exploration;
    const invariant = finding.invariants[0];
    if (!exploration || !invariant) return null;
    const { result } = exploration;
    this.exportError = null;
    try {
      return await this.#client.exportFile({
        kind,
        scenario: result.scenario,
        seed: result.seed,
        knobs: result.knobs,
        schedule: finding.schedule,
        summary: finding.summary,
        invariant: invariant.id,
        strategy,
        holds: result.strategies.filter((s) => s.holds).map((s) => s.strategy),
      });
    } catch (error) {
      this.exportError = `The export failed: ${messageOf(error)}`;
      return null;
    }
  }
}
