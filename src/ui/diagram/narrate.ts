// The trace in plain English: one sentence per event (aria-live narration, tooltips) and causal chains.

import type { TraceEvent } from '../../sim/trace.ts';
import {
  capitalise,
  effectWords,
  formatDuration,
  nounFor,
  ordinal,
  shortKey,
  statusText,
} from './format.ts';
import { attemptKey, indexTrace, type LooseEvent, type TraceIndex } from './trace-index.ts';

export interface NarrateOptions {
  /** The noun for one operation ("payment"); default: from each request's path. */
  readonly noun?: string;
}

export interface Narration {
  readonly seq: number;
  readonly text: string;
}

const SYSTEM_NAMES: Readonly<Record<string, string>> = { psp: 'the payment provider' };

/** "the payment provider", or "the airline" for a system this file has not met. */
function systemName(system: string): string {
  return SYSTEM_NAMES[system] ?? `the ${system.replace(/[-_]+/g, ' ')}`;
}

/** What each foreign system is asked to do, what it answers, and what a repeat would add. */
const FOREIGN_VERB: Readonly<Record<string, { ask: string; done: string; noun: string }>> = {
  psp: { ask: 'charge', done: 'charged', noun: 'charge' },
  airline: { ask: 'book a seat for', done: 'seat booked', noun: 'booking' },
};

const STEP_RESULT: Readonly<Record<string, string>> = {
  next: 'moves on',
  call: 'calls out',
  respond: 'answers',
  ack: 'acknowledges first, then keeps working',
  done: 'finishes',
  error: 'fails',
};

/** A narrator for one trace: sentences need the request behind each attempt and execution. */
export function createNarrator(
  trace: readonly TraceEvent[],
  options: NarrateOptions = {},
): (event: TraceEvent) => string {
  const index = indexTrace(trace);
  const seen = new Map<string, number>();
  const effectCount = new Map<number, number>();
  for (const event of trace) {
    if (event.kind !== 'effect') continue;
    const key = `${event.name}\u0000${event.subject}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    effectCount.set(event.seq, n);
  }
  return (event) => sentence(event, index, options, effectCount);
}

/** One sentence per event, choices included (they say what the dice decided). */
export function narrate(trace: readonly TraceEvent[], options: NarrateOptions = {}): Narration[] {
  const say = createNarrator(trace, options);
  return trace.map((event) => ({ seq: event.seq, text: say(event) }));
}

function nounOf(index: TraceIndex, options: NarrateOptions, op: number): string {
  if (options.noun) return options.noun;
  const request = index.requests.get(attemptKey(op, 1));
  return request ? nounFor(request.path) : 'operation';
}

/** "attempt 2 of payment 1", "the second copy of attempt 1 of payment 1", "background run 3". */
export function attemptPhrase(
  index: TraceIndex,
  options: NarrateOptions,
  op: number,
  attempt: number,
  copy = 0,
): string {
  if (op === 0) return `background run ${attempt}`;
  const base = `attempt ${attempt} of ${nounOf(index, options, op)} ${op}`;
  return copy > 0 ? `the ${ordinal(copy + 1)} copy of ${base}` : base;
}

function keyPhrase(key: string | null): string {
  return key === null ? 'without an idempotency key' : `with key ${shortKey(key)}`;
}

function sentence(
  event: TraceEvent,
  index: TraceIndex,
  options: NarrateOptions,
  effectCount: ReadonlyMap<number, number>,
): string {
  const attempt = (op: number, n: number, copy = 0) => attemptPhrase(index, options, op, n, copy);
  const execPhrase = (exec: number) => {
    const d = index.execs.get(exec);
    return d ? attempt(d.op, d.attempt, d.copy) : `execution ${exec}`;
  };
  switch (event.kind) {
    case 'choice':
      return `The dice decide ${event.label}: ${JSON.stringify(event.value)}.`;
    case 'request': {
      const what = `${event.method} ${event.path} ${keyPhrase(event.key)}`;
      return event.attempt === 1
        ? `${capitalise(nounOf(index, options, event.op))} ${event.op}: the client sends ${what}.`
        : `${capitalise(attempt(event.op, event.attempt))}: the client sends ${what} again.`;
    }
    case 'lost':
      if (event.message === 'response')
        return `The network loses the server's answer to ${attempt(event.op, event.attempt, event.copy)}.`;
      return event.reason === 'server-down'
        ? `${capitalise(attempt(event.op, event.attempt, event.copy))} reaches the server while it is down, and is lost.`
        : `The network loses ${attempt(event.op, event.attempt, event.copy)} on its way to the server.`;
    case 'duplicated':
      return `The network duplicates ${attempt(event.op, event.attempt)}: a second copy is on its way.`;
    case 'deliver': {
      if (event.op === 0)
        return `A background job re-runs a request on the server (run ${event.attempt}).`;
      const request = index.requests.get(attemptKey(event.op, event.attempt));
      const what = request
        ? `: ${request.method} ${request.path} ${keyPhrase(request.key)} reaches the server.`
        : ' reaches the server.';
      return `${capitalise(attempt(event.op, event.attempt, event.copy))}${what}`;
    }
    case 'step': {
      const result =
        event.result === 'error'
          ? `fails${event.error ? `: ${event.error}` : ''}`
          : (STEP_RESULT[event.result] ?? event.result);
      return `Handling ${execPhrase(event.exec)}, the server runs step ${event.step} in one SQL transaction and ${result}.`;
    }
    case 'call':
      return `The server asks ${systemName(event.system)} to ${FOREIGN_VERB[event.system]?.ask ?? 'handle'} ${event.intent} ${keyPhrase(event.key)}.`;
    case 'effect': {
      const n = effectCount.get(event.seq) ?? 1;
      const words = effectWords(event.name);
      const ref = event.ref ? ` (${event.ref})` : '';
      const again = n > 1 ? `, for the ${ordinal(n)} time` : '';
      return `Effect: ${words.passive} for ${event.subject}${ref}${again}.`;
    }
    case 'reply': {
      const who = capitalise(systemName(event.actor));
      if (!event.ok) return `${who} fails with ${event.status ?? 'an error'}.`;
      const verb = FOREIGN_VERB[event.actor] ?? { done: 'done', noun: 'action' };
      return event.replayed
        ? `${who} replays its earlier answer: ${event.reference ?? 'done'}, no new ${verb.noun}.`
        : `${who} answers: ${verb.done}, ${event.reference ?? 'done'}.`;
    }
    case 'job':
      return `Background job ${event.name}: ${event.note}.`;
    case 'response': {
      const replayed = event.headers['Idempotent-Replayed'] === 'true';
      if (event.op === 0)
        return `The background run ends with ${statusText(event.status)}; nobody waits for it.`;
      return `The server answers ${attempt(event.op, event.attempt, event.copy)} with ${statusText(event.status)}${replayed ? ', replaying the stored answer (Idempotent-Replayed: true)' : ''}.`;
    }
    case 'receive':
      return `The client receives ${statusText(event.status)} for ${attempt(event.op, event.attempt, event.copy)}.`;
    case 'ignored': {
      const why =
        event.reason === 'late'
          ? 'it came too late: the client had moved on'
          : event.reason === 'duplicate'
            ? 'it already had an answer'
            : `${nounOf(index, options, event.op)} ${event.op} was already finished`;
      return `The client ignores an answer to ${attempt(event.op, event.attempt, event.copy)}: ${why}.`;
    }
    case 'timeout': {
      const request = index.requests.get(attemptKey(event.op, event.attempt));
      const waited = request ? ` after ${formatDuration(event.at - request.at)}` : '';
      return `${capitalise(attempt(event.op, event.attempt))} times out: no answer${waited}.`;
    }
    case 'retry':
      return `The client will retry ${nounOf(index, options, event.op)} ${event.op} in ${formatDuration(event.delayMs)} (attempt ${event.attempt}).`;
    case 'outcome': {
      const what = `${capitalise(nounOf(index, options, event.op))} ${event.op}`;
      const tries = `${event.attempts} attempt${event.attempts === 1 ? '' : 's'}`;
      if (event.result === 'ok')
        return `${what} succeeds with ${event.status ?? 'an answer'} after ${tries}.`;
      if (event.result === 'failed')
        return `${what} fails with ${event.status ?? 'an error'} after ${tries}.`;
      return `The client gives up on ${what.toLowerCase()} after ${tries}.`;
    }
    case 'crash': {
      const lost = event.lost.length;
      return `The server crashes after step ${event.afterStep}${lost > 0 ? `; ${lost} execution${lost === 1 ? '' : 's'} in flight ${lost === 1 ? 'is' : 'are'} lost` : ''}.`;
    }
    case 'restart':
      return 'The server restarts.';
    case 'bound-reached':
      return `The simulation stops: it reached its ${event.bound} bound (${event.limit}).`;
    default: {
      // A kind added after this file was written: say what little is certain.
      const loose = event as LooseEvent;
      return `${capitalise(String(loose.actor))}: ${String(loose.kind)}.`;
    }
  }
}

/**
 * The chain of causes that led to an event, root first and the event last. Bounded: a chain
 * stops at `limit` links, at a missing cause, or at a loop (a malformed trace must not hang).
 */
export function causalChain(trace: readonly TraceEvent[], seq: number, limit = 64): TraceEvent[] {
  // A whole trace holds each event at its seq; a map is built only for one that does not.
  let bySeq: Map<number, TraceEvent> | undefined;
  const at = (n: number): TraceEvent | undefined => {
    const direct = trace[n];
    if (direct?.seq === n) return direct;
    bySeq ??= new Map(trace.map((e) => [e.seq, e]));
    return bySeq.get(n);
  };
  const chain: TraceEvent[] = [];
  const seen = new Set<number>();
  let current = at(seq);
  for (let i = 0; i < limit && current && !seen.has(current.seq); i++) {
    chain.push(current);
    seen.add(current.seq);
    current = current.cause === undefined ? undefined : at(current.cause);
  }
  return chain.reverse();
}
