// One worker behind Comlink, replaced when it dies or overruns a call's time limit: no call ever waits on a dead worker.
import * as Comlink from 'comlink';

/** What the supervisor needs of a worker: a Comlink endpoint that can be ended (tests pass a MessagePort). */
export interface WorkerLike extends Comlink.Endpoint {
  terminate(): void;
}

interface Live<Api> {
  readonly remote: Comlink.Remote<Api>;
  /** Rejects when this worker is gone; every call races it. */
  readonly gone: Promise<never>;
  readonly end: (reason: Error) => void;
}

/**
 * Starts a worker on first use and after each death, lazily: a worker that cannot even load is
 * not restarted in a loop, only tried again by the next call.
 */
export class Supervisor<Api> {
  readonly #spawn: () => WorkerLike;
  readonly #name: string;
  #live: Live<Api> | null = null;

  constructor(spawn: () => WorkerLike, name: string) {
    this.#spawn = spawn;
    this.#name = name;
  }

  #start(): Live<Api> {
    if (this.#live) return this.#live;
    const worker = this.#spawn();
    let reject: (reason: Error) => void = () => undefined;
    const gone = new Promise<never>((_, r) => (reject = r));
    gone.catch(() => undefined);
    const live: Live<Api> = {
      remote: Comlink.wrap<Api>(worker),
      gone,
      end: (reason) => {
        if (this.#live === live) this.#live = null;
        worker.terminate();
        reject(reason);
      },
    };
    // A worker that fails to load, throws outside a call, or is killed for memory never answers
    // Comlink again: end it, so pending calls fail now and the next call gets a new one.
    worker.addEventListener('error', (event) => {
      const why = (event as ErrorEvent).message || 'it crashed or ran out of memory';
      live.end(
        new Error(`The ${this.#name} stopped (${why}); a new one starts with the next request`),
      );
    });
    worker.addEventListener('messageerror', () => {
      live.end(
        new Error(`The ${this.#name} sent a message that could not be read; it was restarted`),
      );
    });
    this.#live = live;
    return live;
  }

  /**
   * Calls the worker. With `limit`, a call still running after `limit.ms` ends the worker (the
   * only way to stop wasm mid-query) and rejects with `limit.message`.
   */
  async call<R>(
    use: (remote: Comlink.Remote<Api>) => Promise<R>,
    limit?: { readonly ms: number; readonly message: string },
  ): Promise<R> {
    const live = this.#start();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const overrun = new Promise<never>((_, reject) => {
      if (!limit) return;
      timer = setTimeout(() => {
        const error = new Error(limit.message);
        live.end(error);
        reject(error);
      }, limit.ms);
    });
    try {
      return await Promise.race([use(live.remote), live.gone, overrun]);
    } finally {
      clearTimeout(timer);
    }
  }
}
