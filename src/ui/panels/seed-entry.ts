// A typed seed, for the page's and the embed's seed fields: runs only when committed.
import { parseSeed } from '../url-state.ts';
import { committer } from './commit.ts';

/**
 * `enterSeed` is the playground's. `type(text, committed)` on every input (committed: Enter, blur, stepper). A valid seed runs
 * once committed or after a pause, never a prefix on the way; an invalid one says so at once
 * (and blocks runs) and runs nothing. Call `cancel` when the field goes away.
 */
export function seedEntry(enterSeed: (text: string) => void) {
  const field = committer(enterSeed);
  return {
    type(text: string, committed: boolean): void {
      const valid = parseSeed(text) !== null;
      if (!valid) enterSeed(text);
      if (committed) field.now(text, valid);
      else field.typed(text, valid);
    },
    cancel: field.cancel,
  };
}
