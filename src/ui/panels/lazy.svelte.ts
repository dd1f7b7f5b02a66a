// A component in a chunk of its own, loaded once on first need and then held as reactive state.
import type { Component } from 'svelte';

/** `component` is null until the chunk has loaded; `load()` starts that (once) and may be called early. */
export class Lazy<Props extends Record<string, unknown>> {
  component: Component<Props> | null = $state(null);
  #started = false;
  readonly #importer: () => Promise<{ default: Component<Props> }>;

  constructor(importer: () => Promise<{ default: Component<Props> }>) {
    this.#importer = importer;
  }

  /** Starts the download; a chunk that fails to load (offline, a new deployment) is tried again next time. */
  load(): void {
    if (this.#started) return;
    this.#started = true;
    this.#importer().then(
      (module) => (this.component = module.default),
      () => (this.#started = false),
    );
  }
}
