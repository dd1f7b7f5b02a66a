import { test } from 'vitest';
import { loadEngine } from '../support/engine.ts';
const C: [string, string, Record<string, unknown>, string[]][] = [
  ['check-then-insert', 'double-click-checkout', { clickGapMs: 0, latencySpreadMs: 0 }, ['idempotency-key', 'upsert']],
  ['global-key-scope', 'key-lifecycle', { case: 'shared-key' }, ['idempotency-key']],
  ['no-fingerprint', 'key-lifecycle', { case: 'mismatch' }, ['idempotency-key']],
  ['cache-5xx', 'key-lifecycle', { case: 'provider-recovers' }, ['idempotency-key']],
  ['no-lease-expiry', 'key-lifecycle', { case: 'crash-then-retry', crash: 0.1 }, ['idempotency-key']],
  ['lease-no-fence', 'key-lifecycle', { case: 'lease-expired-takeover' }, ['idempotency-key']],
  ['no-recovery-point', 'flight-booking', { crash: 0.1 }, ['idempotency-key']],
  ['no-airline-key', 'flight-booking', { airlineLostReply: 0.1 }, ['idempotency-key']],
  ['short-dedupe-window', 'webhook-duplicates', { responseLoss: 0.1 }, ['inbox']],
  ['memory-dedupe', 'webhook-duplicates', { crash: 0.1 }, ['inbox']],
];
test('s2', async () => {
  const engine = await loadEngine();
  for (const [bad, scenario, knobs, good] of C) {
    const t0 = performance.now();
    try {
      const r = await engine.explore({ scenario, knobs, strategies: [bad, ...good], maxFaults: 2, maxSchedules: 400 });
      for (const s of r.strategies)
        console.log(`${scenario}\t${s.strategy}\t${s.schedules}\t${s.complete}\t${s.counterexamples.map((c) => `${c.invariant}@${c.faults}${c.limit ? 'L' : ''} ${c.schedule}`).join(' | ')}`);
    } catch (e) { console.log(bad, 'ERROR', String(e)); }
    console.log(bad, 'ms', Math.round(performance.now() - t0));
  }
}, 3600000);
