// Knob specs and the typed reader derived from them: a misspelt id fails to compile, a value of
// the wrong type fails at run time naming the knob, and the shared workload knobs space operations.
import { describe, expect, test } from 'vitest';
import { NETWORK_KNOBS, SERVER_KNOBS } from '../../src/scenarios/http-world.ts';
import {
  defineKnobs,
  limitApplies,
  pickKnobs,
  readKnobs,
  resolveKnobs,
  withDefaults,
} from '../../src/scenarios/knobs.ts';
import { keyLifecycle } from '../../src/scenarios/key-lifecycle.ts';
import { countAndGap, spaced } from '../../src/scenarios/workload.ts';

const KNOBS = [
  ...defineKnobs([
    {
      id: 'mode',
      label: 'Mode',
      group: 'client',
      kind: 'choice',
      default: 'fast',
      options: ['fast', 'slow'] as const,
      help: 'A choice.',
    },
    { id: 'keys', label: 'Keys', group: 'client', kind: 'bool', default: true, help: 'A flag.' },
  ]),
  ...countAndGap(
    { id: 'clicks', label: 'Clicks', default: 2, max: 10, help: 'How many.' },
    { id: 'clickGapMs', label: 'Gap', default: 20, max: 1000, help: 'How far apart.' },
  ),
  ...NETWORK_KNOBS,
];
const resolve = (given: object = {}) => resolveKnobs('test', KNOBS, given);

describe('readKnobs', () => {
  test('reads each kind of knob by its id, resolved over the defaults', () => {
    const knobs = readKnobs(KNOBS, resolve({ mode: 'slow', clicks: 3, requestLoss: 0.5 }));
    const mode: 'fast' | 'slow' = knobs.choice('mode');
    expect(mode).toBe('slow');
    expect(knobs.bool('keys')).toBe(true);
    expect(knobs.int('clicks')).toBe(3);
    expect(knobs.int('clickGapMs')).toBe(20);
    expect(knobs.ratio('requestLoss')).toBe(0.5);
  });

  test('a misspelt id or an id of another kind does not compile (and throws if forced)', () => {
    const knobs = readKnobs(KNOBS, resolve());
    // @ts-expect-error: no knob is called clickGapMz
    expect(() => knobs.int('clickGapMz')).toThrow('knob "clickGapMz" is not a number');
    // @ts-expect-error: mode is a choice, not an int
    expect(() => knobs.int('mode')).toThrow('knob "mode" is not a number');
    // @ts-expect-error: clicks is an int, not a choice
    expect(() => knobs.choice('clicks')).toThrow('knob "clicks" is not one of ');
  });

  test('a value of the wrong type, from outside the type system, throws and names the knob', () => {
    const knobs = readKnobs(KNOBS, { ...resolve(), keys: 'yes', mode: 'medium' });
    expect(() => knobs.bool('keys')).toThrow('knob "keys" is not a boolean');
    expect(() => knobs.choice('mode')).toThrow('knob "mode" is not one of fast, slow');
  });
});

describe('knob lists', () => {
  test('withDefaults changes only the defaults named, and names only knobs of the list', () => {
    const quiet = withDefaults(NETWORK_KNOBS, { requestLoss: 0 });
    expect(quiet.find((k) => k.id === 'requestLoss')?.default).toBe(0);
    expect(quiet.find((k) => k.id === 'responseLoss')).toEqual(
      NETWORK_KNOBS.find((k) => k.id === 'responseLoss'),
    );
    // @ts-expect-error: retries is a client knob, not a network one
    withDefaults(NETWORK_KNOBS, { retries: 0 });
  });

  test('pickKnobs keeps the list order, whatever order the ids come in', () => {
    const picked = pickKnobs(SERVER_KNOBS, ['restartMs', 'stepMs']);
    expect(picked.map((k) => k.id)).toEqual(['stepMs', 'restartMs']);
  });
});

describe('workload', () => {
  test('countAndGap declares a count from 1 and a gap in ms from 0', () => {
    const [count, gap] = countAndGap(
      { id: 'n', label: 'N', default: 2, max: 5, help: 'How many.' },
      { id: 'gapMs', label: 'Gap', default: 10, max: 100, help: 'How far apart.' },
    );
    expect(count).toMatchObject({ id: 'n', group: 'workload', kind: 'int', min: 1, max: 5 });
    expect(gap).toMatchObject({ id: 'gapMs', kind: 'int', min: 0, max: 100, unit: 'ms' });
  });

  test('spaced numbers operations from 1, one gap apart from time 0', () => {
    const ops = spaced(3, 250, (n, at) => ({
      at,
      client: `c${n}`,
      method: 'POST',
      path: '/p',
      body: {},
    }));
    expect(ops.map((op) => [op.client, op.at])).toEqual([
      ['c1', 0],
      ['c2', 250],
      ['c3', 500],
    ]);
  });
});

test('a limit declared under some knob values covers runs with those values only', () => {
  const resolve = (knobs: Record<string, string>) =>
    resolveKnobs(keyLifecycle.id, keyLifecycle.knobs, { case: 'shared-key', ...knobs });
  const limits = keyLifecycle.limits ?? [];
  const leak = limits.filter((l) => l.strategy === 'idempotency-key');
  expect(leak.map((l) => [l.invariant, l.knobs])).toEqual([
    ['own-keys', { profile: 'powertools' }],
    ['own-answers', { profile: 'powertools' }],
    ['answers-match', { profile: 'powertools' }],
  ]);
  for (const limit of leak) {
    expect(limitApplies(limit, resolve({ profile: 'powertools' }))).toBe(true);
    // The default profile (IETF) and every other scopes its keys: no limit there.
    for (const profile of ['ietf', 'stripe', 'brandur'])
      expect(limitApplies(limit, resolve({ profile }))).toBe(false);
    expect(limitApplies(limit, resolve({}))).toBe(false);
  }
  // A limit with no knobs holds everywhere.
  const outbox = limits.find((l) => l.invariant === 'published-once');
  expect(outbox && limitApplies(outbox, resolve({ profile: 'stripe' }))).toBe(true);
});
