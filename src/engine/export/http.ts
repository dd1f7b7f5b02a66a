// A counterexample as an HTTP transcript (.http file): the client's requests in order, with comments for every fault and race to arrange.

import type { OperationResult } from '../../sim/simulation.ts';
import type { TraceEvent } from '../../sim/trace.ts';
import { SYSTEMS } from '../schedule-words.ts';

type Request = Extract<TraceEvent, { kind: 'request' }>;

export interface HttpExportHeader {
  readonly title: string;
  readonly schedule: string;
  readonly summary: string;
}

const refKey = (op: number, attempt: number) => `${op}/${attempt}`;

/** The operation and attempt a choice label names (`…/op:1/attempt:2/…`), when it names one. */
function labelRef(label: string): { op: number; attempt: number } | null {
  const op = /(?:^|\/)op:(\d+)/.exec(label)?.[1];
  const attempt = /(?:^|\/)attempt:(\d+)/.exec(label)?.[1];
  return op === undefined || attempt === undefined
    ? null
    : { op: Number(op), attempt: Number(attempt) };
}

/** The next event after `from` that is not a choice: the one an ordering decision let go first. */
function picked(trace: readonly TraceEvent[], from: number): TraceEvent | undefined {
  for (let i = from + 1; i < trace.length; i++)
    if ((trace[i] as TraceEvent).kind !== 'choice') return trace[i];
  return undefined;
}

/** What the run did to each request (by operation and attempt), as instructions for a reader. */
function instructions(trace: readonly TraceEvent[]): Map<string, string[]> {
  const notes = new Map<string, string[]>();
  const note = (op: number, attempt: number, text: string) => {
    const key = refKey(op, attempt);
    notes.set(key, [...(notes.get(key) ?? []), text]);
  };
  const execs = new Map<number, { op: number; attempt: number }>();
  // Executions in flight, with the last step each committed: what a race runs between.
  const running = new Map<number, string | null>();
  trace.forEach((e, i) => {
    if (e.kind === 'deliver') {
      execs.set(e.exec, { op: e.op, attempt: e.attempt });
      running.set(e.exec, null);
    } else if (e.kind === 'step') {
      if (e.result === 'respond' || e.result === 'done' || e.result === 'error')
        running.delete(e.exec);
      else running.set(e.exec, e.step);
    } else if (e.kind === 'request' && e.attempt > 1)
      note(
        e.op,
        e.attempt,
        `SEND AGAIN: attempt ${e.attempt} repeats attempt ${e.attempt - 1} of this operation (a retry, or the sender's redelivery), same key and body.`,
      );
    else if (e.kind === 'duplicated')
      note(e.op, e.attempt, 'SEND TWICE: the network delivers this request twice.');
    else if (e.kind === 'lost' && e.message === 'request' && e.copy === 0)
      note(
        e.op,
        e.attempt,
        `DO NOT SEND: this request is lost before the server sees it (${e.reason}).`,
      );
    else if (e.kind === 'lost' && e.message === 'response')
      note(e.op, e.attempt, `DROP THE RESPONSE: the client never sees this answer (${e.reason}).`);
    else if (e.kind === 'crash') {
      running.clear();
      const ref = execs.get(e.exec);
      if (ref)
        note(
          ref.op,
          ref.attempt,
          `CRASH THE SERVER right after it commits step "${e.afterStep}" for this request.`,
        );
    } else if (e.kind === 'choice' && e.value === true) choiceNote(e.label, note);
    else if (e.kind === 'choice' && e.label.startsWith('order/') && Number(e.value) > 0)
      orderNote(picked(trace, i), execs, running, note);
  });
  return notes;
}

type Note = (op: number, attempt: number, text: string) => void;

/** A fault taken at a choice the trace has no event of its own for: a pause, a lost foreign reply. */
function choiceNote(label: string, note: Note): void {
  const ref = labelRef(label);
  if (!ref) return;
  const pause = /\/pause-after:([^/]+)$/.exec(label)?.[1];
  if (pause !== undefined)
    note(
      ref.op,
      ref.attempt,
      `STALL THE SERVER: hold this request's execution right after it commits step "${pause}", for longer than the key's lease (a GC pause, a slow disk); send the next requests meanwhile, then let it go on.`,
    );
  const lost = /^([^/]+)\/.*\/([^/]+)\/lost-reply$/.exec(label);
  if (lost) {
    const system = SYSTEMS[lost[1] ?? ''] ?? lost[1];
    note(
      ref.op,
      ref.attempt,
      `LOSE ${String(system).toUpperCase()}'S REPLY: let it do the work your server asks for in step "${lost[2] ?? ''}", then drop its answer, so your server times out not knowing the outcome.`,
    );
  }
}

/** An ordering against the schedule order: the event it let go first, as a race to arrange. */
function orderNote(
  first: TraceEvent | undefined,
  execs: ReadonlyMap<number, { op: number; attempt: number }>,
  running: ReadonlyMap<number, string | null>,
  note: Note,
): void {
  if (first?.kind !== 'deliver' && first?.kind !== 'step') return;
  const ref = execs.get(first.exec) ?? (first.kind === 'deliver' ? first : undefined);
  if (!ref) return;
  const others = [...running].filter(([exec]) => exec !== first.exec);
  const [other] = others;
  const otherRef = other ? execs.get(other[0]) : undefined;
  if (!other || !otherRef) return;
  const them = `attempt ${otherRef.attempt} of operation ${otherRef.op}`;
  const where =
    other[1] === null
      ? 'before it commits its first step'
      : `after it commits step "${other[1]}" and before it commits its next one`;
  const what = first.kind === 'deliver' ? 'reach the handler' : `commit step "${first.step}"`;
  note(
    ref.op,
    ref.attempt,
    `RACE: send this request concurrently with ${them}; make it ${what} while that one is in flight, ${where}.`,
  );
}

/** A client's name as a variable of the file (`customer-2` → `customer_2`). */
const variableOf = (client: string) => client.replace(/[^A-Za-z0-9_]/g, '_');

function request(
  e: Request,
  notes: readonly string[],
  previousAt: number | null,
  client: string | null,
): string {
  const wait =
    previousAt === null ? [] : [`# wait ${e.at - previousAt} ms after the previous request`];
  const as = client === null ? [] : [`# as ${client}`];
  return [
    `### ${e.at} ms: attempt ${e.attempt} of operation ${e.op}`,
    ...as,
    ...wait,
    ...notes.map((n) => `# ${n}`),
    `${e.method} {{host}}${e.path}`,
    ...(client === null ? [] : [`Authorization: Bearer {{${variableOf(client)}}}`]),
    'Content-Type: application/json',
    ...(e.key === null ? [] : [`Idempotency-Key: ${e.key}`]),
    '',
    JSON.stringify(e.body),
    '',
  ].join('\n');
}

/**
 * The transcript: a header naming the schedule, then every request the client sent, in order.
 * With `operations` naming more than one client, each request says whose it is and carries that
 * client's credentials as a variable: keys are kept per client, so sending another customer's
 * request as yourself would test a different thing.
 */
export function exportHttp(
  header: HttpExportHeader,
  trace: readonly TraceEvent[],
  operations: readonly Pick<OperationResult, 'op' | 'client'>[] = [],
): string {
  const notes = instructions(trace);
  const requests = trace.filter((e): e is Request => e.kind === 'request');
  const clients = [...new Set(operations.map((o) => o.client))];
  const clientOf = new Map(operations.map((o) => [o.op, o.client]));
  const callers =
    clients.length < 2
      ? []
      : [
          `# Sent by ${clients.length} clients: set each one's token below and send each request as the client it names.`,
          ...clients.map((c) => `@${variableOf(c)} = <a token of ${c}>`),
        ];
  const head = [
    `# ${header.title}`,
    `# Schedule: ${header.schedule}`,
    `# In words: ${header.summary}`,
    '# Replay it against your own API: set @host, send each request in order, and follow the',
    '# comments (drop an answer, crash or stall the server, send twice, race two requests, lose a',
    "# foreign system's reply). Keys are the ones the run used.",
    '@host = http://localhost:3000',
    ...callers,
    '',
  ].join('\n');
  const body = requests.map((e, i) =>
    request(
      e,
      notes.get(refKey(e.op, e.attempt)) ?? [],
      i === 0 ? null : (requests[i - 1] as Request).at,
      callers.length === 0 ? null : (clientOf.get(e.op) ?? null),
    ),
  );
  return [head, ...body].join('\n');
}
