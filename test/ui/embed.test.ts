// The embed's addresses and snippets: attributes ↔ hash round-trip through url-state's own
// parser, the snippets name the embed view and the script beside the app, heights are read safely.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ScenarioInfo } from '../../src/engine/index.ts';
import {
  attributesFromHash,
  embedUrl,
  fullUrl,
  hashFromAttributes,
  postedHeight,
  readFlags,
  resizeMessages,
} from '../../src/ui/embed/embed-url.ts';
import { snippetsFor } from '../../src/ui/embed/snippets.ts';
import { formatHash, parseHash } from '../../src/ui/url-state.ts';
import { loadEngine } from '../support/engine.ts';
import { validPageState } from '../support/page-state.ts';

let scenarios: ScenarioInfo[];
beforeAll(async () => {
  scenarios = (await loadEngine()).scenarios();
});
const story = (id: string) => scenarios.find((s) => s.id === id)!;
const APP = 'https://blog.example/sub/path/twice/';

describe('attributes and the hash', () => {
  test('every valid state survives hash → attributes → hash, read by parseHash', () => {
    fc.assert(
      fc.property(validPageState(scenarios), (state) => {
        const hash = formatHash(state, story(state.scenario));
        const back = hashFromAttributes(attributesFromHash(hash));
        expect(back).toBe(hash);
        const parsed = parseHash(back, scenarios, 'payment-lost-response');
        expect(parsed.problems).toEqual([]);
        expect(parsed.state).toEqual(state);
      }),
      { numRuns: 200 },
    );
  });

  test('the example element of the issue opens that state', () => {
    const hash = hashFromAttributes({
      scenario: 'payment-lost-response',
      seed: '12',
      strategies: 'naive, idempotency-key',
      faults: '1',
      knobs: 'retries=5',
    });
    expect(hash).toBe(
      '#scenario=payment-lost-response&seed=12&strategies=naive,idempotency-key&faults=1&k.retries=5',
    );
    const { state, problems } = parseHash(hash, scenarios, 'payment-lost-response');
    expect(problems).toEqual([]);
    expect(state).toMatchObject({ seed: 12, faults: true, knobs: { retries: 5 } });
  });

  test('knob pairs may be split by commas or spaces; a pair without "=" is dropped', () => {
    expect(hashFromAttributes({ knobs: 'a=1, b=x=y  c' })).toBe('#k.a=1&k.b=x%3Dy');
    expect(hashFromAttributes({})).toBe('#');
  });
});

describe('addresses', () => {
  test('the embed view is the app with ?embed=1 (and a theme), the hash unchanged', () => {
    expect(embedUrl(`${APP}?x=1#old`, '#scenario=a')).toBe(`${APP}?embed=1#scenario=a`);
    expect(embedUrl(APP, '#seed=3', 'dark')).toBe(`${APP}?embed=1&theme=dark#seed=3`);
    expect(fullUrl(`${APP}?embed=1&theme=dark#gone`, '#seed=3')).toBe(`${APP}#seed=3`);
  });

  test('flags: only embed=1 embeds; only light and dark are themes', () => {
    expect(readFlags('?embed=1&theme=dark')).toEqual({ embed: true, theme: 'dark' });
    expect(readFlags('?embed=true&theme=blue')).toEqual({ embed: false, theme: null });
    expect(readFlags('')).toEqual({ embed: false, theme: null });
  });
});

describe('snippets', () => {
  const hash = '#scenario=payment-lost-response&seed=12&strategies=naive,idempotency-key&faults=1';

  test('the iframe points at the embed view, titled, lazy, 700 × 500', () => {
    const { src, iframe } = snippetsFor(APP, hash, 'The lost response');
    expect(src).toBe(`${APP}?embed=1${hash}`);
    expect(iframe).toContain(`src="${APP}?embed=1${hash.replace(/&/g, '&amp;')}"`);
    expect(iframe).toContain('title="Twice: The lost response"');
    expect(iframe).toContain('loading="lazy"');
    expect(iframe).toMatch(/width="700" height="500"/);
  });

  test('the element loads embed.js from beside the app and carries the state', () => {
    const { element } = snippetsFor(`${APP}index.html`, `${hash}&k.retries=5`, 'x', 'light');
    expect(element).toBe(
      `<script src="${APP}embed.js" async></script>\n` +
        '<twice-demo scenario="payment-lost-response" seed="12" strategies="naive,idempotency-key"' +
        ' faults="1" knobs="retries=5" theme="light"></twice-demo>',
    );
  });

  test('a replayed schedule rides in both snippets, and the element’s hash is the page’s', () => {
    const replay = `${hash}&k.retries=5&schedule=v1~n.o1.a1.c0.r~O.15.1.1&t=3`;
    const { src, element } = snippetsFor(APP, replay, 'x');
    expect(src).toBe(`${APP}?embed=1${replay}`);
    expect(element).toContain(
      ' faults="1" knobs="retries=5" schedule="v1~n.o1.a1.c0.r~O.15.1.1" t="3"></twice-demo>',
    );
    expect(hashFromAttributes(attributesFromHash(replay))).toBe(replay);
    const { state, problems } = parseHash(
      hashFromAttributes(attributesFromHash(replay)),
      scenarios,
      'payment-lost-response',
    );
    expect(problems).toEqual([]);
    expect(state.schedule).toBe('v1~n.o1.a1.c0.r~O.15.1.1');
  });

  test('quotes and angle brackets in a title cannot break out of the attribute', () => {
    const { iframe } = snippetsFor(APP, hash, '"><script>');
    expect(iframe).toContain('title="Twice: &quot;>&lt;script>"');
    expect(iframe.match(/<script/g)).toBeNull();
  });
});

describe('heights', () => {
  test('both messages an embed posts read back as its height', () => {
    for (const message of resizeMessages(431)) expect(postedHeight(message)).toBe(431);
    expect(postedHeight({ type: 'twice:resize', height: 10.2 })).toBe(11);
  });

  test('anything else is not a height, and nothing throws', () => {
    for (const data of ['{', 'null', '{"context":"x","height":3}', { height: 3 }, null, 7])
      expect(postedHeight(data)).toBeNull();
    expect(postedHeight({ type: 'twice:resize', height: -1 })).toBeNull();
    expect(postedHeight({ type: 'twice:resize', height: '9' })).toBeNull();
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue(), fc.anything()), (data) => {
        const height = postedHeight(data);
        expect(height === null || (Number.isInteger(height) && height > 0)).toBe(true);
      }),
    );
  });
});
