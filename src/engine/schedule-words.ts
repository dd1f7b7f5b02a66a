// A schedule in words: each decision as a sentence a reader can follow ("the response to attempt 1 of operation 1 is lost").

import type { Decision, Schedule } from './schedule.ts';

/** Who a foreign system is, in words, by the first part of its choice labels. */
export const SYSTEMS: Readonly<Record<string, string>> = {
  psp: 'the payment provider',
  airline: 'the airline',
};

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'];
const ordinal = (n: number) => ORDINALS[n - 1] ?? `#${n}`;

/** The `name:value` parts of a label, and its plain parts in order. */
function parts(label: string): { named: Map<string, string>; plain: string[] } {
  const named = new Map<string, string>();
  const plain: string[] = [];
  for (const segment of label.split('/')) {
    const colon = segment.indexOf(':');
    if (colon < 0) plain.push(segment);
    else named.set(segment.slice(0, colon), segment.slice(colon + 1));
  }
  return { named, plain };
}

/** One decision in words. */
export function describeDecision({ label, value }: Decision): string {
  const { named, plain } = parts(label);
  if (plain[0] === 'order')
    return `at ${plain[1] ?? '?'} ms, events are due at the same moment and the one scheduled ${ordinal(Number(value) + 1)} goes first`;
  const attempt = `attempt ${named.get('attempt') ?? '?'} of operation ${named.get('op') ?? '?'}`;
  const copy = named.get('copy') === '1' ? ' (the duplicated copy)' : '';
  const gatewayTry = named.has('try') ? `, gateway try ${named.get('try') ?? ''}` : '';
  const what = `${attempt}${copy}${gatewayTry}`;
  const last = plain[plain.length - 1];
  const step = named.get('crash-after') ?? named.get('pause-after');
  if (named.has('crash-after')) return `the server crashes right after step ${step} of ${what}`;
  if (named.has('pause-after'))
    return `the server's execution of ${what} stalls after step ${step}, past its lease`;
  if (last === 'duplicate') return `the network delivers ${attempt} twice`;
  if (last === 'lost-reply') {
    const system = SYSTEMS[plain[0] ?? ''] ?? plain[0];
    return `${system}'s answer to the call from step ${plain[1] ?? '?'} of ${what} is lost, after it did the work`;
  }
  const hop = plain[0] === 'gw' ? 'between the gateway and the server' : 'on the network';
  if (last === 'drop-request') return `the request of ${what} is lost ${hop}`;
  if (last === 'drop-response') return `the response to ${what} is lost ${hop}`;
  return `${label} (forced)`;
}

/** The whole schedule in words: its decisions in order, or that it has none. */
export function describeSchedule(schedule: Schedule): string {
  if (schedule.length === 0) return 'every message arrives once and nothing crashes';
  return schedule.map(describeDecision).join('; then ');
}
