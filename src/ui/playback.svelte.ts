// Playback: the shared cursor over the run's moments — where it stands, playing or not, how fast —
// and the one timer that moves it. The cursor itself lives in the link (page.t); this reads and
// writes it through the port the Playground gives.

import type { Shortcut } from './shortcuts.ts';
import { clampTick, lastAtOrBefore } from './timeline.ts';

/** Playback speeds, in moments per second, on a log scale: the slider picks an exponent. */
export const SPEED_MIN_EXP = -2;
export const SPEED_MAX_EXP = 6;
const BASE_TICKS_PER_SECOND = 2;

/** Where the cursor is kept: a tick index, null meaning "the end of the run". */
export interface CursorPort {
  /** The distinct virtual times of the run, in order (see timeline.ts). */
  readonly ticks: () => readonly number[];
  readonly get: () => number | null;
  readonly set: (t: number | null) => void;
}

export class Playback {
  #port: CursorPort;
  #timer: ReturnType<typeof setTimeout> | null = null;

  playing = $state(false);
  /** log2 of the speed multiplier. */
  speedExp = $state(0);

  readonly ticks: readonly number[] = $derived.by(() => this.#port.ticks());
  /** The cursor as a tick index, kept inside the timeline. */
  readonly tick: number = $derived.by(() => clampTick(this.#port.get(), this.ticks));
  readonly atEnd: boolean = $derived(this.tick >= this.ticks.length - 1);
  /** Virtual time at the cursor. */
  readonly cursorAt: number = $derived(this.ticks[this.tick] ?? 0);
  readonly speed: number = $derived(2 ** this.speedExp);

  constructor(port: CursorPort) {
    this.#port = port;
  }

  /** Moves the cursor to a tick; the end of the run is written as "no cursor" (null). */
  seek(tick: number): void {
    const t = clampTick(tick, this.ticks);
    const next = t >= this.ticks.length - 1 ? null : t;
    if (next !== this.#port.get()) this.#port.set(next);
  }

  step(delta: number): void {
    this.pause();
    this.seek(this.tick + delta);
  }

  /** The cursor to the moment at virtual time `at` (an event chosen in a diagram or a chain). */
  seekTime(at: number): void {
    this.pause();
    const tick = lastAtOrBefore(this.ticks, (t) => t, at);
    if (tick >= 0 && this.ticks[tick] === at) this.seek(tick);
  }

  restart(): void {
    this.pause();
    this.seek(0);
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  play(): void {
    if (this.ticks.length < 2) return;
    if (this.atEnd) this.seek(0);
    this.playing = true;
    this.#schedule();
  }

  pause(): void {
    this.playing = false;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** A playback key (see shortcuts.ts). */
  press(key: Exclude<Shortcut, 'help'>): void {
    if (key === 'toggle') this.togglePlay();
    else if (key === 'forward') this.step(1);
    else if (key === 'back') this.step(-1);
    else this.restart();
  }

  setSpeed(exp: number): void {
    this.speedExp = Math.min(SPEED_MAX_EXP, Math.max(SPEED_MIN_EXP, exp));
  }

  #schedule(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    const delay = 1000 / (BASE_TICKS_PER_SECOND * this.speed);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.playing) return;
      this.seek(this.tick + 1);
      if (this.atEnd) this.pause();
      else this.#schedule();
    }, delay);
  }
}
