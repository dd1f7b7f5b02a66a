// Foreign systems are optional: a world without a payment provider runs, and a call to a missing system is a programmer error.
import { describe, expect, test } from 'vitest';
import { SeededChoices } from '../../src/sim/choices.ts';
import { simulate } from '../../src/sim/simulation.ts';
import { Trace } from '../../src/sim/trace.ts';
import { echoHandler, payer, world } from '../support/world.ts';

describe('a world without a payment provider', () => {
  test('runs a consumer that calls none, with an empty ledger', () => {
    const noProvider = world({ provider: null });
    expect(noProvider).not.toHaveProperty('provider');
    const trace = new Trace(true);
    const result = simulate(noProvider, echoHandler(), new SeededChoices(1), trace);
    expect(result.operations).toEqual([
      { op: 1, client: 'c1', result: 'ok', attempts: 1, status: 201 },
    ]);
    expect(result.ledger).toEqual([]);
    expect(result.bookings).toEqual([]);
    // The same run as with a provider that nobody calls.
    const withOne = new Trace(true);
    simulate(world(), echoHandler(), new SeededChoices(1), withOne);
    expect(trace.events).toEqual(withOne.events);
  });

  test('a step that calls the provider there fails loudly, naming the system', () => {
    const run = () =>
      simulate(world({ provider: null }), payer('k'), new SeededChoices(1), new Trace(false));
    expect(run).toThrow(/called psp, but this world has no psp/);
  });

  test('with a provider, the same step charges once and is answered 201 after its round trip', () => {
    const trace = new Trace(true);
    const result = simulate(world(), payer('k'), new SeededChoices(1), trace);
    expect(result.ledger.map((c) => [c.id, c.key])).toEqual([['ch_1', 'k']]);
    const reply = trace.events.find((e) => e.kind === 'reply');
    // Delivered at 50, called at once; 100 ms round trip there and back.
    expect(reply).toMatchObject({ actor: 'psp', at: 150, reference: 'ch_1', replayed: false });
    expect(result.operations[0]).toMatchObject({ result: 'ok', status: 201 });
  });
});
