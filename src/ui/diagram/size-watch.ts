// One shared ResizeObserver for the diagrams' scrollers: sizes read after the frame's layout, never while mounting.
type Listener = (width: number, height: number) => void;

const listeners = new Map<Element, Listener>();
let observer: ResizeObserver | undefined;

/**
 * Calls `listener` with `element`'s clientWidth and clientHeight once it is laid out and whenever
 * its size changes; returns the function that stops it. One observer serves every element, so a
 * report for several columns reads all their sizes in one callback, before the page redraws any
 * of them (a read after a redraw would force a layout). Without ResizeObserver it never calls.
 */
export function watchSize(element: Element, listener: Listener): () => void {
  if (typeof ResizeObserver !== 'function') return () => undefined;
  observer ??= new ResizeObserver((entries) => {
    for (const { target } of entries)
      listeners.get(target)?.(target.clientWidth, target.clientHeight);
  });
  listeners.set(element, listener);
  observer.observe(element);
  return () => {
    listeners.delete(element);
    observer?.unobserve(element);
  };
}
