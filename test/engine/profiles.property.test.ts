// Safety under random fault schedules, per profile: idempotency-key never breaks an invariant
// its profile promises. CI runs 150 schedules a profile; TWICE_FULL=1 runs 1,000.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import { PROFILE_IDS } from '../../src/server/profiles.ts';
import { paymentKnobs, seed } from '../support/arbitraries.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const RUNS = process.env.TWICE_FULL === '1' ? 1000 : 150;

const ratio = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.5, noNaN: true }));
/** Faults inside the server and at the provider, on top of the network faults of paymentKnobs. */
const serverFaults = fc.record(
  {
    crash: ratio,
    pspOutageMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })),
    pspLostReply: ratio,
    pspLatencyMs: fc.integer({ min: 2, max: 3000 }),
  },
  { requiredKeys: [] },
);

describe.each(PROFILE_IDS)('idempotency-key, %s profile', (profile) => {
  // Powertools deletes its record when the function fails and runs the whole function again on
  // the retry (documented: docs/semantics.md, What gets stored); so crashes and provider failures are its known
  // limit, and its safety claim covers network faults only. Its lease is the Lambda's remaining
  // time, which a function cannot outlive, so a lease shorter than the function is not a
  // Powertools setting: keep the profile's own.
  const faults = profile === 'powertools' ? fc.constant({ leaseMs: 0, crash: 0 }) : serverFaults;

  test(`holds every invariant it promises over ${RUNS} random fault schedules`, () => {
    fc.assert(
      fc.property(seed, paymentKnobs, faults, (s, knobs, extra) => {
        const run = engine.run({
          scenario: 'payment-lost-response',
          seed: s,
          strategies: ['idempotency-key'],
          knobs: { ...knobs, ...extra, profile },
        }).runs[0]!;
        const broken = run.invariants.filter((i) => !i.holds);
        expect(broken, broken.map((i) => `${i.id}: ${i.detail}`).join(' ')).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});

test('the Powertools limit is real: a lost provider answer makes the retry charge again', () => {
  let doubled = 0;
  for (let s = 0; s < 40; s++) {
    const run = engine.run({
      scenario: 'payment-lost-response',
      seed: s,
      strategies: ['idempotency-key'],
      knobs: { profile: 'powertools', pspLostReply: 1 },
    }).runs[0]!;
    if (run.invariants.some((i) => i.id === 'one-charge-per-intent' && !i.holds)) doubled++;
  }
  expect(doubled).toBeGreaterThan(0);
});
