// Divergence on real traces: where strategies on one seed part ways, and why a column broke.
import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../src/sim/trace.ts';
import { explainDivergence, findDivergence } from '../../src/ui/diagram/divergence.ts';
import { loadEngine } from '../support/engine.ts';

async function runs(scenario: string, seed?: number, faults = true) {
  const engine = await loadEngine();
  return engine.run({ scenario, faults, ...(seed === undefined ? {} : { seed }) }).runs;
}

describe('findDivergence', () => {
  test('naive and idempotency-key part where attempt 2 meets the server', async () => {
    const [naive, keyed] = await runs('payment-lost-response', 12);
    const found = findDivergence([naive?.trace ?? [], keyed?.trace ?? []]);
    const at = (trace: readonly TraceEvent[] | undefined, seq: number | null | undefined) =>
      trace?.find((e) => e.seq === seq);
    const keyedEvent = at(keyed?.trace, found?.seqs[1]);
    const naiveEvent = at(naive?.trace, found?.seqs[0]);
    // The keyed server looks its key up and answers; the naive one inserts a second order.
    expect(keyedEvent).toMatchObject({
      kind: 'step',
      step: 'claim-key',
      result: 'respond',
      exec: 2,
    });
    expect(naiveEvent).toMatchObject({ kind: 'step', step: 'create-order', exec: 2 });
    const delivery = (trace: typeof naive, event: typeof naiveEvent) =>
      trace?.trace.find((e) => e.seq === event?.cause);
    expect(delivery(naive, naiveEvent)).toMatchObject({ kind: 'deliver', attempt: 2 });
    expect(delivery(keyed, keyedEvent)).toMatchObject({ kind: 'deliver', attempt: 2 });
  });

  test('the webhook consumers part at the same step of the redelivery', async () => {
    const [naive, inbox] = await runs('webhook-duplicates');
    const found = findDivergence([naive?.trace ?? [], inbox?.trace ?? []]);
    expect(found?.seqs[0]).toBe(found?.seqs[1]);
    expect(naive?.trace.find((e) => e.seq === found?.seqs[0])).toMatchObject({ kind: 'step' });
  });

  test('no divergence between a trace and itself, or with one column', async () => {
    const [naive] = await runs('payment-lost-response', 12);
    const trace = naive?.trace ?? [];
    expect(findDivergence([trace, trace])).toBeNull();
    expect(findDivergence([trace])).toBeNull();
  });

  test('without faults the strategies do the same observable things', async () => {
    const [naive, keyed] = await runs('payment-lost-response', 12, false);
    expect(findDivergence([naive?.trace ?? [], keyed?.trace ?? []])).toBeNull();
  });
});

describe('explainDivergence', () => {
  test('says why the naive column charged twice, from its own trace', async () => {
    const [naive, keyed] = await runs('payment-lost-response', 12);
    const trace = naive?.trace ?? [];
    const why = explainDivergence({ trace, invariants: naive?.invariants ?? [] });
    expect(why?.sentence).toBe(
      'The card was charged twice: the response to attempt 1 was lost after the card was charged, so the client timed out after 1 s and retried, and attempt 2 charged the card again.',
    );
    expect(trace.find((e) => e.seq === why?.effectSeq)).toMatchObject({
      kind: 'effect',
      ref: 'ch_2',
    });
    expect(trace.find((e) => e.seq === why?.culpritSeq)).toMatchObject({
      kind: 'lost',
      message: 'response',
    });
    expect(why?.chain.at(-1)).toBe(why?.effectSeq);
    expect(
      explainDivergence({ trace: keyed?.trace ?? [], invariants: keyed?.invariants ?? [] }),
    ).toBeNull();
  });

  test('follows the broken invariant to its effect: orders when asked about orders', async () => {
    const [naive] = await runs('payment-lost-response', 12);
    const why = explainDivergence({ trace: naive?.trace ?? [], effect: 'order-created' });
    expect(why?.sentence).toMatch(
      /^The order was created twice: the response to attempt 1 was lost/,
    );
  });

  test('explains the webhook story in its own words', async () => {
    const [naive] = await runs('webhook-duplicates');
    const why = explainDivergence({
      trace: naive?.trace ?? [],
      invariants: naive?.invariants ?? [],
    });
    expect(why?.sentence).toMatch(
      /^The (invoice|email|stock) was (created|sent|reserved) twice: the response to attempt 1 was lost after/,
    );
  });
});
