// The service worker's side of the page: registered by the full page only (never inside a frame,
// where browsers refuse third-party storage), and whether a new build waits until the reader asks.
/// <reference types="vite-plugin-pwa/client" />
import { registerSW } from 'virtual:pwa-register';

export class Offline {
  /** A new build is installed and waits; the page reloads into it only when asked. */
  updateReady = $state(false);
  /** Everything is cached: the app opens and runs with no network from now on. */
  offlineReady = $state(false);
  #update: ((reload?: boolean) => Promise<void>) | null = null;

  start(): void {
    if (!('serviceWorker' in navigator) || window.top !== window) return;
    this.#update = registerSW({
      // Called once the page is ready, after its load event: register now, not on the next load.
      immediate: true,
      onNeedRefresh: () => (this.updateReady = true),
      onOfflineReady: () => (this.offlineReady = true),
      // A refused registration (a policy, some private windows) leaves the app online-only.
      onRegisterError: () => undefined,
    });
  }

  reload(): void {
    void this.#update?.(true);
  }

  later(): void {
    this.updateReady = false;
  }
}
