// Whether the reader has started to use the page (a key, a pointer, a wheel or a touch): panels kept off the first load mount then.
import { flushSync } from 'svelte';

/** Read by every deferred panel; set once, by the first interaction, and never unset. */
export const engagement = $state({ engaged: false });

// Not `scroll`: the page scrolls itself (a story's title into view); the view's own check covers it.
const EVENTS = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;

/**
 * Listens (once per page) for the reader's first interaction. A key mounts the panels before the
 * browser moves focus, so the first Tab already reaches into them; the rest may mount a frame later.
 */
export function watchEngagement(): void {
  if (engagement.engaged || typeof window === 'undefined') return;
  const engage = (event: Event): void => {
    for (const name of EVENTS) window.removeEventListener(name, engage, true);
    engagement.engaged = true;
    if (event.type === 'keydown') flushSync();
  };
  for (const name of EVENTS)
    window.addEventListener(name, engage, { capture: true, passive: true });
}
