// Narration on real traces: one plain sentence per event, and causal chains walked back to the root.
import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../src/sim/trace.ts';
import { causalChain, narrate } from '../../src/ui/diagram/narrate.ts';
import { loadEngine } from '../support/engine.ts';

async function naive(): Promise<TraceEvent[]> {
  const engine = await loadEngine();
  const run = engine.run({ scenario: 'payment-lost-response', seed: 12 }).runs[0];
  expect(run?.strategy).toBe('naive');
  return run?.trace ?? [];
}

const find = (trace: readonly TraceEvent[], test: (e: TraceEvent) => boolean) => {
  const found = trace.find(test);
  if (!found) throw new Error('event not in trace');
  return found;
};

describe('narrate', () => {
  test('tells the lost-response story in plain sentences', async () => {
    const trace = await naive();
    const text = new Map(narrate(trace).map((n) => [n.seq, n.text]));
    const say = (test: (e: TraceEvent) => boolean) => text.get(find(trace, test).seq);
    expect(say((e) => e.kind === 'request' && e.attempt === 1)).toBe(
      'Payment 1: the client sends POST /payments with key "key_c62b…".',
    );
    expect(say((e) => e.kind === 'lost')).toBe(
      "The network loses the server's answer to attempt 1 of payment 1.",
    );
    expect(say((e) => e.kind === 'timeout')).toBe(
      'Attempt 1 of payment 1 times out: no answer after 1 s.',
    );
    expect(say((e) => e.kind === 'deliver' && e.attempt === 2)).toBe(
      'Attempt 2 of payment 1: POST /payments with key "key_c62b…" reaches the server.',
    );
    expect(say((e) => e.kind === 'effect' && e.ref === 'ch_2')).toBe(
      'Effect: the card was charged for pi_1 (ch_2), for the 2nd time.',
    );
    expect(say((e) => e.kind === 'outcome')).toBe('Payment 1 succeeds with 201 after 2 attempts.');
  });

  test('every event of every story gets one sentence', async () => {
    const engine = await loadEngine();
    for (const scenario of ['payment-lost-response', 'webhook-duplicates', 'key-lifecycle'])
      for (const run of engine.run({ scenario }).runs)
        for (const { text } of narrate(run.trace)) expect(text).toMatch(/^[A-Z].*[.]$/);
  });

  test('the causal chain of the second charge runs back to the first request', async () => {
    const trace = await naive();
    const charge = find(trace, (e) => e.kind === 'effect' && e.ref === 'ch_2');
    const chain = causalChain(trace, charge.seq);
    expect(chain.map((e) => e.kind)).toEqual([
      'request',
      'timeout',
      'retry',
      'request',
      'deliver',
      'step',
      'step',
      'call',
      'effect',
    ]);
    expect(chain[0]).toMatchObject({ kind: 'request', attempt: 1 });
    expect(chain.at(-1)).toBe(charge);
  });

  test('a chain is bounded, and a malformed trace with a loop cannot hang it', () => {
    const loop = [
      { seq: 0, at: 0, actor: 'server', kind: 'restart', cause: 1 },
      { seq: 1, at: 0, actor: 'server', kind: 'restart', cause: 0 },
    ] as TraceEvent[];
    expect(causalChain(loop, 1).map((e) => e.seq)).toEqual([0, 1]);
    expect(causalChain(loop, 7)).toEqual([]);
  });
});
