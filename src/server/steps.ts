// Turns a table of named steps into a Handler: each step runs as one transaction; a throw rolls
// the step back and becomes an error response (a fenced-out stale owner gets 409, a bug 500).

import type { Handler, Job, LocalEffect, StepInput, StepOutcome } from '../sim/handler.ts';
import type { HttpRequest, HttpResponse } from '../sim/http.ts';
import type { Db } from './db.ts';
import { problem } from './responses.ts';

/** Records a local effect; it counts only if the step's transaction commits. */
export type Effect = (name: string, subject: string) => void;

export type Step = (input: StepInput, effect: Effect) => StepOutcome;

/** Thrown by a step whose write was fenced out: another execution holds the key's lease now. */
export class Fenced extends Error {
  override name = 'Fenced';
}

/** Thrown by a step whose transaction met a concurrent one (Postgres' serialization failure). */
export class SerializationFailure extends Error {
  override name = 'SerializationFailure';
}

/**
 * After a step threw and rolled back: a handler may answer for the error itself, in a
 * transaction of its own (the key store unlocks its key); undefined keeps the default answer.
 */
export type OnError = (input: StepInput, error: unknown) => HttpResponse | undefined;

export const next = (step: string): StepOutcome => ({ kind: 'next', step });
export const respond = (response: HttpResponse): StepOutcome => ({ kind: 'respond', response });

/** One table of steps from several, as a handler serving several routes needs; names must not clash. */
export function mergeSteps(
  tables: readonly Readonly<Record<string, Step>>[],
): Record<string, Step> {
  const merged: Record<string, Step> = {};
  for (const [name, step] of tables.flatMap((table) => Object.entries(table))) {
    if (name in merged) throw new Error(`two routes name a step "${name}"`);
    merged[name] = step;
  }
  return merged;
}

export function stepHandler(
  db: Db,
  firstStep: string | ((request: HttpRequest) => string),
  steps: Readonly<Record<string, Step>>,
  extras: {
    readonly jobs?: readonly Job[];
    readonly onRestart?: () => void;
    readonly onError?: OnError;
  } = {},
): Handler {
  return {
    firstStep: typeof firstStep === 'string' ? () => firstStep : firstStep,
    jobs: extras.jobs ?? [],
    run(name, input) {
      const step = steps[name];
      if (!step)
        throw new Error(`handler has no step "${name}" (steps: ${Object.keys(steps).join(', ')})`);
      const effects: LocalEffect[] = [];
      try {
        const outcome = db.transaction(() =>
          step(input, (effectName, subject) => effects.push({ name: effectName, subject })),
        );
        return { outcome, effects };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const own = error instanceof Fenced ? undefined : extras.onError;
        const response =
          (own && db.transaction(() => own(input, error))) ??
          (error instanceof Fenced
            ? problem(409, 'This request lost its lease on the Idempotency-Key', message)
            : problem(500, 'Internal Server Error', message));
        return {
          outcome: respond(response),
          effects: [],
          error: `${error instanceof Fenced ? 'fenced' : 'failed'}: ${message}`,
        };
      }
    },
    restart() {
      extras.onRestart?.();
    },
  };
}
