// The Choices port: every nondeterministic decision of a run goes through one of these.
//
// SeededChoices answers from hash(seed, label), not from a shared stream: the same label gets
// the same answer whatever else was asked before it, under every strategy ("common random
// numbers"). That is what keeps a side-by-side comparison honest, and what lets one knob change
// without reshuffling unrelated fates. Labels name the thing decided, e.g.
// `net/op:1/attempt:2/copy:0/drop-response`.

export type ChoiceValue = boolean | number;

/** One answered choice, as recorded in a trace and replayed by ScriptedChoices. */
export interface ChoiceRecord {
  readonly label: string;
  readonly value: ChoiceValue;
}

export interface Choices {
  /** True with probability `ratio` (a number in [0, 1]). */
  chance(label: string, ratio: number): boolean;
  /** An integer in [min, max], both ends included. */
  int(label: string, min: number, max: number): number;
  /** One of `options`; the recorded value is its index. */
  pick<T>(label: string, options: readonly T[]): T;
}

const TWO_POW_32 = 4294967296;

/** murmur3's 32-bit finaliser: small input differences reach every output bit. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * hash32 maps (seed, label) to a uniform unsigned 32-bit integer: FNV-1a over the label, started
 * from the mixed seed, then finalised. Integer-only (Math.imul, shifts), so Node and every browser
 * agree to the bit. It is not a cryptographic hash and need not be: it only has to spread labels.
 */
export function hash32(seed: number, label: string): number {
  let h = mix32((seed >>> 0) ^ 0x9e3779b9) ^ 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

function checkRatio(label: string, ratio: number): void {
  if (!(ratio >= 0 && ratio <= 1))
    throw new RangeError(`chance(${label}): ratio ${ratio} is not in [0, 1]`);
}

function checkRange(label: string, min: number, max: number): void {
  if (!Number.isInteger(min) || !Number.isInteger(max) || min > max || max - min >= TWO_POW_32) {
    throw new RangeError(
      `int(${label}): [${min}, ${max}] is not an integer range of at most 2^32 values`,
    );
  }
}

/** Answers from hash(seed, label). */
export class SeededChoices implements Choices {
  readonly seed: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
      throw new RangeError(`seed ${seed} is not an integer in [0, 2^32)`);
    }
    this.seed = seed;
  }

  chance(label: string, ratio: number): boolean {
    checkRatio(label, ratio);
    // u / 2^32 < ratio, without a division: ratio * 2^32 is exact in binary floating point.
    return hash32(this.seed, label) < ratio * TWO_POW_32;
  }

  int(label: string, min: number, max: number): number {
    checkRange(label, min, max);
    // Modulo bias is below (max - min + 1) / 2^32: invisible for the ranges a run uses.
    return min + (hash32(this.seed, label) % (max - min + 1));
  }

  pick<T>(label: string, options: readonly T[]): T {
    if (options.length === 0) throw new RangeError(`pick(${label}): no options`);
    return options[this.int(label, 0, options.length - 1)] as T;
  }
}

/**
 * Answers from a recorded list, in order, checking that each label matches: replays an exported
 * run exactly. When the script runs out, `fallback` answers (the explorer extends scripts this
 * way); without one, running out is an error that names the label.
 */
export class ScriptedChoices implements Choices {
  #next = 0;
  readonly #script: readonly ChoiceRecord[];
  readonly #fallback: Choices | undefined;

  constructor(script: readonly ChoiceRecord[], fallback?: Choices) {
    this.#script = script;
    this.#fallback = fallback;
  }

  /** How many scripted answers were used. */
  get used(): number {
    return this.#next;
  }

  #take(label: string): ChoiceValue | undefined {
    const record = this.#script[this.#next];
    if (record === undefined) {
      if (this.#fallback) return undefined;
      throw new Error(`ScriptedChoices: script ended before "${label}" (${this.#next} answers)`);
    }
    if (record.label !== label) {
      throw new Error(
        `ScriptedChoices: answer ${this.#next} is for "${record.label}", but the run asked "${label}"`,
      );
    }
    this.#next++;
    return record.value;
  }

  chance(label: string, ratio: number): boolean {
    checkRatio(label, ratio);
    const value = this.#take(label);
    if (value === undefined) return (this.#fallback as Choices).chance(label, ratio);
    if (typeof value !== 'boolean')
      throw new Error(`ScriptedChoices: "${label}" needs a boolean, got ${value}`);
    return value;
  }

  int(label: string, min: number, max: number): number {
    checkRange(label, min, max);
    const value = this.#take(label);
    if (value === undefined) return (this.#fallback as Choices).int(label, min, max);
    if (typeof value !== 'number' || value < min || value > max) {
      throw new Error(
        `ScriptedChoices: "${label}" needs an integer in [${min}, ${max}], got ${value}`,
      );
    }
    return value;
  }

  pick<T>(label: string, options: readonly T[]): T {
    const value = this.#take(label);
    if (value === undefined) return (this.#fallback as Choices).pick(label, options);
    const option = typeof value === 'number' ? options[value] : undefined;
    if (option === undefined) throw new Error(`ScriptedChoices: "${label}" has no option ${value}`);
    return option;
  }
}

/** Passes every question to `inner` and hands each answer to `record` (the trace). */
export class RecordingChoices implements Choices {
  readonly #inner: Choices;
  readonly #record: (choice: ChoiceRecord) => void;

  constructor(inner: Choices, record: (choice: ChoiceRecord) => void) {
    this.#inner = inner;
    this.#record = record;
  }

  chance(label: string, ratio: number): boolean {
    const value = this.#inner.chance(label, ratio);
    this.#record({ label, value });
    return value;
  }

  int(label: string, min: number, max: number): number {
    const value = this.#inner.int(label, min, max);
    this.#record({ label, value });
    return value;
  }

  pick<T>(label: string, options: readonly T[]): T {
    const value = this.#inner.pick(label, options);
    this.#record({ label, value: options.indexOf(value) });
    return value;
  }
}
