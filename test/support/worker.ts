// A worker stand-in for Node tests: an API exposed with Comlink on one end of a MessageChannel.
import * as Comlink from 'comlink';
import type { WorkerLike } from '../../src/ui/supervisor.ts';

export interface FakeWorker extends WorkerLike {
  readonly ended: () => boolean;
  /** What a browser does when a worker crashes or runs out of memory. */
  readonly crash: () => void;
}

/** A "worker" running `api` in this thread; terminate() closes the channel, as ending a worker does. */
export function fakeWorker(api: object): FakeWorker {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(api, port2);
  let ended = false;
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) =>
      port1.postMessage(message, transfer ?? []),
    addEventListener: (type: string, listener: EventListenerOrEventListenerObject) =>
      port1.addEventListener(type, listener),
    removeEventListener: (type: string, listener: EventListenerOrEventListenerObject) =>
      port1.removeEventListener(type, listener),
    start: () => port1.start(),
    terminate: () => {
      ended = true;
      port1.close();
      port2.close();
    },
    ended: () => ended,
    crash: () => port1.dispatchEvent(new Event('error')),
  };
}
