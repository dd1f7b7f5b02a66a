// Label text for the diagram, with a width estimate so the layout knows how much room it needs.

import type { Label, LabelPart } from './types.ts';

// Average advance at the diagram's 11 px type: generous, so estimates err towards room.
const MONO_PX = 6.7;
const SANS_PX = 6.2;

export function label(parts: readonly LabelPart[], side: Label['side']): Label {
  const width = parts.reduce(
    (sum, part) => sum + part.text.length * (part.mono ? MONO_PX : SANS_PX),
    0,
  );
  return { parts, side, width: Math.ceil(width) };
}

export const mono = (text: string): LabelPart => ({ text, mono: true });
export const sans = (text: string): LabelPart => ({ text });

/** Cuts long free text (a job's note) so one row never needs a wide figure. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The side of a lane with more room: labels on the left half run right, and vice versa. */
export function roomySide(frac: number): Label['side'] {
  return frac <= 0.5 ? 'start' : 'end';
}
