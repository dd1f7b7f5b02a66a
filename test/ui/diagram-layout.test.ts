// layoutDiagram on real traces: lanes, lost arrows, coverage, determinism, size, and properties over seeds.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../src/sim/trace.ts';
import { layoutDiagram } from '../../src/ui/diagram/layout.ts';
import type { Diagram, MarkShape, MessageShape } from '../../src/ui/diagram/types.ts';
import { loadEngine } from '../support/engine.ts';

async function traces(scenario: string, seed?: number, knobs: Record<string, unknown> = {}) {
  const engine = await loadEngine();
  const result = engine.run({ scenario, ...(seed === undefined ? {} : { seed }), knobs });
  return Object.fromEntries(result.runs.map((run) => [run.strategy, run.trace]));
}

const messages = (d: Diagram) => d.shapes.filter((s): s is MessageShape => s.type === 'message');
const marks = (d: Diagram) => d.shapes.filter((s): s is MarkShape => s.type === 'mark');

/** The drawing's invariants, checked on any trace. */
function checkShape(trace: readonly TraceEvent[], d: Diagram) {
  for (const m of messages(d))
    expect(m.y2, `message ${m.id} points back in time`).toBeGreaterThanOrEqual(m.y1);
  for (const lost of trace.filter((e) => e.kind === 'lost')) {
    const arrow = messages(d).find((m) => m.endSeq === lost.seq);
    expect(arrow?.lost, `lost event ${lost.seq} has no ✕`).not.toBeNull();
  }
  const places = marks(d).map((m) => `${m.lane}@${m.y}`);
  expect(new Set(places).size).toBe(places.length);
  const rows = d.rows.map((r) => r.y);
  expect(rows).toEqual([...rows].sort((a, b) => a - b));
}

describe('layoutDiagram', () => {
  test('lanes read client, network, server, database, then the payment provider', async () => {
    const { naive = [] } = await traces('payment-lost-response', 12);
    const d = layoutDiagram(naive);
    expect(d.lanes.map((l) => [l.id, l.kind])).toEqual([
      ['client', 'client'],
      ['network', 'network'],
      ['server', 'server'],
      ['database', 'database'],
      ['psp', 'system'],
    ]);
    expect(d.lanes.map((l) => l.frac)).toEqual([0.1, 0.3, 0.5, 0.7, 0.9]);
  });

  test('the lost response is a dashed arrow from the server that ends in ✕ on the network', async () => {
    const { naive = [] } = await traces('payment-lost-response', 12);
    const d = layoutDiagram(naive);
    const lost = naive.find((e) => e.kind === 'lost');
    expect(lost).toMatchObject({ message: 'response', reason: 'network', op: 1, attempt: 1 });
    const arrow = messages(d).find((m) => m.endSeq === lost?.seq);
    expect(arrow).toMatchObject({
      message: 'response',
      from: 2,
      to: 1,
      lost: 'network',
      tone: 'fault',
    });
    expect(arrow?.endLabel?.parts).toEqual([{ text: 'lost' }]);
  });

  test('every event but the dice has a row, and a shape that carries its seq', async () => {
    for (const scenario of ['payment-lost-response', 'webhook-duplicates', 'key-lifecycle']) {
      for (const trace of Object.values(await traces(scenario))) {
        const d = layoutDiagram(trace);
        const drawn = new Set(d.shapes.flatMap((s) => [s.seq, 'endSeq' in s ? s.endSeq : null]));
        const shown = trace.filter((e) => e.kind !== 'choice');
        expect(d.rows.map((r) => r.seq)).toEqual(shown.map((e) => e.seq));
        expect(shown.filter((e) => !drawn.has(e.seq)).map((e) => e.kind)).toEqual([]);
        expect(d.rows.every((r) => r.text.endsWith('.'))).toBe(true);
      }
    }
  });

  test('a repeated effect is marked as such: the second charge says ×2', async () => {
    const { naive = [] } = await traces('payment-lost-response', 12);
    const again = marks(layoutDiagram(naive)).filter((m) => m.glyph === 'effect-again');
    expect(again.map((m) => m.label.parts.map((p) => p.text).join(''))).toEqual([
      'order-created pi_1 ×2',
      'card-charged pi_1 ch_2 ×2',
    ]);
  });

  test('the same trace always gives the same diagram', async () => {
    const first = await traces('payment-lost-response', 12);
    const d1 = layoutDiagram(first['naive'] ?? []);
    expect(layoutDiagram(first['naive'] ?? [])).toEqual(d1);
    const again = await traces('payment-lost-response', 12);
    expect(layoutDiagram(again['naive'] ?? [])).toEqual(d1);
  });

  test('long silences become labelled breaks instead of empty space', async () => {
    const { naive = [] } = await traces('webhook-duplicates');
    const d = layoutDiagram(naive);
    expect(d.breaks.length).toBeGreaterThan(0);
    expect(d.breaks.every((b) => /^\+\d/.test(b.label))).toBe(true);
    expect(d.height).toBeLessThan(d.rows.length * d.rowHeight + d.breaks.length * 30 + 60);
  });

  test('a 500-event trace lays out, readable in a phone-wide column', async () => {
    const { naive = [] } = await traces('payment-lost-response', 3, { payments: 40 });
    const d = layoutDiagram(naive);
    expect(d.rows.length).toBeGreaterThan(500);
    expect(d.minWidth).toBeLessThanOrEqual(400);
    checkShape(naive, d);
  });

  test('an actor or kind it has never seen gets a lane and a mark, not a crash', async () => {
    const { naive = [] } = await traces('payment-lost-response', 12);
    const last = naive.at(-1);
    const extra = [
      ...naive,
      { seq: 1000, at: (last?.at ?? 0) + 5, actor: 'airline', kind: 'seat-held', cause: last?.seq },
    ] as unknown as TraceEvent[];
    const d = layoutDiagram(extra);
    expect(d.lanes.at(-1)).toMatchObject({ id: 'airline', kind: 'system' });
    expect(marks(d).find((m) => m.seq === 1000)).toMatchObject({ lane: d.lanes.length - 1 });
    expect(d.rows.at(-1)?.text).toBe('Airline: seat-held.');
  });

  test('over seeds and faults: arrows go forward, every loss has its ✕, no two marks collide', async () => {
    const engine = await loadEngine();
    await fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.constantFrom('payment-lost-response', 'webhook-duplicates', 'key-lifecycle'),
        (seed, scenario) => {
          for (const run of engine.run({ scenario, seed }).runs)
            checkShape(run.trace, layoutDiagram(run.trace));
        },
      ),
      { numRuns: 25 },
    );
  });
});
