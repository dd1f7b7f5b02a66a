// Columns on real runs: effect totals and divergence flags, counts at a cursor, and the key
// table's size series the reaper reports.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import { columnsOf, effectsUpTo, indexEffects } from '../../src/ui/columns.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

describe('columns', () => {
  test('totals, divergence flags and counts at a cursor come from the trace', () => {
    const result = engine.run({ scenario: 'payment-lost-response', seed: 12 });
    const info = engine.scenarios().find((s) => s.id === result.scenario)!;
    const [naive, keyed] = columnsOf(info, result);
    const charges = (c: typeof naive) => c!.effects.find((e) => e.name === 'card-charged')!;
    expect(charges(naive).total).toBe(2);
    expect(charges(keyed).total).toBe(1);
    expect(charges(naive).diverges).toBe(true);
    const run = result.runs[0]!;
    const second = run.trace.filter((e) => e.kind === 'effect' && e.name === 'card-charged')[1]!;
    const index = indexEffects(run);
    expect(effectsUpTo(index, second.seq - 1)['card-charged']).toBe(1);
    expect(effectsUpTo(index, second.seq)['card-charged']).toBe(2);
    expect(effectsUpTo(index, -1)).toEqual({});
    // run.effects lists every effect of the story, zeros included; the index only those that happened.
    const happened = Object.fromEntries(Object.entries(run.effects).filter(([, n]) => n > 0));
    expect(effectsUpTo(index, null)).toEqual(happened);
    // At every event, the index agrees with counting the trace up to it.
    for (const event of run.trace) {
      const counted: Record<string, number> = {};
      for (const e of run.trace)
        if (e.seq <= event.seq && e.kind === 'effect') counted[e.name] = (counted[e.name] ?? 0) + 1;
      expect(effectsUpTo(index, event.seq)).toEqual(counted);
    }
  });

  test('the key table grows and the reaper holds it: a size series, only where a reaper reports', () => {
    const result = engine.run({
      scenario: 'key-retention',
      strategies: ['idempotency-key', 'naive'],
    });
    const info = engine.scenarios().find((s) => s.id === 'key-retention')!;
    const [keyed, naive] = columnsOf(info, result);
    expect(naive!.sizes).toEqual([]);
    const sizes = keyed!.sizes;
    expect(sizes.length).toBeGreaterThan(10);
    expect(sizes.map((p) => p.at)).toEqual([...sizes.map((p) => p.at)].sort((a, b) => a - b));
    expect(Math.max(...sizes.map((p) => p.size))).toBe(12);
    expect(sizes.at(-1)!.size).toBeLessThanOrEqual(12);
  });
});
