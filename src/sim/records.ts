// What a run writes down besides its trace: effects, answers, tries per layer, job runs — the facts it hands back.

import type { ForeignSystem } from './handler.ts';
import type { Kernel } from './kernel.ts';
import type { Answer, AttemptRecord, EffectRecord, JobRun } from './world.ts';

export class Records {
  readonly effects: Record<string, number> = {};
  readonly effectLog: EffectRecord[] = [];
  readonly answers: Answer[] = [];
  readonly attempts: AttemptRecord[] = [];
  readonly jobRuns: JobRun[] = [];
  readonly #k: Kernel;

  constructor(k: Kernel) {
    this.#k = k;
  }

  /** Counts an effect and traces it as `actor`'s (the server, or the foreign system that did it); returns its seq. */
  effect(
    actor: 'server' | ForeignSystem,
    name: string,
    subject: string,
    ref: string | undefined,
    cause: number,
  ): number {
    this.effects[name] = (this.effects[name] ?? 0) + 1;
    this.effectLog.push({ name, subject, at: this.#k.now });
    return this.#k.emit({
      actor,
      kind: 'effect',
      name,
      subject,
      ...(ref ? { ref } : {}),
      cause,
    });
  }

  /** Counts a try at one layer, for the facts: attempts per operation at each layer. */
  attempt(layer: AttemptRecord['layer'], op: number): void {
    this.attempts.push({ layer, op, at: this.#k.now });
  }
}
