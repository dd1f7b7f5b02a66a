// Background jobs in the loop: traced runs carry their words, the result carries their counts, and a job's requests run as op 0.
import { describe, expect, test } from 'vitest';
import { SeededChoices } from '../../src/sim/choices.ts';
import type { Handler, Job } from '../../src/sim/handler.ts';
import { simulate } from '../../src/sim/simulation.ts';
import { Trace } from '../../src/sim/trace.ts';
import { echoHandler, world } from '../support/world.ts';

/** A job that every 100 ms finds `counts[i]` rows on its i-th run and re-drives one request on its second. */
function sweeper(counts: readonly number[]): Job {
  let runs = 0;
  return {
    name: 'sweeper',
    everyMs: 100,
    run() {
      const count = counts[runs] ?? 0;
      runs++;
      const requests =
        runs === 2
          ? [{ method: 'POST', path: '/x', client: 'job', headers: {}, body: { n: 9 } }]
          : [];
      // It says work is left until its fourth run, so it keeps ticking after the client is done.
      return { requests, changed: count > 0, pending: runs < 4, count, note: `swept ${count}` };
    },
  };
}

describe('job runs', () => {
  test('each traced run is listed with its count and the seq of its trace event; idle runs are neither', () => {
    const handler: Handler = { ...echoHandler(), jobs: [sweeper([3, 0, 0, 2])] };
    const trace = new Trace(true);
    const result = simulate(world(), handler, new SeededChoices(1), trace);
    // Run 3 found nothing and re-drove nothing: no event, no entry.
    expect(result.jobRuns).toEqual([
      { seq: expect.any(Number), at: 100, name: 'sweeper', count: 3 },
      { seq: expect.any(Number), at: 200, name: 'sweeper', count: 0 },
      { seq: expect.any(Number), at: 400, name: 'sweeper', count: 2 },
    ]);
    for (const run of result.jobRuns)
      expect(trace.events[run.seq]).toMatchObject({
        kind: 'job',
        name: 'sweeper',
        at: run.at,
        note: `swept ${run.count}`,
      });
    // The re-driven request is a background execution: op 0, the jobs' first.
    expect(trace.events.find((e) => e.kind === 'deliver' && e.op === 0)).toMatchObject({
      at: 200,
      attempt: 1,
      cause: result.jobRuns[1]?.seq,
    });
  });
});
