// My experiments: the saved list (kept fresh across tabs by a BroadcastChannel), save, rename,
// delete with undo, export and import. Storage failures become a sentence; the app keeps working.
import type { ScenarioInfo } from '../../engine/types.ts';
import type { PageState } from '../url-state.ts';
import {
  checkImport,
  exportFile,
  MAX_NOTE,
  MAX_TITLE,
  type Experiment,
  type Refusal,
} from './schema.ts';
import { mergeInto, openStore, type ExperimentStore, type Merge } from './store.ts';

declare const __TWICE_VERSION__: string | undefined;
/** The app's version (package.json), stamped into every save. */
export const APP_VERSION = typeof __TWICE_VERSION__ === 'string' ? __TWICE_VERSION__ : 'dev';
const CHANNEL = 'twice-experiments';

export interface ImportReport extends Merge {
  readonly refused: readonly Refusal[];
  readonly fileError: string | null;
}

function messageOf(error: unknown): string {
  if (error instanceof DOMException && error.name === 'QuotaExceededError')
    return 'Your browser’s storage for this site is full, so this was not saved. Export your experiments and delete some, then try again.';
  return `Saving failed: ${error instanceof Error ? error.message : String(error)}`;
}

export class Experiments {
  list: readonly Experiment[] = $state.raw([]);
  /** Why saving is not possible here at all (no IndexedDB, a refused database); null when it is. */
  unavailable: string | null = $state(null);
  /** The last failure of one action (a full quota); the page keeps working. */
  error: string | null = $state(null);
  /** The experiment just deleted, until undone or another is deleted. */
  deleted: Experiment | null = $state.raw(null);
  report: ImportReport | null = $state.raw(null);

  #store: ExperimentStore | null = null;
  #channel: BroadcastChannel | null = null;
  #openStore: () => Promise<ExperimentStore>;
  #now: () => number;
  #newId: () => string;

  constructor(
    options: {
      openStore?: () => Promise<ExperimentStore>;
      now?: () => number;
      newId?: () => string;
    } = {},
  ) {
    this.#openStore = options.openStore ?? (() => openStore());
    this.#now = options.now ?? (() => Date.now());
    this.#newId = options.newId ?? (() => crypto.randomUUID());
  }

  async start(): Promise<void> {
    try {
      this.#store = await this.#openStore();
    } catch {
      this.unavailable =
        'Saving is not available in this window (private browsing or blocked storage). Everything else works, and a link still holds the whole experiment: use Copy link.';
      return;
    }
    if (typeof BroadcastChannel !== 'undefined') {
      this.#channel = new BroadcastChannel(CHANNEL);
      this.#channel.onmessage = () => void this.#reload();
    }
    await this.#reload();
  }

  stop(): void {
    this.#channel?.close();
    this.#channel = null;
  }

  async #reload(): Promise<void> {
    if (this.#store) this.list = await this.#store.list();
  }

  /** Writes, then tells this tab and the others. */
  async #write(action: (store: ExperimentStore) => Promise<unknown>): Promise<boolean> {
    if (!this.#store) return false;
    try {
      await action(this.#store);
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
      return false;
    }
    this.#channel?.postMessage('changed');
    await this.#reload();
    return true;
  }

  async save(state: PageState, title: string): Promise<Experiment | null> {
    const now = this.#now();
    const experiment: Experiment = {
      id: this.#newId(),
      title: title.slice(0, MAX_TITLE),
      note: '',
      scenario: state.scenario,
      seed: state.seed,
      strategies: [...state.strategies],
      faults: state.faults,
      knobs: { ...state.knobs },
      t: state.t,
      ...(state.often ? { often: $state.snapshot(state.often) } : {}),
      ...(state.schedule === undefined ? {} : { schedule: state.schedule }),
      createdAt: now,
      updatedAt: now,
      appVersion: APP_VERSION,
    };
    // Ask once that the browser keep saves when it is short of space (it may say no).
    if (typeof navigator !== 'undefined') void navigator.storage?.persist?.().catch(() => false);
    return (await this.#write((store) => store.put(experiment))) ? experiment : null;
  }

  async edit(id: string, change: { title?: string; note?: string }): Promise<void> {
    const current = this.list.find((e) => e.id === id);
    if (!current) return;
    const title = (change.title ?? current.title).slice(0, MAX_TITLE);
    const note = (change.note ?? current.note).slice(0, MAX_NOTE);
    if (title === current.title && note === current.note) return;
    await this.#write((store) => store.put({ ...current, title, note, updatedAt: this.#now() }));
  }

  async remove(id: string): Promise<void> {
    const current = this.list.find((e) => e.id === id);
    if (current && (await this.#write((store) => store.delete(id)))) this.deleted = current;
  }

  async undoRemove(): Promise<void> {
    const back = this.deleted;
    if (back && (await this.#write((store) => store.put(back)))) this.deleted = null;
  }

  /** Every saved experiment as one JSON file's text. */
  exportJson(): string {
    return `${JSON.stringify(exportFile(this.list, this.#now()), null, 2)}\n`;
  }

  /** Checks a file, keeps what is valid, and reports exactly what was refused and why. */
  async importText(text: string, scenarios: readonly ScenarioInfo[]): Promise<ImportReport> {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
    const checked =
      data === undefined
        ? { accepted: [], refused: [], fileError: 'The file was refused: it is not JSON.' }
        : checkImport(data, scenarios);
    let merge: Merge = { added: 0, skipped: 0, copied: 0 };
    if (checked.accepted.length > 0)
      await this.#write(async (store) => {
        merge = await mergeInto(store, checked.accepted, this.#newId);
      });
    this.report = { ...merge, refused: checked.refused, fileError: checked.fileError };
    return this.report;
  }
}
