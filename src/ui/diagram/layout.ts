// layoutDiagram: a trace in, a width-free sequence diagram out (pure: same trace, same diagram).

import type { TraceEvent } from '../../sim/trace.ts';
import { formatClock, formatDuration, shortKey } from './format.ts';
import { clip, label, mono, roomySide, sans } from './labels.ts';
import { DATABASE, deriveLanes } from './lanes.ts';
import { createNarrator } from './narrate.ts';
import { indexTrace, type LooseEvent } from './trace-index.ts';
import type {
  Diagram,
  Label,
  LabelPart,
  Lane,
  LayoutOptions,
  MarkShape,
  MessageShape,
  Row,
  Shape,
  TimeBreak,
  Tone,
} from './types.ts';

const GUTTER = 54;
const PAD = 10;
const TOP = 14;
const BREAK_HEIGHT = 22;
const MIN_LANE = 54;
/** Past this the figure scrolls sideways rather than grow further for one long label. */
const MAX_WIDTH = 960;
/** Distance from an anchor to its label's text, px. */
const MARK_GAP = 11;
const ARROW_GAP = 6;

/** What a step's result adds to its label; 'next' (the usual case) adds nothing. */
const STEP_RESULT: Readonly<Record<string, string>> = {
  next: '',
  call: ' · calls out',
  respond: ' · answers',
  ack: ' · acks first',
  done: ' · done',
  error: ' · error',
};

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
  const events = [...trace].filter((e) => e.kind !== 'choice').sort((a, b) => a.seq - b.seq);
  const lanes = deriveLanes(events);
  const index = indexTrace(events);
  const say = createNarrator(trace, options);

  // Rows and breaks: rank order, with long silences compressed into one labelled gap.
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

  const laneAt = new Map(lanes.map((l) => [l.id, l.index]));
  const laneOf = (actor: string): number => laneAt.get(actor) ?? 0;
  const serverLane = lanes.find((l) => l.kind === 'server')?.index ?? laneOf('server');
  const networkLane = laneAt.get('network') ?? serverLane;
  const fracOf = (lane: number) => lanes[lane]?.frac ?? 0.5;
  const rowY = (seq: number) => yOf.get(seq) ?? TOP;
  const tag = (op: number, attempt: number) =>
    op === 0 ? `bg ${attempt}` : index.operations > 1 ? `op ${op} #${attempt}` : `#${attempt}`;

  const shapes: Shape[] = [];
  const covered = new Set<number>();
  const cover = (...seqs: (number | null)[]) => {
    for (const s of seqs) if (s !== null) covered.add(s);
  };

  const message = (
    kind: MessageShape['message'],
    start: TraceEvent,
    from: number,
    end: TraceEvent | undefined,
    fallbackTo: number,
    parts: readonly LabelPart[],
    tone: Tone = 'plain',
  ): MessageShape => {
    let to = fallbackTo;
    let lost: MessageShape['lost'] = null;
    let ignored = false;
    let endLabel: Label | null = null;
    if (end?.kind === 'lost') {
      lost = end.reason === 'server-down' ? 'server-down' : 'network';
      to = lost === 'server-down' ? serverLane : networkLane;
      endLabel = label(
        [sans(lost === 'server-down' ? 'server down' : 'lost')],
        roomySide(fracOf(to)),
      );
    } else if (end) {
      to = laneOf(end.actor);
      if (end.kind === 'ignored') {
        ignored = true;
        endLabel = label([sans(`ignored: ${end.reason}`)], roomySide(fracOf(to)));
      }
    }
    const y1 = rowY(start.seq);
    // A message whose fate the trace never recorded (a bound stopped the run) stays a stub.
    const y2 = end ? rowY(end.seq) : y1 + rowHeight * 0.6;
    cover(start.seq, end?.seq ?? null);
    return {
      type: 'message',
      id: `${kind}-${start.seq}`,
      seq: start.seq,
      tone: lost ? 'fault' : tone,
      message: kind,
      endSeq: end?.seq ?? null,
      from,
      to,
      y1,
      y2,
      lost,
      ignored,
      label: label(end ? parts : [...parts, sans(' …')], to >= from ? 'start' : 'end'),
      endLabel,
    };
  };

  const mark = (
    event: TraceEvent,
    glyph: MarkShape['glyph'],
    lane: number,
    parts: readonly LabelPart[],
    tone: Tone,
    tether: number | null = null,
  ): MarkShape => {
    cover(event.seq);
    return {
      type: 'mark',
      id: `mark-${event.seq}`,
      seq: event.seq,
      tone,
      glyph,
      lane,
      y: rowY(event.seq),
      tether,
      label: label(parts, roomySide(fracOf(lane))),
    };
  };

  const kids = (seq: number) => index.children.get(seq) ?? [];
  /** The reply a call got: caused by the call itself, or by the effect (the charge) it caused. */
  const replyTo = (call: number) => {
    for (const child of kids(call)) {
      if (child.kind === 'reply') return child;
      const reply = kids(child.seq).find((e) => e.kind === 'reply');
      if (reply) return reply;
    }
    return undefined;
  };
  const effectsSeen = new Map<string, number>();

  for (const event of events) {
    switch (event.kind) {
      case 'request': {
        const from = laneOf(event.actor);
        const key = event.key === null ? [] : [mono(` ${shortKey(event.key)}`)];
        const parts = [
          mono(`${tag(event.op, event.attempt)} ${event.method} ${event.path}`),
          ...key,
        ];
        const fate = (copy: number, cause: number) =>
          kids(cause).find(
            (e) =>
              (e.kind === 'deliver' && e.copy === copy) ||
              (e.kind === 'lost' && e.message === 'request' && e.copy === copy),
          );
        shapes.push(message('request', event, from, fate(0, event.seq), networkLane, parts));
        for (const dup of kids(event.seq)) {
          if (dup.kind !== 'duplicated') continue;
          // The mark carries the words; the copy's own arrow stays unlabelled so they never overlap.
          const words = [
            sans(`duplicated: copy ${dup.copy + 1} of `),
            mono(tag(dup.op, dup.attempt)),
          ];
          shapes.push(mark(dup, 'copy', networkLane, words, 'fault'));
          const copyParts: LabelPart[] = [];
          const copy = message(
            'request',
            dup,
            networkLane,
            fate(dup.copy, dup.seq),
            serverLane,
            copyParts,
          );
          shapes.push({ ...copy, id: `copy-${dup.seq}` });
        }
        break;
      }
      case 'response': {
        const from = laneOf(event.actor);
        const replayed = event.headers['Idempotent-Replayed'] === 'true';
        const parts = [
          mono(`${event.status}`),
          sans(` ${tag(event.op, event.attempt)}`),
          ...(replayed ? [sans(' replayed')] : []),
        ];
        if (event.op === 0) {
          shapes.push(
            mark(
              event,
              'response',
              from,
              [mono(`${event.status}`), sans(' nobody waits')],
              'muted',
            ),
          );
          break;
        }
        const end = kids(event.seq).find(
          (e) =>
            e.kind === 'receive' ||
            e.kind === 'ignored' ||
            (e.kind === 'lost' && e.message === 'response'),
        );
        const request = index.requests.get(`${event.op}/${event.attempt}`);
        const back = request ? laneOf(request.actor) : 0;
        shapes.push(
          message(
            'response',
            event,
            from,
            end,
            back,
            parts,
            event.status >= 500 ? 'fault' : 'plain',
          ),
        );
        break;
      }
      case 'call': {
        // Calls and replies are drawn flat, UML style, with the third party busy in between:
        // that keeps the row of the effect it causes (the charge) free for the effect's label.
        const parts = [
          sans(event.system === 'psp' ? 'charge ' : 'call '),
          mono(event.intent),
          ...(event.key === null ? [sans(' no key')] : [mono(` ${shortKey(event.key)}`)]),
        ];
        const from = laneOf(event.actor);
        const to = laneOf(event.system);
        const y1 = rowY(event.seq);
        cover(event.seq);
        shapes.push({
          type: 'message',
          id: `call-${event.seq}`,
          seq: event.seq,
          tone: 'plain',
          message: 'call',
          endSeq: event.seq,
          from,
          to,
          y1,
          y2: y1,
          lost: null,
          ignored: false,
          label: label(parts, to >= from ? 'start' : 'end'),
          endLabel: null,
        });
        const reply = replyTo(event.seq);
        const last = reply ?? kids(event.seq).at(-1);
        shapes.push({
          type: 'span',
          id: `busy-${event.seq}`,
          seq: event.seq,
          tone: 'muted',
          span: 'busy',
          endSeq: reply?.seq ?? null,
          lane: to,
          y1,
          y2: last ? rowY(last.seq) : y1 + rowHeight / 2,
        });
        break;
      }
      case 'reply': {
        const parts = event.ok
          ? [
              sans('ok '),
              mono(event.reference ?? ''),
              ...(event.replayed ? [sans(' replayed')] : []),
            ]
          : [mono(`${event.status ?? 'failed'}`)];
        const from = laneOf(event.actor);
        const end = kids(event.seq).find((e) => e.kind === 'step') ?? kids(event.seq)[0];
        const to = end ? laneOf(end.actor) : serverLane;
        const y = rowY(event.seq);
        cover(event.seq);
        shapes.push({
          type: 'message',
          id: `reply-${event.seq}`,
          seq: event.seq,
          tone: event.ok ? 'plain' : 'fault',
          message: 'reply',
          endSeq: event.seq,
          from,
          to,
          y1: y,
          y2: y,
          lost: null,
          ignored: false,
          label: label(parts, to >= from ? 'start' : 'end'),
          endLabel: null,
        });
        break;
      }
      case 'step': {
        const db = laneAt.get(DATABASE) ?? laneOf(event.actor);
        const failed = event.result === 'error';
        const parts = [mono(event.step), sans(STEP_RESULT[event.result] ?? ` · ${event.result}`)];
        shapes.push(
          mark(
            event,
            failed ? 'step-error' : 'step',
            db,
            parts,
            failed ? 'bad' : 'muted',
            laneOf(event.actor),
          ),
        );
        break;
      }
      case 'effect': {
        const key = `${event.name}\u0000${event.subject}`;
        const n = (effectsSeen.get(key) ?? 0) + 1;
        effectsSeen.set(key, n);
        const parts = [
          mono(event.name),
          sans(` ${event.subject}`),
          ...(event.ref ? [mono(` ${event.ref}`)] : []),
          ...(n > 1 ? [sans(` ×${n}`)] : []),
        ];
        shapes.push(
          mark(
            event,
            n > 1 ? 'effect-again' : 'effect',
            laneOf(event.actor),
            parts,
            n > 1 ? 'bad' : 'plain',
          ),
        );
        break;
      }
      case 'timeout':
        shapes.push(
          mark(
            event,
            'timeout',
            laneOf(event.actor),
            [sans('timeout '), mono(tag(event.op, event.attempt))],
            'fault',
          ),
        );
        break;
      case 'retry':
        shapes.push(
          mark(
            event,
            'retry',
            laneOf(event.actor),
            [
              sans('retry → '),
              mono(tag(event.op, event.attempt)),
              sans(` in ${formatDuration(event.delayMs)}`),
            ],
            'muted',
          ),
        );
        break;
      case 'outcome': {
        const tries = `${event.attempts} attempt${event.attempts === 1 ? '' : 's'}`;
        const parts: LabelPart[] =
          event.result === 'ok'
            ? [mono(`${event.status ?? 'ok'}`), sans(` done after ${tries}`)]
            : event.result === 'failed'
              ? [sans('failed '), mono(`${event.status ?? ''}`), sans(` after ${tries}`)]
              : [sans(`gave up after ${tries}`)];
        const prefix = index.operations > 1 ? [mono(`op ${event.op} `)] : [];
        shapes.push(
          mark(
            event,
            event.result === 'ok' ? 'ok' : 'failed',
            laneOf(event.actor),
            [...prefix, ...parts],
            event.result === 'ok' ? 'ok' : 'bad',
          ),
        );
        break;
      }
      case 'crash': {
        const lane = laneOf(event.actor);
        shapes.push(
          mark(event, 'crash', lane, [sans('crash after '), mono(event.afterStep)], 'bad'),
        );
        const restart = kids(event.seq).find((e) => e.kind === 'restart');
        shapes.push({
          type: 'span',
          id: `down-${event.seq}`,
          seq: event.seq,
          tone: 'bad',
          span: 'down',
          endSeq: restart?.seq ?? null,
          lane,
          y1: rowY(event.seq),
          y2: restart ? rowY(restart.seq) : height - 6,
        });
        break;
      }
      case 'restart':
        shapes.push(mark(event, 'restart', laneOf(event.actor), [sans('restart')], 'muted'));
        break;
      case 'job':
        shapes.push(
          mark(
            event,
            'job',
            laneOf(event.actor),
            [
              mono(event.name),
              sans(event.size === undefined ? `: ${clip(event.note, 18)}` : `: ${event.size} kept`),
            ],
            'muted',
          ),
        );
        break;
      case 'bound-reached':
        cover(event.seq);
        shapes.push({
          type: 'rule',
          id: `rule-${event.seq}`,
          seq: event.seq,
          tone: 'fault',
          y: rowY(event.seq),
          label: label([sans('stopped: '), mono(`${event.bound} ${event.limit}`)], 'start'),
        });
        break;
      default:
        break;
    }
  }

  // Anything no shape drew (a background delivery, a kind added later) still gets a mark.
  for (const event of events) {
    if (covered.has(event.seq)) continue;
    const loose = event as LooseEvent;
    const text =
      event.kind === 'deliver' && event.op === 0
        ? `background run ${event.attempt}`
        : String(loose.kind);
    shapes.push(mark(event, 'event', laneAt.get(loose.actor) ?? 0, [sans(text)], 'muted'));
  }
  shapes.sort((a, b) => a.seq - b.seq || a.id.localeCompare(b.id));

  return {
    lanes,
    rows,
    shapes,
    breaks,
    rowHeight,
    height,
    gutter: GUTTER,
    pad: PAD,
    minWidth: minWidth(lanes, shapes),
    summary: summarise(events, lanes),
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
  return events.filter((e): e is Event<K> => e.kind === kind).filter(test).length;
}

/** The figure's text alternative: what ran, what went wrong, what happened as a result. */
function summarise(events: readonly TraceEvent[], lanes: readonly Lane[]): string {
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
