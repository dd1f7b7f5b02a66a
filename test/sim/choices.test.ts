// The Choices port: answers depend on (seed, label) only; scripted and recorded runs replay exactly.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  RecordingChoices,
  ScriptedChoices,
  SeededChoices,
  hash32,
  type ChoiceRecord,
} from '../../src/sim/choices.ts';

const labels = (n: number) =>
  Array.from({ length: n }, (_, i) => `net/op:${i}/attempt:1/drop-request`);

describe('SeededChoices', () => {
  test('the same label gets the same answer whatever was asked before it', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 2, maxLength: 20 }),
        (seed, names) => {
          const forward = new SeededChoices(seed);
          const backward = new SeededChoices(seed);
          const a = names.map((n) => forward.int(n, 0, 1000));
          const b = [...names]
            .reverse()
            .map((n) => backward.int(n, 0, 1000))
            .reverse();
          expect(a).toEqual(b);
        },
      ),
    );
  });

  test('different seeds give different fates', () => {
    const a = labels(64).map((l) => new SeededChoices(1).int(l, 0, 1 << 20));
    const b = labels(64).map((l) => new SeededChoices(2).int(l, 0, 1 << 20));
    expect(a).not.toEqual(b);
  });

  test('neighbouring labels are not correlated', () => {
    const choices = new SeededChoices(42);
    const answers = labels(2000).map((l) => choices.chance(l, 0.5));
    const flips = answers.slice(1).filter((v, i) => v !== answers[i]).length;
    // Independent fair coins flip about half the time; a correlated hash would not.
    expect(flips).toBeGreaterThan(900);
    expect(flips).toBeLessThan(1100);
  });

  test('chance(ratio) comes true about ratio of the time', () => {
    const choices = new SeededChoices(7);
    for (const ratio of [0.05, 0.3, 0.5, 0.9]) {
      const hits = labels(10_000).filter((l) => choices.chance(`${l}/${ratio}`, ratio)).length;
      expect(Math.abs(hits / 10_000 - ratio)).toBeLessThan(0.02);
    }
  });

  test('chance(0) is never and chance(1) is always', () => {
    const choices = new SeededChoices(3);
    expect(labels(500).some((l) => choices.chance(l, 0))).toBe(false);
    expect(labels(500).every((l) => choices.chance(l, 1))).toBe(true);
  });

  test('int stays in its closed range and reaches both ends', () => {
    const choices = new SeededChoices(9);
    const values = labels(2000).map((l) => choices.int(l, -3, 3));
    expect(Math.min(...values)).toBe(-3);
    expect(Math.max(...values)).toBe(3);
    expect(new Set(values).size).toBe(7);
  });

  test('pick returns one of the options', () => {
    const choices = new SeededChoices(11);
    const picked = new Set(labels(200).map((l) => choices.pick(l, ['a', 'b', 'c'] as const)));
    expect(picked).toEqual(new Set(['a', 'b', 'c']));
  });

  test('rejects a bad seed, ratio or range with the label in the message', () => {
    expect(() => new SeededChoices(-1)).toThrow(/seed -1/);
    expect(() => new SeededChoices(2 ** 32)).toThrow(/seed/);
    expect(() => new SeededChoices(1).chance('x/y', 1.5)).toThrow(/x\/y.*1.5/);
    expect(() => new SeededChoices(1).int('x/z', 5, 1)).toThrow(/x\/z/);
    expect(() => new SeededChoices(1).pick('x/p', [])).toThrow(/x\/p/);
  });

  test('hash32 is a pure function of seed and label', () => {
    expect(hash32(5, 'a')).toBe(hash32(5, 'a'));
    expect(hash32(5, 'a')).not.toBe(hash32(5, 'b'));
    expect(hash32(5, 'a')).not.toBe(hash32(6, 'a'));
    expect(
      Number.isInteger(hash32(5, 'a')) && hash32(5, 'a') >= 0 && hash32(5, 'a') < 2 ** 32,
    ).toBe(true);
  });
});

describe('RecordingChoices and ScriptedChoices', () => {
  function ask(choices: {
    chance: SeededChoices['chance'];
    int: SeededChoices['int'];
    pick: SeededChoices['pick'];
  }) {
    return [
      choices.chance('a', 0.5),
      choices.int('b', 1, 6),
      choices.pick('c', ['x', 'y', 'z']),
      choices.chance('d', 0.2),
    ];
  }

  test('a recorded run replays exactly from its script', () => {
    const log: ChoiceRecord[] = [];
    const original = ask(new RecordingChoices(new SeededChoices(99), (c) => log.push(c)));
    expect(log.map((c) => c.label)).toEqual(['a', 'b', 'c', 'd']);
    expect(ask(new ScriptedChoices(log))).toEqual(original);
  });

  test('a script answers what it says, not what the seed would', () => {
    const script: ChoiceRecord[] = [
      { label: 'a', value: true },
      { label: 'b', value: 6 },
      { label: 'c', value: 2 },
      { label: 'd', value: false },
    ];
    expect(ask(new ScriptedChoices(script))).toEqual([true, 6, 'z', false]);
  });

  test('a script that does not match the run says where they part', () => {
    const scripted = new ScriptedChoices([{ label: 'other', value: true }]);
    expect(() => scripted.chance('a', 0.5)).toThrow(/"other".*"a"/);
  });

  test('a script that runs out fails, unless a fallback answers the rest', () => {
    expect(() => new ScriptedChoices([]).chance('a', 0.5)).toThrow(/ended before "a"/);
    const fallback = new SeededChoices(99);
    const extended = new ScriptedChoices([{ label: 'a', value: true }], fallback);
    expect(extended.chance('a', 0)).toBe(true);
    expect(extended.int('b', 1, 6)).toBe(fallback.int('b', 1, 6));
    expect(extended.used).toBe(1);
  });

  test('a scripted value of the wrong type or range is refused', () => {
    expect(() => new ScriptedChoices([{ label: 'a', value: 3 }]).chance('a', 0.5)).toThrow(
      /boolean/,
    );
    expect(() => new ScriptedChoices([{ label: 'b', value: 9 }]).int('b', 1, 6)).toThrow(
      /\[1, 6\]/,
    );
  });
});
