// Fingerprints: canonical, so key order does not matter; any change to method, path or params does.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { canonicalJson, fingerprint } from '../../src/server/fingerprint.ts';

const base = { method: 'POST', path: '/payments', body: { intent: 'pi_1', amount_cents: 4200 } };

describe('fingerprint', () => {
  test('is the SHA-256 of the canonical JSON (RFC 8785 key order)', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
    expect(fingerprint(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('does not depend on the order of the params', () => {
    expect(fingerprint({ ...base, body: { amount_cents: 4200, intent: 'pi_1' } })).toBe(
      fingerprint(base),
    );
  });

  test('changes with the amount, the path or the method', () => {
    const prints = new Set([
      fingerprint(base),
      fingerprint({ ...base, body: { ...base.body, amount_cents: 4300 } }),
      fingerprint({ ...base, path: '/refunds' }),
      fingerprint({ ...base, method: 'PUT' }),
    ]);
    expect(prints.size).toBe(4);
  });

  test('a body asked again, by any route, answers as a fresh copy of it would (made once per body and route)', () => {
    const body = { intent: 'pi_9', amount_cents: 100 };
    const routes = [
      ['POST', '/payments'],
      ['PUT', '/payments'],
      ['POST', '/refunds'],
    ] as const;
    const prints = () => routes.map(([method, path]) => fingerprint({ method, path, body }));
    const first = prints();
    expect(prints()).toEqual(first);
    expect(
      routes.map(([method, path]) => fingerprint({ method, path, body: { ...body } })),
    ).toEqual(first);
    expect(new Set(first).size).toBe(3);
    // And each is the SHA-256 of its canonical JSON, by Node's own hash.
    const [method, path] = routes[0];
    const text = canonicalJson({ method, path, params: body });
    expect(first[0]).toBe(createHash('sha256').update(text).digest('hex'));
  });
});
