// The diagram's drawing kit: lanes and rows of one trace, and the builders every shape uses
// (a message between lanes, a mark on a lane, a span along one), keeping track of what is drawn.
import type { TraceEvent } from '../../sim/trace.ts';
import { label, roomySide, sans } from './labels.ts';
import type { RowLayout } from './rows.ts';
import { TOP } from './rows.ts';
import type { TraceIndex } from './trace-index.ts';
import type { Lane, LabelPart, MarkShape, MessageShape, SpanShape, Tone } from './types.ts';

/** An arrow's own fields; the kit adds its type, id and label. */
type Arrow = Omit<MessageShape, 'type' | 'id' | 'label'> & { readonly parts: readonly LabelPart[] };

export class ShapeKit {
  readonly index: TraceIndex;
  readonly rowHeight: number;
  /** Height of the drawing in px: where a span with no end stops. */
  readonly height: number;
  readonly serverLane: number;
  readonly networkLane: number;
  /** Every event some shape drew; the rest get a plain mark. */
  readonly covered = new Set<number>();
  readonly #lanes: readonly Lane[];
  readonly #laneAt: ReadonlyMap<string, number>;
  readonly #yOf: ReadonlyMap<number, number>;
  readonly #seen = new Map<string, number>();

  constructor(lanes: readonly Lane[], index: TraceIndex, rows: RowLayout, rowHeight: number) {
    this.#lanes = lanes;
    this.#laneAt = new Map(lanes.map((l) => [l.id, l.index]));
    this.#yOf = rows.yOf;
    this.index = index;
    this.rowHeight = rowHeight;
    this.height = rows.height;
    this.serverLane = lanes.find((l) => l.kind === 'server')?.index ?? this.laneOf('server');
    this.networkLane = this.#laneAt.get('network') ?? this.serverLane;
  }

  /** The lane of an actor; unknown actors draw on the first lane. */
  laneOf(actor: string): number {
    return this.#laneAt.get(actor) ?? 0;
  }

  /** The lane with this id, if the trace has one. */
  lane(id: string): number | undefined {
    return this.#laneAt.get(id);
  }

  fracOf(lane: number): number {
    return this.#lanes[lane]?.frac ?? 0.5;
  }

  rowY(seq: number): number {
    return this.#yOf.get(seq) ?? TOP;
  }

  /** The events `seq` caused, in trace order. */
  kids(seq: number): readonly TraceEvent[] {
    return this.index.children.get(seq) ?? [];
  }

  /** An attempt's short name: "#2", "op 3 #2" when several operations run, "bg 1" for background. */
  tag(op: number, attempt: number): string {
    if (op === 0) return `bg ${attempt}`;
    return this.index.operations > 1 ? `op ${op} #${attempt}` : `#${attempt}`;
  }

  /** How many times `key` has been seen so far, this time included (effects done again). */
  nth(key: string): number {
    const n = (this.#seen.get(key) ?? 0) + 1;
    this.#seen.set(key, n);
    return n;
  }

  cover(...seqs: (number | null)[]): void {
    for (const s of seqs) if (s !== null) this.covered.add(s);
  }

  /**
   * A message that travels: from the row that sent it to the row of `end` (where it arrived,
   * was ignored or was lost), or to `fallbackTo` as a stub when the trace never says.
   */
  message(
    kind: MessageShape['message'],
    start: TraceEvent,
    from: number,
    end: TraceEvent | undefined,
    fallbackTo: number,
    parts: readonly LabelPart[],
    tone: Tone = 'plain',
  ): MessageShape {
    let to = fallbackTo;
    let lost: MessageShape['lost'] = null;
    let ignored = false;
    let endLabel: MessageShape['endLabel'] = null;
    if (end?.kind === 'lost') {
      lost = end.reason === 'server-down' ? 'server-down' : 'network';
      to = lost === 'server-down' ? this.serverLane : this.networkLane;
      endLabel = label(
        [sans(lost === 'server-down' ? 'server down' : 'lost')],
        roomySide(this.fracOf(to)),
      );
    } else if (end) {
      to = this.laneOf(end.actor);
      if (end.kind === 'ignored') {
        ignored = true;
        endLabel = label([sans(`ignored: ${end.reason}`)], roomySide(this.fracOf(to)));
      }
    }
    const y1 = this.rowY(start.seq);
    // A message whose fate the trace never recorded (a bound stopped the run) stays a stub.
    const y2 = end ? this.rowY(end.seq) : y1 + this.rowHeight * 0.6;
    this.cover(start.seq, end?.seq ?? null);
    return this.#arrow({
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
      parts: end ? parts : [...parts, sans(' …')],
      endLabel,
    });
  }

  /** A message drawn flat on its own row, UML style: a call to a third party and its reply. */
  flat(
    kind: MessageShape['message'],
    event: TraceEvent,
    from: number,
    to: number,
    parts: readonly LabelPart[],
    tone: Tone,
  ): MessageShape {
    const y = this.rowY(event.seq);
    this.cover(event.seq);
    return this.#arrow({
      seq: event.seq,
      tone,
      message: kind,
      endSeq: event.seq,
      from,
      to,
      y1: y,
      y2: y,
      lost: null,
      ignored: false,
      parts,
      endLabel: null,
    });
  }

  /** A glyph on a lane, labelled on the side with more room, optionally tied to another lane. */
  mark(
    event: TraceEvent,
    glyph: MarkShape['glyph'],
    lane: number,
    parts: readonly LabelPart[],
    tone: Tone,
    tether: number | null = null,
  ): MarkShape {
    this.cover(event.seq);
    return {
      type: 'mark',
      id: `mark-${event.seq}`,
      seq: event.seq,
      tone,
      glyph,
      lane,
      y: this.rowY(event.seq),
      tether,
      label: label(parts, roomySide(this.fracOf(lane))),
    };
  }

  /** A stretch of a lane from `event`'s row to y2: a third party busy, a server down. */
  span(
    span: SpanShape['span'],
    event: TraceEvent,
    tone: Tone,
    endSeq: number | null,
    lane: number,
    y2: number,
  ): SpanShape {
    const y1 = this.rowY(event.seq);
    return {
      type: 'span',
      id: `${span}-${event.seq}`,
      seq: event.seq,
      tone,
      span,
      endSeq,
      lane,
      y1,
      y2,
    };
  }

  #arrow({ parts, ...a }: Arrow): MessageShape {
    return {
      type: 'message',
      id: `${a.message}-${a.seq}`,
      seq: a.seq,
      tone: a.tone,
      message: a.message,
      endSeq: a.endSeq,
      from: a.from,
      to: a.to,
      y1: a.y1,
      y2: a.y2,
      lost: a.lost,
      ignored: a.ignored,
      label: label(parts, a.to >= a.from ? 'start' : 'end'),
      endLabel: a.endLabel,
    };
  }
}
