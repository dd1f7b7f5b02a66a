// A counterexample as a plain-language step list: what happened, in order, from the replayed run's trace.

import type { OperationResult } from '../../sim/simulation.ts';
import type { TraceEvent } from '../../sim/trace.ts';

const who = (e: { op: number; attempt: number; copy?: number }) =>
  `attempt ${e.attempt} of operation ${e.op}${e.copy === 1 ? ' (the duplicated copy)' : ''}`;

/** Who sends an operation, in words: "The client", or its name where several clients send. */
type Sender = (op: number) => string;

/** One trace event in words, or null for events a reader need not follow (choices, ignored). */
function sentence(e: TraceEvent, sender: Sender): string | null {
  switch (e.kind) {
    case 'request':
      return `${sender(e.op)} sends ${who(e)}: ${e.method} ${e.path}${e.key ? ` with Idempotency-Key ${e.key}` : ' without a key'}.`;
    case 'lost':
      return e.message === 'request'
        ? `The request of ${who(e)} is lost (${e.reason}).`
        : `The response to ${who(e)} is lost (${e.reason}).`;
    case 'duplicated':
      return `The network delivers ${who(e)} twice.`;
    case 'deliver':
      return `The server starts execution ${e.exec} for ${who(e)}.`;
    case 'step':
      return `Execution ${e.exec} runs step ${e.step}${e.result === 'error' ? ` and fails: ${e.error ?? 'error'}` : ''}.`;
    case 'call':
      return `Execution ${e.exec} calls the ${e.system === 'psp' ? 'payment provider' : 'airline'} for ${e.intent}.`;
    case 'effect':
      return `Effect: ${e.name} (${e.subject}).`;
    case 'crash':
      return `The server crashes after step ${e.afterStep}; executions ${e.lost.join(', ') || 'none'} are lost.`;
    case 'restart':
      return 'The server restarts.';
    case 'response':
      return `The server answers ${who(e)} with ${e.status}.`;
    case 'receive':
      return `The client receives ${e.status} for ${who(e)}.`;
    case 'timeout':
      return `The client stops waiting for ${who(e)}.`;
    case 'retry':
      return `The client retries: attempt ${e.attempt} in ${e.delayMs} ms.`;
    case 'outcome':
      return `Operation ${e.op} ends: ${e.result} after ${e.attempts} attempt(s).`;
    default:
      return null;
  }
}

/** A numbered list, one line per event worth reading, each with its virtual time. */
export function exportSteps(
  title: string,
  trace: readonly TraceEvent[],
  operations: readonly Pick<OperationResult, 'op' | 'client'>[] = [],
): string {
  const clientOf = new Map(operations.map((o) => [o.op, o.client]));
  const several = new Set(clientOf.values()).size > 1;
  const sender: Sender = (op) => (several ? `${clientOf.get(op) ?? 'The client'}` : 'The client');
  const lines = trace.flatMap((e) => {
    const text = sentence(e, sender);
    return text === null ? [] : [`${e.at} ms: ${text}`];
  });
  return [`${title}`, '', ...lines.map((line, i) => `${i + 1}. ${line}`), ''].join('\n');
}
