// Sharing the page's one thread: long work yields between pieces, and an update knows when it is on screen.

/** A macrotask: the page may draw and take input between two pieces of work. */
export const yieldToPage = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Resolves once the browser has painted the latest state (at once where there is no browser). */
export function painted(): Promise<void> {
  if (typeof requestAnimationFrame !== 'function') return Promise.resolve();
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/** Lays out the page now, in the current task (nothing where there is no page). */
export function laidOut(): void {
  if (typeof document !== 'undefined') void document.documentElement.offsetHeight;
}
