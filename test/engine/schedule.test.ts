// Schedules: the text form round-trips, bad texts and schedules that do not fit are refused by name.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  describeSchedule,
  formatSchedule,
  parseSchedule,
  type Decision,
  type Engine,
} from '../../src/engine/index.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const small = fc.integer({ min: 0, max: 40 });
const step = fc.constantFrom('charge', 'create-order', 'claim', 'check-key', 'order', 'a', 'x1');
const ref = fc
  .tuple(small, small, fc.integer({ min: 0, max: 1 }), fc.option(small, { nil: undefined }))
  .map(
    ([op, attempt, copy, t]) =>
      `op:${op}/attempt:${attempt}/copy:${copy}${t === undefined ? '' : `/try:${t}`}`,
  );

/** Every form of label the simulator asks at a choice point. */
const decision: fc.Arbitrary<Decision> = fc.oneof(
  ref.map((r) => ({ label: `net/${r}/drop-request`, value: true as const })),
  ref.map((r) => ({ label: `net/${r}/drop-response`, value: true as const })),
  ref.map((r) => ({ label: `gw/${r}/drop-response`, value: true as const })),
  fc
    .tuple(small, small)
    .map(([op, a]) => ({ label: `net/op:${op}/attempt:${a}/duplicate`, value: true as const })),
  fc
    .tuple(ref, step)
    .map(([r, s]) => ({ label: `server/${r}/crash-after:${s}`, value: true as const })),
  fc
    .tuple(ref, step)
    .map(([r, s]) => ({ label: `server/${r}/pause-after:${s}`, value: true as const })),
  fc.tuple(fc.constantFrom('psp', 'airline'), ref, step).map(([sys, r, s]) => ({
    label: `${sys}/${r}/${s}/lost-reply`,
    value: true as const,
  })),
  fc
    .tuple(fc.nat(100_000), fc.nat(500), fc.integer({ min: 1, max: 7 }))
    .map(([at, n, k]) => ({ label: `order/${at}/${n}`, value: k })),
);

describe('schedule text', () => {
  test('round-trips every kind of decision, and stays URL-safe', () => {
    fc.assert(
      fc.property(fc.uniqueArray(decision, { selector: (d) => d.label, maxLength: 6 }), (s) => {
        const text = formatSchedule(s);
        expect(text).toMatch(/^[A-Za-z0-9._~-]+$/);
        expect(encodeURIComponent(text)).toBe(text);
        expect(parseSchedule(text)).toEqual(s);
      }),
    );
  });

  test('is short for the common case', () => {
    const lost = [{ label: 'net/op:1/attempt:1/copy:0/drop-response', value: true as const }];
    expect(formatSchedule(lost)).toBe('v1~n.o1.a1.c0.r');
    expect(formatSchedule([])).toBe('v1');
    // A step whose name starts like a short segment is marked, so it reads back as itself.
    const crash = [
      { label: 'server/op:1/attempt:1/copy:0/crash-after:charge', value: true as const },
    ];
    expect(formatSchedule(crash)).toBe('v1~s.o1.a1.c0.xcharge');
    const reply = [{ label: 'psp/op:1/attempt:1/copy:0/charge/lost-reply', value: true as const }];
    expect(formatSchedule(reply)).toBe('v1~P.o1.a1.c0._charge.l');
  });

  test('bad texts are refused with a reason', () => {
    expect(() => parseSchedule('v2~n.o1.a1.c0.r')).toThrow(/does not start with "v1"/);
    expect(() => parseSchedule('v1~O.10')).toThrow(/not a choice label/);
    expect(() => parseSchedule('v1~O.10.1.x')).toThrow(/ordering without an index/);
    expect(() => parseSchedule('v1~n.o1.a1.c0.r~n.o1.a1.c0.r')).toThrow(/twice/);
    expect(() => parseSchedule('v1~n..r')).toThrow(/not a choice label/);
  });

  test('words say each fault', () => {
    expect(describeSchedule(parseSchedule('v1~n.o1.a1.c0.r'))).toBe(
      'the response to attempt 1 of operation 1 is lost on the network',
    );
    expect(describeSchedule(parseSchedule('v1~s.o1.a2.c0.xcharge~n.o1.a1.d'))).toBe(
      'the server crashes right after step charge of attempt 2 of operation 1; then the network delivers attempt 1 of operation 1 twice',
    );
    expect(describeSchedule(parseSchedule('v1~O.15.1.1'))).toBe(
      'at 15 ms, events are due at the same moment and the one scheduled second goes first',
    );
    expect(describeSchedule([])).toBe('every message arrives once and nothing crashes');
  });
});

describe('run({ schedule })', () => {
  const scenario = 'payment-lost-response';

  test('replays the fault it names, for every strategy, and nothing else', () => {
    const result = engine.run({
      scenario,
      strategies: ['naive', 'idempotency-key'],
      schedule: 'v1~n.o1.a1.c0.r',
    });
    for (const run of result.runs) {
      const lost = run.trace.filter((e) => e.kind === 'lost');
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatchObject({ message: 'response', op: 1, attempt: 1 });
      expect(run.trace.filter((e) => e.kind === 'duplicated' || e.kind === 'crash')).toEqual([]);
    }
    const [naive, keyed] = result.runs;
    expect(naive?.invariants.find((i) => i.id === 'one-charge-per-intent')?.holds).toBe(false);
    expect(keyed?.invariants.find((i) => i.id === 'one-charge-per-intent')?.holds).toBe(true);
  });

  test('the empty schedule is the fault-free run: every attempt answered', () => {
    const result = engine.run({
      scenario,
      strategies: ['naive'],
      schedule: 'v1',
      knobs: { payments: 3 },
    });
    const run = result.runs[0];
    expect(run?.trace.filter((e) => e.kind === 'lost' || e.kind === 'duplicated')).toEqual([]);
    expect(run?.operations.map((o) => o.attempts)).toEqual([1, 1, 1]);
  });

  test('a schedule that does not fit the story throws a clear Error', () => {
    expect(() =>
      engine.run({ scenario, strategies: ['naive'], schedule: 'v1~s.o1.a1.c0.xno-such-step' }),
    ).toThrow(
      /does not fit story "payment-lost-response" under strategy "naive".*crash-after:no-such-step/,
    );
    expect(() =>
      engine.run({ scenario, strategies: ['naive'], schedule: 'v1~n.o9.a1.c0.r' }),
    ).toThrow(/never reached/);
    expect(() => engine.run({ scenario, schedule: 'nonsense' })).toThrow(/not a schedule/);
    expect(() => engine.run({ scenario, schedule: 'v1', faults: false })).toThrow(/faults: false/);
    // The inspector's snapshot refuses it the same way: it replays what run() would.
    expect(() =>
      engine.snapshot({ scenario, strategy: 'naive', seq: 0, schedule: 'v1', faults: false }),
    ).toThrow(/faults: false/);
  });

  test('snapshot follows the same replay', () => {
    const schedule = 'v1~n.o1.a1.c0.r';
    const run = engine.run({ scenario, strategies: ['naive'], schedule }).runs[0];
    const last = (run?.trace.length ?? 0) - 1;
    const snap = engine.snapshot({ scenario, strategy: 'naive', schedule, seq: last });
    expect(snap.tables).toEqual(run?.tables);
  });
});
