// The conformance table: every key-lifecycle case under every profile, as the engine plays it.
// `npm run conformance` prints it; a test holds it to SEMANTICS.md's tables.

import { LIFECYCLE_CASES, type LifecycleCase } from '../scenarios/key-lifecycle.ts';
import { PROFILE_IDS, type ProfileId } from '../server/profiles.ts';
import { IDEMPOTENT_REPLAYED } from '../sim/http.ts';
import type { Engine } from './index.ts';

export interface ConformanceCell {
  readonly case: LifecycleCase;
  readonly profile: ProfileId;
  /** The first and the last status the client received for its last request (null: none). */
  readonly first: number | null;
  readonly status: number | null;
  /** Whether the last answer came from the store rather than from running the payment. */
  readonly stored: boolean;
  /** Whether it was marked `Idempotent-Replayed: true`. */
  readonly replayed: boolean;
  /**
   * Orders created and cards charged in the whole case for the intent of the last request:
   * above 1, the work ran again. Another client's payment in the same case is not a rerun.
   */
  readonly orders: number;
  readonly charges: number;
}

export function conformance(engine: Engine): ConformanceCell[] {
  return LIFECYCLE_CASES.flatMap((which) =>
    PROFILE_IDS.map((profile): ConformanceCell => {
      const result = engine.run({
        scenario: 'key-lifecycle',
        strategies: ['idempotency-key'],
        knobs: { case: which, profile },
      });
      const run = result.runs[0];
      if (!run) throw new Error('conformance: no run');
      const probe = run.operations.length;
      const received = run.trace.filter((e) => e.kind === 'receive' && e.op === probe);
      const last = received.at(-1);
      const response = last && run.trace.find((e) => e.seq === last.cause);
      const exec = response?.kind === 'response' ? response.exec : -1;
      const request = run.trace.find((e) => e.kind === 'request' && e.op === probe);
      const intent = request?.kind === 'request' ? request.body.intent : undefined;
      const effects = (name: string) =>
        run.trace.filter((e) => e.kind === 'effect' && e.name === name && e.subject === intent)
          .length;
      const worked = run.trace.some(
        (e) => e.kind === 'step' && e.exec === exec && e.step !== 'claim-key',
      );
      return {
        case: which,
        profile,
        first: received[0]?.kind === 'receive' ? received[0].status : null,
        status: last?.kind === 'receive' ? last.status : null,
        // From the store: marked as a replay, or a success that ran nothing (an unmarked replay).
        stored:
          response?.kind === 'response' &&
          (response.headers[IDEMPOTENT_REPLAYED] === 'true' || (response.status < 300 && !worked)),
        replayed: response?.kind === 'response' && response.headers[IDEMPOTENT_REPLAYED] === 'true',
        orders: effects('order-created'),
        charges: effects('card-charged'),
      };
    }),
  );
}

/** One cell in words: "409 → 201 replayed", "422", "201 · ran again (2 orders, 2 charges)". */
export function describeCell(cell: ConformanceCell): string {
  const status = (s: number | null) => (s === null ? 'no answer' : String(s));
  const path =
    cell.first !== cell.status
      ? `${status(cell.first)} → ${status(cell.status)}`
      : status(cell.status);
  const stored = cell.stored ? (cell.replayed ? ' replayed' : ' replayed, unmarked') : '';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const again =
    cell.charges > 1 || cell.orders > 1
      ? ` · ran again (${plural(cell.orders, 'order')}, ${plural(cell.charges, 'charge')})`
      : '';
  return `${path}${stored}${again}`;
}

export function conformanceMarkdown(cells: readonly ConformanceCell[]): string {
  const header = `| case | ${PROFILE_IDS.join(' | ')} |\n|---|${PROFILE_IDS.map(() => '---').join('|')}|`;
  const rows = LIFECYCLE_CASES.map((which) => {
    const cellsOf = PROFILE_IDS.map((p) => cells.find((c) => c.case === which && c.profile === p));
    return `| \`${which}\` | ${cellsOf.map((c) => (c ? describeCell(c) : '—')).join(' | ')} |`;
  });
  return [header, ...rows].join('\n');
}
