// Where a message belongs, as Choices labels name it and as a story's pinned faults find it.

import type { MessageRef } from './trace.ts';

// A gateway's try names its own fates: each try of a message meets its own loss, crash, charge.
export const refLabel = (ref: MessageRef): string =>
  `op:${ref.op}/attempt:${ref.attempt}/copy:${ref.copy}${ref.try === undefined ? '' : `/try:${ref.try}`}`;

/** The fault a story pinned to this request (at this step, for faults pinned to a step), if any. */
export function pinnedTo<
  P extends { readonly op: number; readonly attempt: number; readonly step?: string },
>(pins: readonly P[] | undefined, ref: MessageRef, step?: string): P | undefined {
  return pins?.find(
    (p) => p.op === ref.op && p.attempt === ref.attempt && (step === undefined || p.step === step),
  );
}
