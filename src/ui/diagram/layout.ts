// layoutDiagram: a trace in, a width-free sequence diagram out (pure: same trace, same diagram).
import type { TraceEvent } from '../../sim/trace.ts';
import { formatDuration } from './format.ts';
import { deriveLanes } from './lanes.ts';
import { createNarrator } from './narrate.ts';
import { buildRows } from './rows.ts';
import { ShapeKit } from './shape-kit.ts';
import { shapesOf } from './shapes.ts';
import { indexTrace } from './trace-index.ts';
import type { Diagram, Label, Lane, LayoutOptions, Shape } from './types.ts';

/**
 * The page's diagram draws at most this many events. Layout costs about as much per event as
 * the page can spend in one task, and the laid-out diagram crosses from the engine worker to the
 * page, so its size must not grow with the run: retry storms allow 100,000 events, no reader
 * follows a figure that far, and the counters, verdicts and narration still cover the whole run.
 */
export const MAX_DRAWN_ROWS = 5000;

const GUTTER = 54;
const PAD = 10;
const MIN_LANE = 54;
/** Past this the figure scrolls sideways rather than grow further for one long label. */
const MAX_WIDTH = 960;
/** Distance from an anchor to its label's text, px. */
const MARK_GAP = 11;
const ARROW_GAP = 6;

type Event<K extends TraceEvent['kind']> = Extract<TraceEvent, { kind: K }>;

/**
 * Lays a trace out as a sequence diagram: lanes left to right, one row per event top to bottom
 * in trace order (so rank, not time, sets the spacing), and a labelled break wherever virtual
 * time jumps by breakMs or more. x is given per lane as a fraction, so the component can fit
 * any width without a new layout; y is in px.
 */
export function layoutDiagram(trace: readonly TraceEvent[], options: LayoutOptions = {}): Diagram {
  const rowHeight = options.rowHeight ?? 26;
  const breakMs = options.breakMs ?? 1500;
  const all = [...trace].filter((e) => e.kind !== 'choice').sort((a, b) => a.seq - b.seq);
  // A run past maxRows is drawn up to there, as if it had ended: what comes later is stubs.
  const events = all.slice(0, Math.max(0, options.maxRows ?? Infinity));
  const lastSeq = events.at(-1)?.seq ?? -1;
  const drawnTrace = events.length < all.length ? trace.filter((e) => e.seq <= lastSeq) : trace;
  const lanes = deriveLanes(events);
  const rows = buildRows(events, rowHeight, breakMs, createNarrator(drawnTrace, options));
  const shapes = shapesOf(events, new ShapeKit(lanes, indexTrace(events), rows, rowHeight));
  return {
    lanes,
    rows: rows.rows,
    shapes,
    breaks: rows.breaks,
    rowHeight,
    height: rows.height,
    gutter: GUTTER,
    pad: PAD,
    minWidth: minWidth(lanes, shapes),
    summary: summarise(all, lanes),
    undrawn: all.length - events.length,
  };
}

/** The narrowest drawing in which every label fits beside its anchor, within MAX_WIDTH. */
function minWidth(lanes: readonly Lane[], shapes: readonly Shape[]): number {
  let inner = lanes.length * MIN_LANE;
  const need = (frac: number, l: Label, gap: number) => {
    const w =
      l.side === 'start'
        ? (gap + l.width - PAD) / Math.max(0.05, 1 - frac)
        : (gap + l.width) / Math.max(0.05, frac);
    inner = Math.max(inner, w);
  };
  const fracOf = (lane: number) => lanes[lane]?.frac ?? 0.5;
  for (const shape of shapes) {
    if (shape.type === 'mark') need(fracOf(shape.lane), shape.label, MARK_GAP);
    if (shape.type === 'message') {
      need(fracOf(shape.from), shape.label, ARROW_GAP);
      if (shape.endLabel) need(fracOf(shape.to), shape.endLabel, MARK_GAP);
    }
  }
  return Math.min(MAX_WIDTH, Math.ceil(GUTTER + PAD + inner));
}

function count<K extends TraceEvent['kind']>(
  events: readonly TraceEvent[],
  kind: K,
  test: (e: Event<K>) => boolean = () => true,
): number {
  let n = 0;
  for (const e of events) if (e.kind === kind && test(e as Event<K>)) n++;
  return n;
}

/** The figure's text alternative: what ran, what went wrong, what happened as a result. */
function summarise(events: readonly TraceEvent[], lanes: readonly Lane[]): string {
  // Counted over the whole run, drawn or not.
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const last = events.at(-1);
  const parts = [
    plural(count(events, 'request'), 'request'),
    plural(count(events, 'response'), 'response'),
  ];
  const lost = count(events, 'lost');
  if (lost > 0) parts.push(`${plural(lost, 'message')} lost (✕)`);
  const dups = count(events, 'duplicated');
  if (dups > 0) parts.push(`${plural(dups, 'request')} duplicated by the network`);
  const timeouts = count(events, 'timeout');
  if (timeouts > 0) parts.push(plural(timeouts, 'timeout'));
  const crashes = count(events, 'crash');
  if (crashes > 0) parts.push(plural(crashes, 'server crash', 'server crashes'));
  const effects = new Map<string, number>();
  for (const e of events)
    if (e.kind === 'effect') effects.set(e.name, (effects.get(e.name) ?? 0) + 1);
  const effectText = [...effects].map(([name, n]) => `${name} ×${n}`).join(', ');
  return (
    `Sequence diagram of ${plural(events.length, 'event')} over ${formatDuration(last?.at ?? 0)}, ` +
    `lanes ${lanes.map((l) => l.title.split(' (')[0]).join(', ')}: ${parts.join(', ')}` +
    `${effectText ? `; effects ${effectText}` : ''}.`
  );
}
