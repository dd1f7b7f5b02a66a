// The table both the Node and the browser benchmark print.
import type { BenchRow } from '../engine/benchmark.ts';

export function formatTable(rows: readonly BenchRow[]): string {
  const header = [
    'intents',
    'SQL entries',
    'simulation ms',
    'floor ms',
    'µs/intent',
    'floor ratio',
    'charges',
    'invariants',
  ];
  const body = rows.map((r) =>
    [
      r.intents,
      r.statements,
      r.simulationMs,
      r.floorMs,
      r.usPerIntent,
      r.floorRatio,
      r.charges,
      r.invariantsHold ? 'hold' : 'BROKEN',
    ].map(String),
  );
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}
