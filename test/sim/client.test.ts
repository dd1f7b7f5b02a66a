// Client policy: which statuses end an operation, and capped exponential backoff with jitter.
import { describe, expect, test } from 'vitest';
import { backoffDelay, classify, mintKey, type ClientPolicy } from '../../src/sim/client.ts';
import { SeededChoices } from '../../src/sim/choices.ts';

const policy: ClientPolicy = {
  timeoutMs: 1000,
  retries: 5,
  backoffMs: 100,
  backoffCapMs: 1000,
  jitter: 0,
  newKeyPerAttempt: false,
};

describe('client policy', () => {
  test('2xx ends well, 409/429/5xx are retried, other 4xx end in failure', () => {
    expect([200, 201, 204].map(classify)).toEqual(['ok', 'ok', 'ok']);
    expect([409, 425, 429, 500, 503].map(classify)).toEqual([
      'retry',
      'retry',
      'retry',
      'retry',
      'retry',
    ]);
    expect([400, 404, 422].map(classify)).toEqual(['failed', 'failed', 'failed']);
  });

  test('backoff doubles per retry and stops at the cap', () => {
    const choices = new SeededChoices(1);
    expect([2, 3, 4, 5, 6, 7].map((n) => backoffDelay(policy, n, choices, 'j'))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  test('jitter only shortens a delay, by at most its share', () => {
    const jittery = { ...policy, jitter: 0.5 };
    const choices = new SeededChoices(1);
    const delays = Array.from({ length: 200 }, (_, i) =>
      backoffDelay(jittery, 4, choices, `j/${i}`),
    );
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...delays)).toBeLessThanOrEqual(400);
    expect(new Set(delays).size).toBeGreaterThan(50);
  });

  test('keys come from Choices: same label, same key', () => {
    expect(mintKey(new SeededChoices(5), 'client/op:1/key')).toBe(
      mintKey(new SeededChoices(5), 'client/op:1/key'),
    );
    expect(mintKey(new SeededChoices(5), 'client/op:1/key')).not.toBe(
      mintKey(new SeededChoices(5), 'client/op:2/key'),
    );
    expect(mintKey(new SeededChoices(5), 'k')).toMatch(/^key_[0-9a-f]{16}$/);
  });
});
