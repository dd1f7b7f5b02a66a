// The diagram's rows: one per event in rank order, with long silences compressed into labelled breaks.
import type { TraceEvent } from '../../sim/trace.ts';
import { formatClock, formatDuration } from './format.ts';
import type { Row, TimeBreak } from './types.ts';

/** px above the first row. */
export const TOP = 14;
const BREAK_HEIGHT = 22;

export interface RowLayout {
  readonly rows: Row[];
  readonly breaks: TimeBreak[];
  /** Centre line of each event's row, by seq. */
  readonly yOf: ReadonlyMap<number, number>;
  /** Height of the drawing in px. */
  readonly height: number;
}

/**
 * One row per event top to bottom in trace order (so rank, not time, sets the spacing), and a
 * labelled break wherever virtual time jumps by breakMs or more.
 */
export function buildRows(
  events: readonly TraceEvent[],
  rowHeight: number,
  breakMs: number,
  say: (event: TraceEvent) => string,
): RowLayout {
  const rows: Row[] = [];
  const breaks: TimeBreak[] = [];
  const yOf = new Map<number, number>();
  let y = TOP + rowHeight / 2;
  let previous: TraceEvent | undefined;
  for (const event of events) {
    if (previous) {
      y += rowHeight;
      const gap = event.at - previous.at;
      if (gap >= breakMs) {
        breaks.push({
          y: y - rowHeight / 2,
          height: BREAK_HEIGHT,
          label: `+${formatDuration(gap)}`,
        });
        y += BREAK_HEIGHT;
      }
    }
    const time = !previous || event.at !== previous.at ? formatClock(event.at) : null;
    rows.push({ seq: event.seq, kind: event.kind, at: event.at, y, time, text: say(event) });
    yOf.set(event.seq, y);
    previous = event;
  }
  const height = (rows.at(-1)?.y ?? TOP) + rowHeight / 2 + 10;
  return { rows, breaks, yOf, height };
}
