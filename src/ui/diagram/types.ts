// The sequence diagram as data: lanes, one row per trace event, and the shapes drawn on them.

/** What a lane stands for; 'system' is any third party (a payment provider, an airline…). */
export type LaneKind = 'client' | 'network' | 'server' | 'database' | 'system';

export interface Lane {
  readonly id: string;
  readonly kind: LaneKind;
  /** Header text. */
  readonly label: string;
  /** Header text for lanes under 60 px apart (a phone): "DB", "net". */
  readonly short: string;
  /** Full name, for the header's tooltip and the summary. */
  readonly title: string;
  readonly index: number;
  /** Centre of the lane as a fraction of the drawing width: the layout is width-free. */
  readonly frac: number;
}

/** One trace event (choices excluded) on its own row: what the cursor steps through. */
export interface Row {
  readonly seq: number;
  readonly kind: string;
  readonly at: number;
  /** Centre line of the row, px from the top of the drawing. */
  readonly y: number;
  /** The virtual time, shown in the gutter where it changed since the row before; else null. */
  readonly time: string | null;
  /** The event in one sentence: the row's accessible name and tooltip. */
  readonly text: string;
}

export interface LabelPart {
  readonly text: string;
  readonly mono?: boolean;
}

export interface Label {
  readonly parts: readonly LabelPart[];
  /** 'start': the text runs right from its anchor; 'end': it runs left. */
  readonly side: 'start' | 'end';
  /** Estimated width in px, so the layout can say how wide the figure must be. */
  readonly width: number;
}

/** Colour family; every tone also has a shape or words of its own. */
export type Tone = 'plain' | 'muted' | 'fault' | 'bad' | 'ok';

export type Glyph =
  | 'timeout'
  | 'retry'
  | 'crash'
  | 'restart'
  | 'effect'
  | 'effect-again'
  | 'step'
  | 'step-error'
  | 'job'
  | 'copy'
  | 'ok'
  | 'failed'
  | 'response'
  | 'event';

interface Base {
  /** Unique and stable: the each-block key. */
  readonly id: string;
  /** The trace event that makes this shape appear. */
  readonly seq: number;
  readonly tone: Tone;
}

export type MessageKind = 'request' | 'response' | 'call' | 'reply';

/** An arrow between lanes, from the row that sent it to the row where it arrived or was lost. */
export interface MessageShape extends Base {
  readonly type: 'message';
  readonly message: MessageKind;
  /** The event that ends it (deliver, receive, lost…), or null when the trace ends first. */
  readonly endSeq: number | null;
  readonly from: number;
  readonly to: number;
  readonly y1: number;
  readonly y2: number;
  /** Set when the message never arrived: the arrow is dashed and ends in ✕. */
  readonly lost: 'network' | 'server-down' | null;
  /** A response the client threw away (late, duplicate): the arrow ends in a bar. */
  readonly ignored: boolean;
  readonly label: Label;
  readonly endLabel: Label | null;
}

/** A glyph on a lane with a label: effects, steps, timeouts, retries, crashes, outcomes. */
export interface MarkShape extends Base {
  readonly type: 'mark';
  readonly glyph: Glyph;
  readonly lane: number;
  readonly y: number;
  /** A lane the mark is tied to by a short line (a step's server), or null. */
  readonly tether: number | null;
  readonly label: Label;
}

/** A stretch of a lane: the server down from a crash to its restart, or a third party busy with a call. */
export interface SpanShape extends Base {
  readonly type: 'span';
  readonly span: 'down' | 'busy';
  readonly endSeq: number | null;
  readonly lane: number;
  readonly y1: number;
  readonly y2: number;
}

/** A line across every lane: the run stopped at a bound. */
export interface RuleShape extends Base {
  readonly type: 'rule';
  readonly y: number;
  readonly label: Label;
}

export type Shape = MessageShape | MarkShape | SpanShape | RuleShape;

/** Extra room where virtual time jumps far ahead, labelled with the jump ("+53 s"). */
export interface TimeBreak {
  readonly y: number;
  readonly height: number;
  readonly label: string;
}

export interface Diagram {
  readonly lanes: readonly Lane[];
  readonly rows: readonly Row[];
  readonly shapes: readonly Shape[];
  readonly breaks: readonly TimeBreak[];
  readonly rowHeight: number;
  /** Height of the drawing in px. */
  readonly height: number;
  /** Width of the left gutter that holds the time labels, px. */
  readonly gutter: number;
  /** Right padding, px. */
  readonly pad: number;
  /** Narrowest width at which lanes and labels stay readable; narrower containers scroll. */
  readonly minWidth: number;
  /** The whole run in words: the figure's text alternative. */
  readonly summary: string;
  /** Events past LayoutOptions.maxRows, left out of the drawing (0 when it shows the whole run). */
  readonly undrawn: number;
}

export interface LayoutOptions {
  /** px per row; default 26. */
  readonly rowHeight?: number;
  /** A time jump at least this long (virtual ms) gets a labelled break; default 1500. */
  readonly breakMs?: number;
  /** The noun for one operation in sentences ("payment"); default: from the request path. */
  readonly noun?: string;
  /** Draw at most this many events (the first ones): layout cost stays bounded; default all. */
  readonly maxRows?: number;
}
