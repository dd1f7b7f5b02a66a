// A component in a chunk of its own, loaded once on first need and then held as reactive state.
import type { Component } from 'svelte';
import { yieldToPage } from '../tasks.ts';

/** `component` is null until the chunk has loaded; `load()` starts that (once) and may be called early. */
export class Lazy<Props extends Record<string, unknown>> {
  component: Component<Props> | null = $state(null);
  #started = false;
  readonly #importer: () => Promise<{ default: Component<Props> }>;

  constructor(importer: () => Promise<{ default: Component<Props> }>) {
    this.#importer = importer;
  }

  /**
   * Starts the download, in a task of its own: Vite's preload helper inserts a link per dependency,
   * which cost a phone tens of ms inside the task that drew the first result. A chunk that fails
   * to load (offline, a new deployment) is tried again next time.
   */
  load(): void {
    if (this.#started) return;
    this.#started = true;
    void yieldToPage()
      .then(() => this.#importer())
      .then(
        (module) => (this.component = module.default),
        () => (this.#started = false),
      );
  }
}
