// A counterexample as an HTTP transcript (.http file): the client's requests in order, with comments where to drop, duplicate or crash.

import type { TraceEvent } from '../../sim/trace.ts';

type Request = Extract<TraceEvent, { kind: 'request' }>;

export interface HttpExportHeader {
  readonly title: string;
  readonly schedule: string;
  readonly summary: string;
}

const refKey = (op: number, attempt: number) => `${op}/${attempt}`;

/** What the run did to each request (by operation and attempt), as instructions for a reader. */
function instructions(trace: readonly TraceEvent[]): Map<string, string[]> {
  const notes = new Map<string, string[]>();
  const note = (op: number, attempt: number, text: string) => {
    const key = refKey(op, attempt);
    notes.set(key, [...(notes.get(key) ?? []), text]);
  };
  const execs = new Map<number, { op: number; attempt: number }>();
  for (const e of trace) {
    if (e.kind === 'deliver') execs.set(e.exec, { op: e.op, attempt: e.attempt });
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
      const ref = execs.get(e.exec);
      if (ref)
        note(
          ref.op,
          ref.attempt,
          `CRASH THE SERVER right after it commits step "${e.afterStep}" for this request.`,
        );
    }
  }
  return notes;
}

function request(e: Request, notes: readonly string[], previousAt: number | null): string {
  const wait =
    previousAt === null ? [] : [`# wait ${e.at - previousAt} ms after the previous request`];
  return [
    `### ${e.at} ms: attempt ${e.attempt} of operation ${e.op}`,
    ...wait,
    ...notes.map((n) => `# ${n}`),
    `${e.method} {{host}}${e.path}`,
    'Content-Type: application/json',
    ...(e.key === null ? [] : [`Idempotency-Key: ${e.key}`]),
    '',
    JSON.stringify(e.body),
    '',
  ].join('\n');
}

/** The transcript: a header naming the schedule, then every request the client sent, in order. */
export function exportHttp(header: HttpExportHeader, trace: readonly TraceEvent[]): string {
  const notes = instructions(trace);
  const requests = trace.filter((e): e is Request => e.kind === 'request');
  const head = [
    `# ${header.title}`,
    `# Schedule: ${header.schedule}`,
    `# In words: ${header.summary}`,
    '# Replay it against your own API: set @host, send each request in order, and follow the',
    '# comments (drop an answer, crash the server, send twice). Keys are the ones the run used.',
    '@host = http://localhost:3000',
    '',
  ].join('\n');
  const body = requests.map((e, i) =>
    request(
      e,
      notes.get(refKey(e.op, e.attempt)) ?? [],
      i === 0 ? null : (requests[i - 1] as Request).at,
    ),
  );
  return [head, ...body].join('\n');
}
