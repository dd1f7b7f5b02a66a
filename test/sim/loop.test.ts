// The loop's own promises: it stops right after a given event, and records every choice it asks so a run can be replayed or forked.
import { describe, expect, test } from 'vitest';
import { ScriptedChoices, SeededChoices, type Choices } from '../../src/sim/choices.ts';
import { simulate, type World } from '../../src/sim/simulation.ts';
import { Trace } from '../../src/sim/trace.ts';
import { echoHandler, operations, world } from '../support/world.ts';

/** Five payments over a network that loses, duplicates and jitters: a run with many choices. */
const lossy = world(
  {
    operations: operations(5, (i) => ({
      at: i * 100,
      client: `c${i}`,
      method: 'POST',
      path: '/x',
      body: { n: i },
    })),
  },
  {
    network: { requestLoss: 0.2, responseLoss: 0.5, duplicate: 0.2, latencySpreadMs: 20 },
    client: { jitter: 0.5 },
  },
);

function run(w: World, choices: Choices = new SeededChoices(4), trace = new Trace(true)) {
  const handler = echoHandler();
  const result = simulate(w, handler, choices, trace);
  return { result, events: trace.events, handler };
}

const stoppingAt = (seq: number): World => ({
  ...lossy,
  bounds: { ...lossy.bounds, stopAfterSeq: seq },
});

describe('stopAfterSeq', () => {
  test('ends the run right after that event, with its reason, and nothing after it', () => {
    const full = run(lossy);
    expect(full.result.bound).toBeNull();
    const stopped = run(stoppingAt(17));
    expect(stopped.result.bound).toBe('stopAfterSeq');
    expect(stopped.events).toEqual(full.events.slice(0, 18));
  });

  test('a stop between a delivery and its first step, in one dispatch, runs that step no more', () => {
    const full = run(lossy);
    const deliver = full.events.find((e) => e.kind === 'deliver');
    const next = full.events[(deliver?.seq ?? 0) + 1];
    // The echo handler's first step runs in the same dispatch as the delivery.
    expect(next).toMatchObject({ kind: 'step', step: 'work', at: deliver?.at });
    const stopped = run(stoppingAt(deliver?.seq ?? -1));
    expect(stopped.handler.seen).toEqual([]);
    expect(stopped.events.at(-1)).toEqual(deliver);
  });

  test('past the last event, the run ends on its own', () => {
    const full = run(lossy);
    const past = run(stoppingAt(full.events.length + 5));
    expect(past.result.bound).toBeNull();
    expect(past.events).toEqual(full.events);
  });
});

describe('recorded choices', () => {
  test('the result lists every choice in order; the trace shows them only when asked to', () => {
    const traced = run(lossy, new SeededChoices(4), new Trace(true, { choices: true }));
    const shown = traced.events.flatMap((e) =>
      e.kind === 'choice' ? [{ label: e.label, value: e.value }] : [],
    );
    expect(traced.result.choices.length).toBeGreaterThan(20);
    expect(shown).toEqual(traced.result.choices);
    const plain = run(lossy);
    expect(plain.events.some((e) => e.kind === 'choice')).toBe(false);
    expect(plain.result.choices).toEqual(traced.result.choices);
  });

  test('a choice belongs to the event being handled: a lost answer is decided by the step that answered', () => {
    const { events } = run(lossy, new SeededChoices(4), new Trace(true, { choices: true }));
    const drops = events.filter((e) => e.kind === 'choice' && e.label.endsWith('/drop-response'));
    expect(drops.length).toBeGreaterThan(0);
    for (const drop of drops) expect(events[drop.cause ?? -1]).toMatchObject({ kind: 'step' });
    // The first attempt's key is minted as the operation starts: no event caused it.
    const key = events.find((e) => e.kind === 'choice' && e.label === 'client/op:1/key/hi');
    expect(key).toMatchObject({ kind: 'choice', at: 0 });
    expect(key).not.toHaveProperty('cause');
  });

  test('replayed through ScriptedChoices they give the same run; a forced prefix forks it', () => {
    const first = run(lossy);
    const script = new ScriptedChoices(first.result.choices);
    expect(run(lossy, script).events).toEqual(first.events);
    expect(script.used).toBe(first.result.choices.length);
    // Force the first lost-or-not answer the other way; the seed answers everything after it.
    const choices = first.result.choices;
    const i = choices.findIndex((c) => c.label.endsWith('/drop-response'));
    const flipped = { label: choices[i]!.label, value: !choices[i]!.value };
    const prefix = [...choices.slice(0, i), flipped];
    const fork = run(lossy, new ScriptedChoices(prefix, new SeededChoices(4)));
    expect(fork.result.choices.slice(0, i + 1)).toEqual(prefix);
    expect(fork.events).not.toEqual(first.events);
  });
});
