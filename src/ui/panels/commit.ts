// Typed values run only when committed: Enter, leaving the field, a stepper, or a pause in typing.

/** How long typing must pause before a valid value runs by itself. */
export const SETTLE_MS = 700;

/**
 * One field's pending commit. `typed` is called on every keystroke: a valid value is committed
 * once typing pauses, an invalid one cancels what was pending and never commits. `now` commits
 * at once (Enter, blur, stepper). Each commit sees the field's text at that moment.
 */
export function committer(commit: (text: string) => void, settleMs = SETTLE_MS) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => clearTimeout(timer);
  return {
    typed(text: string, valid: boolean): void {
      cancel();
      if (valid) timer = setTimeout(() => commit(text), settleMs);
    },
    now(text: string, valid: boolean): void {
      cancel();
      if (valid) commit(text);
    },
    cancel,
  };
}
