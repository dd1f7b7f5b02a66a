// The page's keys: Space, ←, →, R and ? drive playback anywhere but in a field that takes typing.

export type Shortcut = 'toggle' | 'forward' | 'back' | 'restart' | 'help';

/** The shortcut a key press means here, or null when the key belongs to what has focus. */
export function shortcutOf(event: KeyboardEvent): Shortcut | null {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return null;
  const target = event.target as HTMLElement | null;
  const slider = target instanceof HTMLInputElement && target.type === 'range';
  const typing =
    target?.closest('input, textarea, select, [contenteditable="true"]') !== null &&
    !(target instanceof HTMLInputElement && ['range', 'checkbox'].includes(target.type));
  if (typing) return null;
  switch (event.key) {
    case ' ':
      // Space on a focused button presses that button; elsewhere it plays.
      return target?.closest('button, a, summary') !== null ? null : 'toggle';
    case 'ArrowRight':
      return slider ? null : 'forward';
    case 'ArrowLeft':
      return slider ? null : 'back';
    case 'r':
    case 'R':
      return 'restart';
    case '?':
      return 'help';
    default:
      return null;
  }
}

/**
 * Handles one key press for a playback: a shortcut presses it (or opens help) and is consumed;
 * any other key is left to the page. The page binds it to its window; the embed to its frame's.
 */
export function pressShortcut(
  event: KeyboardEvent,
  playback: { press(key: Exclude<Shortcut, 'help'>): void },
  onhelp: () => void,
): void {
  const key = shortcutOf(event);
  if (key === null) return;
  if (key === 'help') onhelp();
  else playback.press(key);
  event.preventDefault();
}
