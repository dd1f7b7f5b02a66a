// The playback keys (Space, ←, →, R, ?) as one handler: the page binds it to the window, the
// embed only to its own root, so a host page keeps its keys.

/** What the keys drive: a Playground has all of these. */
export interface KeyTarget {
  togglePlay(): void;
  step(delta: number): void;
  restart(): void;
}

/** Handles one key press; false when the key is not ours or belongs to a field or button. */
export function playbackKey(event: KeyboardEvent, target: KeyTarget, onhelp: () => void): boolean {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return false;
  const element = event.target instanceof Element ? event.target : null;
  const typing =
    element?.closest('input, textarea, select, [contenteditable="true"]') != null &&
    !(element instanceof HTMLInputElement && ['range', 'checkbox'].includes(element.type));
  if (typing) return false;
  const onButton = element?.closest('button, a, summary') != null;
  const onRange = element instanceof HTMLInputElement && element.type === 'range';
  switch (event.key) {
    case ' ':
      // Space on a focused button presses that button; elsewhere it plays.
      if (onButton) return false;
      target.togglePlay();
      break;
    case 'ArrowRight':
      if (onRange) return false;
      target.step(1);
      break;
    case 'ArrowLeft':
      if (onRange) return false;
      target.step(-1);
      break;
    case 'r':
    case 'R':
      target.restart();
      break;
    case '?':
      onhelp();
      break;
    default:
      return false;
  }
  event.preventDefault();
  return true;
}
