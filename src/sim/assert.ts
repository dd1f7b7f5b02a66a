// assert: programmer-error checks for the core; operational faults are trace events, never asserts.

export class AssertionError extends Error {
  override name = 'AssertionError';
}

/** Throws when `condition` is false: something the code itself must uphold did not hold. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}
