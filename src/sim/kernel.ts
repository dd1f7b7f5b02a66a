// The kernel: all an actor may ask of the event loop — the world, the clock, the queue, the trace, Choices.

import type { Choices } from './choices.ts';
import type { SimEvent } from './events.ts';
import type { NewTraceEvent } from './trace.ts';
import type { World } from './world.ts';

/** A trace event as an actor emits it: the kernel stamps it with the clock. */
export type Emitted = NewTraceEvent extends infer E
  ? E extends NewTraceEvent
    ? Omit<E, 'at'>
    : never
  : never;

export interface Kernel {
  readonly world: World;
  /** Virtual time in integer ms: the time of the event being handled. */
  readonly now: number;
  /**
   * Every decision of the run. The loop records each answer (label and value, in order) and
   * attributes it to the event being handled: see `attribute`.
   */
  readonly choices: Choices;
  /** Queues `event` at virtual time `at`; a full queue ends the run at its bound. */
  schedule(at: number, event: SimEvent): void;
  /** Numbers a trace event (and keeps it, when the trace is kept); returns its seq. */
  emit(event: Emitted): number;
  /**
   * Choices asked from now until the next event belong to `cause`. The loop sets this from each
   * event it dispatches; an actor that handles several things in one event (a batch of held
   * answers) names each one's cause as it goes.
   */
  attribute(cause: number | undefined): void;
}
