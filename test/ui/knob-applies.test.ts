// knobApplies: a broker's own settings apply only under that broker, for the knobs panel and the sweep.
import { expect, test } from 'vitest';
import { knobApplies } from '../../src/ui/panels/knob-applies.ts';
import { loadEngine } from '../support/engine.ts';

test('a knob shown under one broker applies under it (set or default) and under no other', async () => {
  const info = (await loadEngine()).scenarios().find((s) => s.id === 'queue-redelivery');
  if (!info) throw new Error('queue-redelivery is missing');
  const owned = info.knobs.filter((k) => k.shownWhen);
  const plain = info.knobs.filter((k) => !k.shownWhen);
  expect(owned.length).toBeGreaterThan(0);
  expect(plain.length).toBeGreaterThan(0);
  const flavour = info.knobs.find((k) => k.id === 'flavour');
  for (const spec of owned) {
    const when = spec.shownWhen!;
    expect(knobApplies(info, { [when.knob]: when.is }, spec)).toBe(true);
    expect(knobApplies(info, { [when.knob]: `not-${when.is}` }, spec)).toBe(false);
    // With the broker left at its default, only the default broker's settings apply.
    expect(knobApplies(info, {}, spec)).toBe(flavour?.default === when.is);
  }
  for (const spec of plain) expect(knobApplies(info, { flavour: 'kafka' }, spec)).toBe(true);
});
