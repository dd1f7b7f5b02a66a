// Where strategies on the same fault schedule part ways, and why a column broke, in words.

import type { TraceEvent } from '../../sim/trace.ts';
import { capitalise, effectWords, formatDuration, times } from './format.ts';
import { attemptPhrase, causalChain, type NarrateOptions } from './narrate.ts';
import { indexTrace, type LooseEvent } from './trace-index.ts';

/**
 * The part of an event every strategy shares when it behaves the same. Choices and steps are
 * left out: strategies draw different dice and name their SQL steps differently by design, so
 * comparing them would report a difference before anything observable differs. Times are left
 * out too: an extra 10 ms step shifts every later clock without changing what happens.
 */
function normalise(event: TraceEvent): string | null {
  switch (event.kind) {
    case 'choice':
    case 'step':
      return null;
    case 'request':
      return `request ${event.actor} ${event.op}/${event.attempt} ${event.method} ${event.path}`;
    case 'lost':
      return `lost ${event.message} ${event.reason} ${event.op}/${event.attempt}/${event.copy}`;
    case 'duplicated':
    case 'deliver':
      return `${event.kind} ${event.op}/${event.attempt}/${event.copy}`;
    case 'call':
      return `call ${event.system} ${event.intent}`;
    case 'effect':
      return `effect ${event.actor} ${event.name} ${event.subject}`;
    case 'reply':
      return `reply ${event.actor} ${event.ok} ${event.status} ${event.replayed}`;
    case 'job':
      return `job ${event.name} ${event.requests}`;
    case 'response': {
      const replayed = event.headers['Idempotent-Replayed'] === 'true';
      return `response ${event.op}/${event.attempt}/${event.copy} ${event.status} ${replayed}`;
    }
    case 'receive':
      return `receive ${event.op}/${event.attempt}/${event.copy} ${event.status}`;
    case 'ignored':
      return `ignored ${event.op}/${event.attempt}/${event.copy} ${event.reason}`;
    case 'timeout':
      return `timeout ${event.op}/${event.attempt}`;
    case 'retry':
      return `retry ${event.op}/${event.attempt}`;
    case 'outcome':
      return `outcome ${event.op} ${event.result} ${event.attempts} ${event.status}`;
    case 'crash':
      return `crash ${event.afterStep}`;
    case 'restart':
      return 'restart';
    case 'bound-reached':
      return `bound ${event.bound}`;
    default: {
      const loose = event as LooseEvent;
      return `${String(loose.kind)} ${String(loose.actor)}`;
    }
  }
}

export interface Divergence {
  /** Position in the normalised streams where the first difference is. */
  readonly index: number;
  /**
   * Per column (same order as the traces), the event to mark: the earliest event after the
   * last shared one that led to the first difference. For the lost-response story that is
   * the step where attempt 2 meets the server (the key lookup, or the naive first insert).
   * null for a column whose trace ended before the difference.
   */
  readonly seqs: readonly (number | null)[];
}

/** A trace's events with their normal forms, skipping those that have none. */
function* normalised(trace: readonly TraceEvent[]): Generator<{ event: TraceEvent; form: string }> {
  for (const event of trace) {
    const form = normalise(event);
    if (form !== null) yield { event, form };
  }
}

/** The event with this seq: at its own index when the trace is whole, else found by a scan. */
function eventAt(trace: readonly TraceEvent[], seq: number): TraceEvent | undefined {
  const direct = trace[seq];
  return direct?.seq === seq ? direct : trace.find((e) => e.seq === seq);
}

/** The first point where several strategies' traces on one seed differ, or null if none do. */
export function findDivergence(traces: readonly (readonly TraceEvent[])[]): Divergence | null {
  if (traces.length < 2) return null;
  // Walked in step and lazily: a long run that parts early is read only up to where it parts.
  const streams = traces.map((trace) => normalised(trace));
  const heads = streams.map((stream) => stream.next());
  const prior: (TraceEvent | undefined)[] = traces.map(() => undefined);
  let at = -1;
  for (let i = 0; heads.some((h) => !h.done); i++) {
    const first = heads[0]?.done ? undefined : heads[0]?.value.form;
    if (heads.some((h) => (h.done ? undefined : h.value.form) !== first)) {
      at = i;
      break;
    }
    heads.forEach((h, column) => {
      if (!h.done) prior[column] = h.value.event;
      heads[column] = streams[column]?.next() ?? h;
    });
  }
  if (at < 0) return null;
  const seqs = heads.map((head, column) => {
    const differing = head.done ? undefined : head.value.event;
    if (!differing) return null;
    const shared = prior[column]?.seq ?? -1;
    // Walk back to the earliest cause still after the last shared event: the decision point.
    const trace = traces[column] ?? [];
    let mark = differing;
    for (let i = 0; i < 64; i++) {
      const cause = mark.cause === undefined ? undefined : eventAt(trace, mark.cause);
      if (!cause || cause.seq <= shared) break;
      mark = cause;
    }
    return mark.seq;
  });
  return { index: at, seqs };
}

/**
 * The virtual time at which the columns first part ways, or null when they never do (or one
 * column). `found` is the divergence of the same traces when the caller has it already.
 */
export function divergenceAt(
  traces: readonly (readonly TraceEvent[])[],
  found: Divergence | null = findDivergence(traces),
): number | null {
  if (!found) return null;
  const times = found.seqs.flatMap((seq, i) => {
    const at = seq === null ? undefined : traces[i]?.[seq]?.at;
    return at === undefined ? [] : [at];
  });
  return times.length > 0 ? Math.min(...times) : null;
}

/** What a broken invariant looks like to this file: the engine's InvariantResult fits. */
export interface InvariantVerdict {
  readonly id: string;
  readonly title: string;
  readonly holds: boolean;
  readonly detail: string;
}

export interface ExplainInput extends NarrateOptions {
  readonly trace: readonly TraceEvent[];
  readonly invariants?: readonly InvariantVerdict[];
  /** Explain this effect's duplicate; default: the one the first broken invariant is about. */
  readonly effect?: string;
}

export interface Explanation {
  /** The sentence the page shows: "The card was charged twice: the response to attempt 1 was lost…". */
  readonly sentence: string;
  /** The repeated effect, or null when no effect repeated (the invariant broke another way). */
  readonly effectSeq: number | null;
  /** The fault that set it off (a lost response, a duplicate, a crash), or null. */
  readonly culpritSeq: number | null;
  /** Causal chain of the repeated effect, root first: each link a seq the cursor can move to. */
  readonly chain: readonly number[];
}

type Effect = Extract<TraceEvent, { kind: 'effect' }>;

const stem = (word: string) => word.toLowerCase().slice(0, 5);
const STOP = new Set(['one', 'per', 'the', 'at', 'most', 'once', 'is', 'no', 'every', 'of', 'a']);

/** True when an invariant seems to be about an effect: "one-charge-per-intent" ~ "card-charged". */
function about(invariant: InvariantVerdict, effect: string): boolean {
  const words = `${invariant.id} ${invariant.title}`
    .split(/[^a-zA-Z]+/)
    .filter((w) => w.length > 2 && !STOP.has(w.toLowerCase()))
    .map(stem);
  return effect.split(/[-_]/).some((part) => part.length > 2 && words.includes(stem(part)));
}

/**
 * Explains a broken column from its own trace: finds the repeated effect, walks its causal
 * chain back to the retry, duplicate or crash that let it happen, and says so in one sentence.
 * null when nothing is broken and nothing repeated.
 */
export function explainDivergence(input: ExplainInput): Explanation | null {
  const { trace, invariants = [] } = input;
  const broken = invariants.filter((i) => !i.holds);
  const counts = new Map<string, Effect[]>();
  for (const e of trace) {
    if (e.kind !== 'effect') continue;
    const key = `${e.name}\u0000${e.subject}`;
    const list = counts.get(key);
    if (list) list.push(e);
    else counts.set(key, [e]);
  }
  const repeated = [...counts.values()]
    .filter((list) => list.length > 1)
    .sort((a, b) => (a[1]?.seq ?? 0) - (b[1]?.seq ?? 0));
  const chosen =
    (input.effect && repeated.find((l) => l[0]?.name === input.effect)) ||
    broken.map((inv) => repeated.find((l) => about(inv, l[0]?.name ?? ''))).find(Boolean) ||
    repeated[0];
  const first = chosen?.[0];
  const second = chosen?.[1];
  if (!chosen || !first || !second) {
    const inv = broken[0];
    if (!inv) return null;
    return {
      sentence: `${inv.title}: broken. ${inv.detail}`,
      effectSeq: null,
      culpritSeq: null,
      chain: [],
    };
  }
  const chain = causalChain(trace, second.seq);
  const words = effectWords(second.name);
  const { reason, culprit } = whyAgain(input, first, chain);
  return {
    sentence: `${capitalise(words.passive)} ${times(chosen.length)}: ${reason}`,
    effectSeq: second.seq,
    culpritSeq: culprit,
    chain: chain.map((e) => e.seq),
  };
}

/** The clause after the colon, and the event it blames. */
function whyAgain(
  input: ExplainInput,
  first: Effect,
  chain: readonly TraceEvent[],
): { reason: string; culprit: number | null } {
  const { trace } = input;
  const index = indexTrace(trace);
  const words = effectWords(first.name);
  const again = `${words.verb} ${words.object} again`;
  const delivery = [...chain].reverse().find((e) => e.kind === 'deliver');
  if (!delivery || delivery.kind !== 'deliver')
    return { reason: `${words.object} was ${words.verb} again.`, culprit: null };
  const phrase = (op: number, attempt: number, copy = 0) =>
    attemptPhrase(index, input, op, attempt, copy);
  if (delivery.op === 0) {
    const job = chain.find((e) => e.kind === 'job');
    const name = job && job.kind === 'job' ? ` (${job.name})` : '';
    return {
      reason: `a background job${name} re-ran the request and ${again}.`,
      culprit: job?.seq ?? null,
    };
  }
  if (delivery.copy > 0) {
    const dup = chain.find((e) => e.kind === 'duplicated');
    return {
      reason: `the network delivered ${phrase(delivery.op, delivery.attempt)} twice, and the second copy ${again}.`,
      culprit: dup?.seq ?? null,
    };
  }
  const firstDelivery = causalChain(trace, first.seq)
    .reverse()
    .find((e) => e.kind === 'deliver');
  if (firstDelivery && firstDelivery.kind === 'deliver' && firstDelivery.op !== delivery.op) {
    return {
      reason: `${phrase(delivery.op, 1)} is a second request for the same ${first.subject}, and it ${again}.`,
      culprit: delivery.seq,
    };
  }
  if (delivery.attempt > 1) {
    const earlier = delivery.attempt - 1;
    const retry = chain.find((e) => e.kind === 'retry');
    const trigger = retry?.cause === undefined ? undefined : index.bySeq.get(retry.cause);
    const cause = earlierFate(trace, delivery.op, earlier, first);
    const retried =
      trigger?.kind === 'receive'
        ? `the client retried after ${trigger.status}`
        : trigger?.kind === 'timeout'
          ? `the client timed out after ${formatDuration(trigger.at - (index.requests.get(`${delivery.op}/${earlier}`)?.at ?? trigger.at))} and retried`
          : 'the client retried';
    return {
      reason: `${cause.text}, so ${retried}, and attempt ${delivery.attempt} ${again}.`,
      culprit: cause.seq ?? trigger?.seq ?? null,
    };
  }
  return { reason: `${phrase(delivery.op, delivery.attempt)} ${again}.`, culprit: null };
}

/** What happened to the attempt before a retry, as the start of a sentence. */
function earlierFate(
  trace: readonly TraceEvent[],
  op: number,
  attempt: number,
  first: Effect,
): { text: string; seq: number | null } {
  const mine = trace.filter(
    (e) => 'op' in e && e.op === op && 'attempt' in e && e.attempt === attempt,
  );
  const after = (seq: number) =>
    first.seq < seq ? ` after ${effectWords(first.name).passive}` : '';
  for (const e of mine) {
    if (e.kind === 'lost' && e.message === 'response')
      return { text: `the response to attempt ${attempt} was lost${after(e.seq)}`, seq: e.seq };
  }
  const ignored = mine.find((e) => e.kind === 'ignored' && e.reason === 'late');
  if (ignored)
    return {
      text: `the answer to attempt ${attempt} came too late${after(ignored.seq)}`,
      seq: ignored.seq,
    };
  const execs = new Set(mine.flatMap((e) => (e.kind === 'deliver' ? [e.exec] : [])));
  const crash = trace.find(
    (e) => e.kind === 'crash' && (execs.has(e.exec) || e.lost.some((x) => execs.has(x))),
  );
  if (crash && crash.kind === 'crash')
    return {
      text: `the server crashed after step ${crash.afterStep} while handling attempt ${attempt}${after(crash.seq)}`,
      seq: crash.seq,
    };
  const lostRequest = mine.find((e) => e.kind === 'lost' && e.message === 'request');
  if (lostRequest)
    return { text: `attempt ${attempt} was lost on its way to the server`, seq: lostRequest.seq };
  const failed = mine.find((e) => e.kind === 'receive' && e.status >= 500);
  if (failed && failed.kind === 'receive')
    return {
      text: `attempt ${attempt} failed with ${failed.status}${after(failed.seq)}`,
      seq: failed.seq,
    };
  return { text: `attempt ${attempt} got no answer in time`, seq: null };
}
