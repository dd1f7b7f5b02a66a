// A story's workload: how many operations and how far apart (two knobs), and the operations they space out.

import type { Operation } from '../sim/simulation.ts';
import { defineKnobs } from './knobs.ts';

/** The words and range of one of the two workload knobs; its id stays in its type. */
interface WorkloadKnob<Id extends string> {
  readonly id: Id;
  readonly label: string;
  readonly help: string;
  readonly default: number;
  readonly max: number;
}

/**
 * The count knob (`min` operations at least, 1 unless a story allows none) and the gap knob, in
 * milliseconds from 0: the pair every story's workload is made of.
 */
export function countAndGap<const Count extends string, const Gap extends string>(
  count: WorkloadKnob<Count> & { readonly min?: number },
  gap: WorkloadKnob<Gap>,
) {
  return defineKnobs([
    {
      id: count.id,
      label: count.label,
      group: 'workload',
      kind: 'int',
      default: count.default,
      min: count.min ?? 1,
      max: count.max,
      help: count.help,
    },
    {
      id: gap.id,
      label: gap.label,
      group: 'workload',
      kind: 'int',
      default: gap.default,
      min: 0,
      max: gap.max,
      unit: 'ms',
      help: gap.help,
    },
  ]);
}

/** `count` operations `gapMs` apart: operation n (from 1) is `make(n, (n - 1) * gapMs)`. */
export function spaced(
  count: number,
  gapMs: number,
  make: (n: number, at: number) => Operation,
): Operation[] {
  return Array.from({ length: count }, (_, i) => make(i + 1, i * gapMs));
}

/** The knob that picks a scripted case (the first by default): each case shows on every seed. */
export function caseKnob<const Case extends readonly [string, ...string[]]>(
  options: Case,
  optionHelp: Readonly<Record<Case[number], string>>,
  help: string,
) {
  return defineKnobs([
    {
      id: 'case',
      label: 'Case',
      group: 'workload',
      kind: 'choice',
      default: options[0],
      options,
      optionHelp,
      help,
    },
  ]);
}
