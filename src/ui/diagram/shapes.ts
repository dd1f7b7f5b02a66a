// The diagram's shapes: one builder per trace event kind, then a plain mark for anything undrawn.
import type { TraceEvent } from '../../sim/trace.ts';
import { formatDuration, shortKey } from './format.ts';
import { clip, label, mono, sans } from './labels.ts';
import { DATABASE } from './lanes.ts';
import type { ShapeKit } from './shape-kit.ts';
import type { LooseEvent } from './trace-index.ts';
import type { LabelPart, Shape } from './types.ts';

type Kind = TraceEvent['kind'];
type Event<K extends Kind> = Extract<TraceEvent, { kind: K }>;
type Builder<K extends Kind> = (event: Event<K>, kit: ShapeKit) => Shape[];

/** What a step's result adds to its label; 'next' (the usual case) adds nothing. */
const STEP_RESULT: Readonly<Record<string, string>> = {
  next: '',
  call: ' · calls out',
  respond: ' · answers',
  ack: ' · acks first',
  done: ' · done',
  error: ' · error',
};

const request: Builder<'request'> = (event, kit) => {
  const from = kit.laneOf(event.actor);
  const key = event.key === null ? [] : [mono(` ${shortKey(event.key)}`)];
  const parts = [mono(`${kit.tag(event.op, event.attempt)} ${event.method} ${event.path}`), ...key];
  const fate = (copy: number, cause: number) =>
    kit
      .kids(cause)
      .find(
        (e) =>
          (e.kind === 'deliver' && e.copy === copy) ||
          (e.kind === 'lost' && e.message === 'request' && e.copy === copy),
      );
  const shapes: Shape[] = [
    kit.message('request', event, from, fate(0, event.seq), kit.networkLane, parts),
  ];
  for (const dup of kit.kids(event.seq)) {
    if (dup.kind !== 'duplicated') continue;
    // The mark carries the words; the copy's own arrow stays unlabelled so they never overlap.
    const words = [
      sans(`duplicated: copy ${dup.copy + 1} of `),
      mono(kit.tag(dup.op, dup.attempt)),
    ];
    shapes.push(kit.mark(dup, 'copy', kit.networkLane, words, 'fault'));
    const end = fate(dup.copy, dup.seq);
    const copy = kit.message('request', dup, kit.networkLane, end, kit.serverLane, []);
    shapes.push({ ...copy, id: `copy-${dup.seq}` });
  }
  return shapes;
};

const response: Builder<'response'> = (event, kit) => {
  const from = kit.laneOf(event.actor);
  if (event.op === 0) {
    const parts = [mono(`${event.status}`), sans(' nobody waits')];
    return [kit.mark(event, 'response', from, parts, 'muted')];
  }
  const replayed = event.headers['Idempotent-Replayed'] === 'true';
  const parts = [
    mono(`${event.status}`),
    sans(` ${kit.tag(event.op, event.attempt)}`),
    ...(replayed ? [sans(' replayed')] : []),
  ];
  const end = kit
    .kids(event.seq)
    .find(
      (e) =>
        e.kind === 'receive' ||
        e.kind === 'ignored' ||
        (e.kind === 'lost' && e.message === 'response'),
    );
  const request = kit.index.requests.get(`${event.op}/${event.attempt}`);
  const back = request ? kit.laneOf(request.actor) : 0;
  const tone = event.status >= 500 ? 'fault' : 'plain';
  return [kit.message('response', event, from, end, back, parts, tone)];
};

/** The reply a call got: caused by the call itself, or by the effect (the charge) it caused. */
function replyTo(call: number, kit: ShapeKit): TraceEvent | undefined {
  for (const child of kit.kids(call)) {
    if (child.kind === 'reply') return child;
    const reply = kit.kids(child.seq).find((e) => e.kind === 'reply');
    if (reply) return reply;
  }
  return undefined;
}

// Calls and replies are drawn flat, UML style, with the third party busy in between: that keeps
// the row of the effect it causes (the charge) free for the effect's label.
const call: Builder<'call'> = (event, kit) => {
  const parts = [
    sans(event.system === 'psp' ? 'charge ' : 'call '),
    mono(event.intent),
    ...(event.key === null ? [sans(' no key')] : [mono(` ${shortKey(event.key)}`)]),
  ];
  const to = kit.laneOf(event.system);
  const arrow = kit.flat('call', event, kit.laneOf(event.actor), to, parts, 'plain');
  const reply = replyTo(event.seq, kit);
  const last = reply ?? kit.kids(event.seq).at(-1);
  const y2 = last ? kit.rowY(last.seq) : arrow.y1 + kit.rowHeight / 2;
  return [arrow, kit.span('busy', event, 'muted', reply?.seq ?? null, to, y2)];
};

const reply: Builder<'reply'> = (event, kit) => {
  const parts = event.ok
    ? [sans('ok '), mono(event.reference ?? ''), ...(event.replayed ? [sans(' replayed')] : [])]
    : [mono(`${event.status ?? 'failed'}`)];
  const end = kit.kids(event.seq).find((e) => e.kind === 'step') ?? kit.kids(event.seq)[0];
  const to = end ? kit.laneOf(end.actor) : kit.serverLane;
  const from = kit.laneOf(event.actor);
  return [kit.flat('reply', event, from, to, parts, event.ok ? 'plain' : 'fault')];
};

const step: Builder<'step'> = (event, kit) => {
  const db = kit.lane(DATABASE) ?? kit.laneOf(event.actor);
  const failed = event.result === 'error';
  const parts = [mono(event.step), sans(STEP_RESULT[event.result] ?? ` · ${event.result}`)];
  const glyph = failed ? 'step-error' : 'step';
  return [kit.mark(event, glyph, db, parts, failed ? 'bad' : 'muted', kit.laneOf(event.actor))];
};

const effect: Builder<'effect'> = (event, kit) => {
  const n = kit.nth(`${event.name}\u0000${event.subject}`);
  const parts = [
    mono(event.name),
    sans(` ${event.subject}`),
    ...(event.ref ? [mono(` ${event.ref}`)] : []),
    ...(n > 1 ? [sans(` ×${n}`)] : []),
  ];
  const again = n > 1;
  const lane = kit.laneOf(event.actor);
  return [kit.mark(event, again ? 'effect-again' : 'effect', lane, parts, again ? 'bad' : 'plain')];
};

const timeout: Builder<'timeout'> = (event, kit) => {
  const parts = [sans('timeout '), mono(kit.tag(event.op, event.attempt))];
  return [kit.mark(event, 'timeout', kit.laneOf(event.actor), parts, 'fault')];
};

const retry: Builder<'retry'> = (event, kit) => {
  const parts = [
    sans('retry → '),
    mono(kit.tag(event.op, event.attempt)),
    sans(` in ${formatDuration(event.delayMs)}`),
  ];
  return [kit.mark(event, 'retry', kit.laneOf(event.actor), parts, 'muted')];
};

const outcome: Builder<'outcome'> = (event, kit) => {
  const tries = `${event.attempts} attempt${event.attempts === 1 ? '' : 's'}`;
  const parts: LabelPart[] =
    event.result === 'ok'
      ? [mono(`${event.status ?? 'ok'}`), sans(` done after ${tries}`)]
      : event.result === 'failed'
        ? [sans('failed '), mono(`${event.status ?? ''}`), sans(` after ${tries}`)]
        : [sans(`gave up after ${tries}`)];
  const prefix = kit.index.operations > 1 ? [mono(`op ${event.op} `)] : [];
  const ok = event.result === 'ok';
  const lane = kit.laneOf(event.actor);
  return [kit.mark(event, ok ? 'ok' : 'failed', lane, [...prefix, ...parts], ok ? 'ok' : 'bad')];
};

const crash: Builder<'crash'> = (event, kit) => {
  const lane = kit.laneOf(event.actor);
  const restart = kit.kids(event.seq).find((e) => e.kind === 'restart');
  const y2 = restart ? kit.rowY(restart.seq) : kit.height - 6;
  return [
    kit.mark(event, 'crash', lane, [sans('crash after '), mono(event.afterStep)], 'bad'),
    kit.span('down', event, 'bad', restart?.seq ?? null, lane, y2),
  ];
};

const restart: Builder<'restart'> = (event, kit) => [
  kit.mark(event, 'restart', kit.laneOf(event.actor), [sans('restart')], 'muted'),
];

const job: Builder<'job'> = (event, kit) => {
  const note = event.size === undefined ? `: ${clip(event.note, 18)}` : `: ${event.size} kept`;
  return [kit.mark(event, 'job', kit.laneOf(event.actor), [mono(event.name), sans(note)], 'muted')];
};

const boundReached: Builder<'bound-reached'> = (event, kit) => {
  kit.cover(event.seq);
  const words = [sans('stopped: '), mono(`${event.bound} ${event.limit}`)];
  return [
    {
      type: 'rule',
      id: `rule-${event.seq}`,
      seq: event.seq,
      tone: 'fault',
      y: kit.rowY(event.seq),
      label: label(words, 'start'),
    },
  ];
};

/** The kinds drawn by a shape of their own; the others ride on one of these or get a plain mark. */
const BUILDERS: { readonly [K in Kind]?: Builder<K> } = {
  request,
  response,
  call,
  reply,
  step,
  effect,
  timeout,
  retry,
  outcome,
  crash,
  restart,
  job,
  'bound-reached': boundReached,
};

function build<K extends Kind>(event: Event<K>, kit: ShapeKit): Shape[] {
  const builder = BUILDERS[event.kind] as Builder<K> | undefined;
  return builder ? builder(event, kit) : [];
}

/** Every event's shapes, in row order. */
export function shapesOf(events: readonly TraceEvent[], kit: ShapeKit): Shape[] {
  const shapes = events.flatMap((event) => build(event, kit));
  // Anything no shape drew (a background delivery, a kind added later) still gets a mark.
  for (const event of events) {
    if (kit.covered.has(event.seq)) continue;
    const loose = event as LooseEvent;
    const text =
      event.kind === 'deliver' && event.op === 0
        ? `background run ${event.attempt}`
        : String(loose.kind);
    shapes.push(kit.mark(event, 'event', kit.lane(loose.actor) ?? 0, [sans(text)], 'muted'));
  }
  return shapes.sort((a, b) => a.seq - b.seq || a.id.localeCompare(b.id));
}
