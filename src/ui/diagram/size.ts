// An element's client size as it changes, told after layout: unlike bind:clientWidth, which reads it as the element mounts and so forces a layout of the page mid-drawing.

/** One observer for every element watched; each element's own listener. */
let shared: ResizeObserver | undefined;
const listeners = new WeakMap<Element, (width: number, height: number) => void>();

/**
 * Calls `listen` with the element's clientWidth and clientHeight after its first layout and after
 * every resize (read inside the ResizeObserver's callback, when layout is already done); returns
 * the function that stops it. Where there is no ResizeObserver it tells nothing.
 */
export function observeSize(
  element: HTMLElement,
  listen: (width: number, height: number) => void,
): () => void {
  if (typeof ResizeObserver !== 'function') return () => {};
  shared ??= new ResizeObserver((entries) => {
    for (const { target } of entries)
      if (target instanceof HTMLElement)
        listeners.get(target)?.(target.clientWidth, target.clientHeight);
  });
  listeners.set(element, listen);
  shared.observe(element);
  return () => {
    shared?.unobserve(element);
    listeners.delete(element);
  };
}
