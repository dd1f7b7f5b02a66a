// The engine worker's side of the page: each run shaped once (layout, indexes, divergence, chains,
// verdicts) into its compact form, and the latest run kept for what the page asks for later.
import type { RunResult, ScenarioInfo, StrategyRun } from '../engine/types.ts';
import { columnsOf, indexEffects } from '../ui/columns.ts';
import { divergenceAt, explainDivergence, findDivergence } from '../ui/diagram/divergence.ts';
import { layoutDiagram, MAX_DRAWN_ROWS } from '../ui/diagram/layout.ts';
import { createNarrator } from '../ui/diagram/narrate.ts';
import { eventsAt, ticksOf } from '../ui/timeline.ts';
import type { ChainLink, Explained, PackedResult, ShapedRun } from './packed.ts';

type Narrator = (event: StrategyRun['trace'][number]) => string;

/** Why the first broken column of a result broke, from its own trace. */
function explain(result: RunResult): Explained | null {
  const column = result.runs.findIndex((r) => r.invariants.some((i) => !i.holds));
  const run = result.runs[column];
  if (!run) return null;
  const explained = explainDivergence({ trace: run.trace, invariants: run.invariants });
  if (!explained) return null;
  const seq = explained.effectSeq ?? run.trace.length - 1;
  return { column, at: run.trace[seq]?.at ?? 0, explained };
}

/** Each broken invariant's causal chain, in words. */
function chainsOf(run: StrategyRun, narrate: Narrator): Record<string, ChainLink[]> {
  const chains: Record<string, ChainLink[]> = {};
  for (const inv of run.invariants.filter((i) => !i.holds)) {
    const seqs = explainDivergence({ trace: run.trace, invariants: [inv] })?.chain ?? [];
    chains[inv.id] = seqs.flatMap((seq) => {
      const event = run.trace[seq];
      return event ? [{ seq, at: event.at, text: narrate(event) }] : [];
    });
  }
  return chains;
}

/**
 * Shapes runs for the page and keeps the latest one, so the page can ask for what it does not
 * hold (the narration of a moment past the drawn rows) without the whole trace ever crossing.
 * One result is kept: a newer run replaces it, and a question about an older one gets null.
 */
export class RunShaper {
  #handle = 0;
  #latest: { handle: number; result: RunResult; narrators: (Narrator | undefined)[] } | null = null;

  /** The page's compact form of a run: every pass over the whole trace happens here, once. */
  shape(info: ScenarioInfo, result: RunResult): PackedResult {
    const handle = ++this.#handle;
    const narrators: (Narrator | undefined)[] = result.runs.map(() => undefined);
    this.#latest = { handle, result, narrators };
    const traces = result.runs.map((r) => r.trace);
    const found = findDivergence(traces);
    const columns = columnsOf(info, result);
    const runs = result.runs.map((run, i): ShapedRun<string> => {
      const broken = run.invariants.some((inv) => !inv.holds);
      const narrate = broken ? this.#narrator(i) : undefined;
      const column = columns[i];
      if (!column) throw new Error(`No column for ${run.strategy}.`);
      return {
        column,
        diagram: JSON.stringify(layoutDiagram(run.trace, { maxRows: MAX_DRAWN_ROWS })),
        times: Float64Array.from(run.trace, (e) => e.at),
        effects: indexEffects(run),
        chains: narrate ? chainsOf(run, narrate) : {},
        divergenceSeq: found?.seqs[i] ?? null,
      };
    });
    return {
      handle,
      scenario: result.scenario,
      seed: result.seed,
      faults: result.faults,
      knobs: result.knobs,
      runs,
      ticks: Float64Array.from(ticksOf(traces)),
      explanation: explain(result),
      divergenceAt: divergenceAt(traces, found),
    };
  }

  /** What happens in one column at virtual time `at`, one sentence per event; null for a result no longer kept. */
  narrationAt(handle: number, column: number, at: number): string[] | null {
    const latest = this.#latest;
    const run = latest?.handle === handle ? latest.result.runs[column] : undefined;
    if (!run) return null;
    const narrate = this.#narrator(column);
    return eventsAt(run.trace, at).map((event) => narrate(event));
  }

  /** One narrator per column of the latest result, built on first use (a pass over the run). */
  #narrator(column: number): Narrator {
    const latest = this.#latest;
    if (!latest) throw new Error('No run is kept.');
    const made = latest.narrators[column];
    if (made) return made;
    const narrator = createNarrator(latest.result.runs[column]?.trace ?? []);
    latest.narrators[column] = narrator;
    return narrator;
  }
}
