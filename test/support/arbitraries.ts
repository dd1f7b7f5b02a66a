// fast-check arbitraries for knob settings, swarm-style: a random subset of knobs, skewed values.
import fc from 'fast-check';

const ratio = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 5, arbitrary: fc.double({ min: 0, max: 0.6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(1) },
);

/** Knobs of the HTTP payment stories; any subset may be set, the rest keep their defaults. */
export const paymentKnobs = fc.record(
  {
    payments: fc.integer({ min: 1, max: 4 }),
    paymentGapMs: fc.integer({ min: 0, max: 500 }),
    timeoutMs: fc.integer({ min: 50, max: 3000 }),
    retries: fc.integer({ min: 0, max: 6 }),
    backoffMs: fc.integer({ min: 0, max: 1000 }),
    backoffCapMs: fc.integer({ min: 0, max: 5000 }),
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
    latencyMs: fc.integer({ min: 1, max: 500 }),
    latencySpreadMs: fc.integer({ min: 0, max: 300 }),
    requestLoss: ratio,
    responseLoss: ratio,
    duplicate: ratio,
    stepMs: fc.integer({ min: 1, max: 200 }),
    crash: ratio,
    restartMs: fc.integer({ min: 0, max: 5000 }),
    // Short leases make takeovers and fencing happen inside a run.
    leaseMs: fc.oneof(fc.integer({ min: 100, max: 2000 }), fc.constant(90_000)),
    pspLatencyMs: fc.integer({ min: 2, max: 2000 }),
  },
  { requiredKeys: [] },
);

export const seed = fc.nat({ max: 0xffffffff });
