// Where keyboard focus goes when the control that held it goes away (a Cancel button once its run has stopped).
import { tick } from 'svelte';

/**
 * Once `settled` has resolved and the page has updated, focuses `target()` if focus was lost: on
 * <body>, or on a control that is gone or disabled. Focus the reader moved elsewhere stays there.
 */
export async function refocusAfter(
  settled: Promise<unknown>,
  target: () => HTMLElement | null | undefined,
): Promise<void> {
  await settled.catch(() => undefined);
  await tick();
  const now = document.activeElement;
  const lost =
    now === null ||
    now === document.body ||
    !now.isConnected ||
    (now instanceof HTMLButtonElement && now.disabled);
  if (lost) target()?.focus();
}
