// Exports of a counterexample: the step list and the HTTP transcript say what happened; the Vitest file runs and asserts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  exportHttp,
  exportSteps,
  exportVitest,
  type Counterexample,
  type Engine,
  type ExploreResult,
  type StrategyRun,
} from '../../src/engine/index.ts';
import { loadEngine } from '../support/engine.ts';

const scenario = 'payment-lost-response';
const knobs = { requestLoss: 0, duplicate: 0, responseLoss: 0.3, crash: 0, retries: 1 };
let engine: Engine;
let explored: ExploreResult;
let found: Counterexample;
let naive: StrategyRun;

beforeAll(async () => {
  engine = await loadEngine();
  explored = await engine.explore({ scenario, knobs, strategies: ['naive'], maxFaults: 1 });
  const first = explored.strategies[0]?.counterexamples.find(
    (c) => c.invariant === 'one-charge-per-intent',
  );
  if (!first) throw new Error('naive should break one-charge-per-intent with one lost answer');
  found = first;
  const run = engine.run({ scenario, knobs, strategies: ['naive'], schedule: found.schedule });
  naive = run.runs[0] as StrategyRun;
});

describe('exports', () => {
  test('the step list says the lost answer and the second charge, in order', () => {
    const text = exportSteps(`naive: ${found.summary}`, naive.trace, naive.operations);
    const lines = text.split('\n');
    const lost = lines.findIndex((l) =>
      l.includes('The response to attempt 1 of operation 1 is lost'),
    );
    const charges = lines.filter((l) => l.includes('Effect: card-charged'));
    const retry = lines.findIndex((l) => l.includes('The client sends attempt 2 of operation 1'));
    expect(lost).toBeGreaterThan(0);
    expect(retry).toBeGreaterThan(lost);
    expect(charges).toHaveLength(2);
    expect(lines[2]).toMatch(
      /^1\. 0 ms: The client sends attempt 1 of operation 1: POST \/payments/,
    );
  });

  test('with two clients the step list names who sends each request', () => {
    const knobs = { case: 'shared-key' };
    const run = engine.run({ scenario: 'key-lifecycle', knobs, strategies: ['global-key-scope'] });
    const [buggy] = run.runs;
    const text = exportSteps('shared key', buggy?.trace ?? [], buggy?.operations);
    expect(text).toMatch(/\d+\. 0 ms: customer-1 sends attempt 1 of operation 1: POST \/payments/);
    expect(text).toMatch(
      /\d+\. 5000 ms: customer-2 sends attempt 1 of operation 2: POST \/payments/,
    );
    expect(text).not.toContain('The client sends');
  });

  test('the HTTP transcript sends both attempts with the same key and says which answer to drop', () => {
    const text = exportHttp(
      { title: 'naive', schedule: found.schedule, summary: found.summary },
      naive.trace,
    );
    const blocks = text.split('\n### ').slice(1);
    expect(blocks).toHaveLength(2);
    const key = naive.trace.find((e) => e.kind === 'request')?.key ?? '';
    // As sent: the story's profile is the IETF draft's, whose clients quote the key.
    expect(key).toMatch(/^"key_[0-9a-f]{16}"$/);
    for (const block of blocks) {
      expect(block).toContain('POST {{host}}/payments');
      expect(block).toContain(`Idempotency-Key: ${key}`);
      expect(block).toContain('{"intent":"pi_1","amount_cents":4200}');
    }
    expect(blocks[0]).toContain('# DROP THE RESPONSE');
    expect(blocks[1]).not.toContain('# DROP THE RESPONSE');
    expect(blocks[1]).toMatch(/# wait \d+ ms after the previous request/);
    expect(text).toContain(`# Schedule: ${found.schedule}`);
  });

  test('the Vitest file replays the schedule: green as exported, red when the strategies swap', () => {
    const root = resolve(import.meta.dirname, '../..');
    const dir = mkdtempSync(join(tmpdir(), 'twice-export-'));
    try {
      // Resolve vitest and sql.js from this checkout.
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
      const base = {
        scenario,
        seed: explored.seed,
        knobs: explored.knobs,
        schedule: found.schedule,
        summary: found.summary,
        invariant: found.invariant,
        engineModule: join(root, 'src/engine/index.ts'),
      };
      const run = (file: string, text: string) => {
        writeFileSync(join(dir, file), text);
        return execFileSync(
          process.execPath,
          [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, file],
          { cwd: dir, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, NO_COLOR: '1' } },
        );
      };
      const green = run(
        'replay.test.ts',
        exportVitest({ ...base, broken: 'naive', holds: 'idempotency-key' }),
      );
      // The buggy strategy's test is marked test.fails, the correct one's passes.
      expect(green).toMatch(/Tests +1 passed \| 1 expected fail \(2\)/);
      // Swapped, each assertion meets the other strategy: both tests fail, so the file asserts.
      const swapped = exportVitest({ ...base, broken: 'idempotency-key', holds: 'naive' });
      expect(() => run('swapped.test.ts', swapped)).toThrow(/Failed Tests 2/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
