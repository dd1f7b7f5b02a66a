// The explorer's result as the panel says it: per strategy a verdict line, and its minimal counterexamples grouped by schedule.
import type { ExploreResult, ScenarioInfo } from '../../engine/types.ts';

/** One schedule that broke a strategy, with every invariant it broke there. */
export interface Finding {
  /** Unique within the strategy's list. */
  readonly key: string;
  readonly schedule: string;
  readonly summary: string;
  readonly faults: number;
  readonly invariants: readonly { id: string; title: string; detail: string }[];
  /** A limit the story declares for this correct strategy, not a bug. */
  readonly limit: boolean;
  /** The explored strategies that replay this schedule, the broken one first: the columns it opens. */
  readonly columns: readonly string[];
}

export type Verdict = 'held' | 'limits' | 'broken' | 'not-run';

export interface StrategyVerdict {
  readonly id: string;
  readonly title: string;
  readonly verdict: Verdict;
  /** "held on all 21 schedules (complete)", "breaks on 10 of 14 schedules (complete)", … */
  readonly line: string;
  readonly findings: readonly Finding[];
}

/** Why a search stopped short, as the line's "(cut at …)" says it. */
export type Cut = 'cancelled' | 'limit';

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/** "no fault", "1 fault", "2 faults": the finding's summary then says the ordering, if any. */
export function faultsText(n: number): string {
  return n === 0 ? 'no fault' : plural(n, 'fault', 'faults');
}

/**
 * The line's bracket: complete, or where and why it was cut. A strategy that reached the limit
 * was cut by it, even when a cancel later stopped the search in another strategy.
 */
function bound(schedules: number, complete: boolean, cut: Cut, maxSchedules: number): string {
  if (complete) return '(complete)';
  const why =
    cut === 'cancelled' && schedules < maxSchedules
      ? 'cancelled'
      : `the limit of ${count(maxSchedules)} schedules`;
  return `(cut at ${count(schedules)}: ${why})`;
}

/**
 * Each explored strategy in the order asked, and those a cancel never reached. Counterexamples
 * on the same schedule are one finding (one lost answer breaks charges and orders at once).
 */
export function verdictsOf(
  result: ExploreResult,
  info: ScenarioInfo,
  asked: readonly string[],
  replayable: Readonly<Record<string, readonly string[]>>,
  cut: Cut,
  maxSchedules: number,
): StrategyVerdict[] {
  const titleOf = (id: string) => info.strategies.find((s) => s.id === id)?.title ?? id;
  const invariantTitle = (id: string) => info.invariants.find((i) => i.id === id)?.title ?? id;
  return asked.map((id): StrategyVerdict => {
    const explored = result.strategies.find((s) => s.strategy === id);
    if (!explored)
      return {
        id,
        title: titleOf(id),
        verdict: 'not-run',
        line: 'not explored: cancelled before it started',
        findings: [],
      };
    const findings: Finding[] = [];
    for (const c of explored.counterexamples) {
      const limit = c.limit === true;
      const key = `${limit ? 'limit' : 'bug'}:${c.schedule}`;
      const invariant = { id: c.invariant, title: invariantTitle(c.invariant), detail: c.detail };
      const same = findings.findIndex((f) => f.key === key);
      const found = findings[same];
      if (found) {
        findings[same] = { ...found, invariants: [...found.invariants, invariant] };
        continue;
      }
      const others = (replayable[c.schedule] ?? []).filter((s) => s !== id);
      findings.push({
        key,
        schedule: c.schedule,
        summary: c.summary,
        faults: c.faults,
        invariants: [invariant],
        limit,
        columns: [id, ...others],
      });
    }
    const n = explored.schedules;
    const all = n === 1 ? 'its only schedule' : `all ${plural(n, 'schedule', 'schedules')}`;
    const tail = bound(n, explored.complete, cut, maxSchedules);
    const verdict: Verdict = !explored.holds ? 'broken' : findings.length > 0 ? 'limits' : 'held';
    const line =
      verdict === 'broken'
        ? `breaks on ${count(explored.broken)} of ${plural(n, 'schedule', 'schedules')} ${tail}`
        : verdict === 'limits'
          ? `held on ${all} but its story’s declared limits ${tail}`
          : `held on ${all} ${tail}`;
    // Bugs first, then the declared limits; each in the order found, so fewest faults first.
    const ordered = [...findings.filter((f) => !f.limit), ...findings.filter((f) => f.limit)];
    return { id, title: titleOf(id), verdict, line, findings: ordered };
  });
}
