// The engine worker shapes each run for the page: bounded, plain data that equals what the page
// used to work out from the whole trace, and narration past the drawing on request.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, RunResult, ScenarioInfo } from '../../src/engine/index.ts';
import { unpackResult } from '../../src/ui/engine-client.ts';
import { effectsUpTo, indexEffects } from '../../src/ui/columns.ts';
import { explainDivergence, findDivergence } from '../../src/ui/diagram/divergence.ts';
import { layoutDiagram, MAX_DRAWN_ROWS } from '../../src/ui/diagram/layout.ts';
import { createNarrator } from '../../src/ui/diagram/narrate.ts';
import { eventsAt, ticksOf } from '../../src/ui/timeline.ts';
import { RunShaper } from '../../src/worker/shape.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const infoOf = (result: RunResult): ScenarioInfo =>
  engine.scenarios().find((s) => s.id === result.scenario)!;

/** Every knob of the retry storm at its maximum, one payment: just past the drawing's bound. */
const STORM = {
  scenario: 'retry-amplification',
  strategies: ['naive', 'idempotency-key'],
  knobs: {
    payments: 1,
    retries: 10,
    gatewayRetries: 10,
    pspRetries: 10,
    gatewayResponseLoss: 1,
    pspLostReply: 1,
  },
};

describe('a run shaped in the worker', () => {
  test('crosses as plain data with no trace, and holds what the page drew from the trace', async () => {
    const result = engine.run({ scenario: 'payment-lost-response', seed: 12 });
    const packed = new RunShaper().shape(infoOf(result), result);
    // What crosses is a structured clone: it must survive one, and carry no trace.
    const crossed = structuredClone(packed);
    expect(JSON.stringify(Object.keys(crossed.runs[0]!))).not.toContain('trace');
    for (const run of crossed.runs) expect(typeof run.diagram).toBe('string');
    const shaped = (await unpackResult(crossed))!;
    const traces = result.runs.map((r) => r.trace);
    expect(Array.from(shaped.ticks)).toEqual(ticksOf(traces));
    const found = findDivergence(traces);
    expect(found).not.toBeNull();
    for (const [i, run] of result.runs.entries()) {
      const view = shaped.runs[i]!;
      expect(view.diagram).toEqual(layoutDiagram(run.trace, { maxRows: MAX_DRAWN_ROWS }));
      expect(Array.from(view.times)).toEqual(run.trace.map((e) => e.at));
      expect(view.divergenceSeq).toBe(found!.seqs[i]);
      expect(view.column.traceHash).toBe(run.traceHash);
      expect(view.column.totals).toEqual(run.effects);
      expect(view.column.events).toBe(run.trace.length);
      for (const seq of [-1, 5, run.trace.length - 1])
        expect(effectsUpTo(view.effects, seq)).toEqual(effectsUpTo(indexEffects(run), seq));
      // Each broken invariant's chain, in the narrator's words.
      const narrate = createNarrator(run.trace);
      const broken = run.invariants.filter((inv) => !inv.holds);
      expect(Object.keys(view.chains)).toEqual(broken.map((inv) => inv.id));
      for (const inv of broken) {
        const chain = explainDivergence({ trace: run.trace, invariants: [inv] })?.chain ?? [];
        expect(chain.length).toBeGreaterThan(0);
        expect(view.chains[inv.id]).toEqual(
          chain.map((seq) => ({ seq, at: run.trace[seq]!.at, text: narrate(run.trace[seq]!) })),
        );
      }
    }
    expect(shaped.runs[0]!.column.verdict).toBe('violated');
    expect(shaped.explanation?.column).toBe(0);
    expect(shaped.explanation?.explained).toEqual(
      explainDivergence({ trace: traces[0]!, invariants: result.runs[0]!.invariants }),
    );
    const parted = found!.seqs.flatMap((seq, i) => (seq === null ? [] : [traces[i]![seq]!.at]));
    expect(shaped.divergenceAt).toBe(Math.min(...parted));
  });

  test('a run past the drawing sends only its first rows; narration past them comes on request', () => {
    const result = engine.run(STORM);
    const naive = result.runs[0]!.trace;
    const shaper = new RunShaper();
    const packed = shaper.shape(infoOf(result), result);
    const diagram = JSON.parse(packed.runs[0]!.diagram) as ReturnType<typeof layoutDiagram>;
    expect(diagram.rows).toHaveLength(MAX_DRAWN_ROWS);
    expect(diagram.undrawn).toBeGreaterThan(0);
    // What crosses for the drawing is bounded by the drawing's rows, not by the run.
    expect(packed.runs[0]!.diagram.length).toBeLessThan(MAX_DRAWN_ROWS * 1000);
    expect(packed.runs[0]!.times).toHaveLength(naive.length);
    const narrate = createNarrator(naive);
    const last = naive.at(-1)!.at;
    expect(last).toBeGreaterThan(diagram.rows.at(-1)!.at);
    expect(shaper.narrationAt(packed.handle, 0, last)).toEqual(
      eventsAt(naive, last).map((e) => narrate(e)),
    );
    expect(shaper.narrationAt(packed.handle, 0, last)!.length).toBeGreaterThan(0);
    // A newer run replaces the kept one: a question about the older one gets null.
    const newer = shaper.shape(infoOf(result), result);
    expect(shaper.narrationAt(packed.handle, 0, last)).toBeNull();
    expect(shaper.narrationAt(newer.handle, 0, last)).not.toBeNull();
    expect(shaper.narrationAt(newer.handle, 9, last)).toBeNull();
  });
});
