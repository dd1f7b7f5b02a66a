// The .http transcript's comments: each fault and race a schedule can hold, said where a reader must arrange it.
import { beforeAll, describe, expect, test } from 'vitest';
import { exportHttp, type Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

/** The transcript of a strategy's first counterexample for `invariant` where it is exposed. */
async function transcript(strategy: string, invariant: string, maxFaults: number) {
  const info = engine
    .scenarios()
    .flatMap((s) => s.strategies)
    .find((s) => s.id === strategy);
  const { scenario, knobs = {} } = info?.exposedIn ?? { scenario: '' };
  const explored = await engine.explore({ scenario, knobs, strategies: [strategy], maxFaults });
  const found = explored.strategies[0]?.counterexamples.find((c) => c.invariant === invariant);
  if (!found) throw new Error(`${strategy} should break ${invariant} in ${scenario}`);
  const run = engine.run({ scenario, knobs, strategies: [strategy], schedule: found.schedule });
  const text = exportHttp(
    { title: strategy, schedule: found.schedule, summary: found.summary },
    run.runs[0]?.trace ?? [],
    run.runs[0]?.operations,
  );
  return { text, blocks: text.split('\n### ').slice(1), summary: found.summary };
}

/** The block of attempt `attempt` of operation `op`. */
const block = (blocks: readonly string[], op: number, attempt: number) =>
  blocks.find((b) => b.includes(`: attempt ${attempt} of operation ${op}\n`)) ?? '';

describe('the .http transcript says every fault and race where it happens', () => {
  test('a crash: crash the server right after the named step of that request', async () => {
    const { blocks, summary } = await transcript('no-lease-expiry', 'leases-end', 1);
    const step = /crashes right after step (\S+) of attempt 1 of operation 1/.exec(summary)?.[1];
    expect(step, summary).toBeDefined();
    expect(block(blocks, 1, 1)).toContain(
      `# CRASH THE SERVER right after it commits step "${step}" for this request.`,
    );
    expect(blocks.filter((b) => b.includes('# CRASH THE SERVER'))).toHaveLength(1);
  });

  test('a pause past the lease: stall that execution after its step, send the next requests meanwhile', async () => {
    const { blocks } = await transcript('lease-no-fence', 'no-stale-writes', 1);
    const first = block(blocks, 1, 1);
    expect(first).toContain(
      `# STALL THE SERVER: hold this request's execution right after it commits step "create-order", for longer than the key's lease`,
    );
    expect(blocks.filter((b) => b.includes('# STALL THE SERVER'))).toHaveLength(1);
  });

  test('two concurrent requests ordered one way: a race, with the step it runs between', async () => {
    const { blocks } = await transcript('check-then-insert', 'one-charge-per-intent', 0);
    expect(block(blocks, 1, 1)).not.toContain('# RACE');
    expect(block(blocks, 2, 1)).toContain(
      '# RACE: send this request concurrently with attempt 1 of operation 1; make it reach the handler while that one is in flight, after it commits step "check-key" and before it commits its next one.',
    );
  });

  test("a foreign system's lost reply: let it do the work, then drop its answer", async () => {
    const { blocks } = await transcript('no-airline-key', 'one-seat-per-trip', 1);
    const lost = blocks.filter((b) => b.includes("# LOSE THE AIRLINE'S REPLY"));
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/let it do the work your server asks for in step "[a-z-]+", then drop/);
  });

  test('a redelivery or a retry: the same request sent again, named as such', async () => {
    const { blocks } = await transcript('memory-dedupe', 'one-invoice-per-payment', 1);
    const again = blocks.filter((b) => b.includes('# SEND AGAIN'));
    expect(again.length).toBeGreaterThan(0);
    expect(again[0]).toMatch(/# SEND AGAIN: attempt 2 repeats attempt 1 of this operation/);
    // The first attempt of an operation is never "again".
    const firsts = blocks.filter((b) => / attempt 1 of operation/.test(b.split('\n')[0] ?? ''));
    expect(firsts.length).toBeGreaterThan(0);
    for (const b of firsts) expect(b).not.toContain('# SEND AGAIN');
  });

  test('two clients with one key: each request is sent as its own client, with its own token', async () => {
    const { text, blocks } = await transcript('global-key-scope', 'own-keys', 0);
    expect(text).toContain(
      "# Sent by 2 clients: set each one's token below and send each request as the client it names.\n@customer_1 = <a token of customer-1>\n@customer_2 = <a token of customer-2>\n",
    );
    expect(block(blocks, 1, 1)).toMatch(
      /# as customer-1\n[^]*Authorization: Bearer \{\{customer_1\}\}/,
    );
    expect(block(blocks, 2, 1)).toMatch(
      /# as customer-2\n[^]*Authorization: Bearer \{\{customer_2\}\}/,
    );
    // The same key in both: what the counterexample is about.
    const keys = blocks.map((b) => /Idempotency-Key: (.*)/.exec(b)?.[1]);
    expect(new Set(keys).size).toBe(1);
  });

  test('one client: no credentials to tell apart, so none are written', async () => {
    const { text } = await transcript('no-lease-expiry', 'leases-end', 1);
    expect(text).not.toContain('Authorization');
    expect(text).not.toContain('# as ');
  });
});
