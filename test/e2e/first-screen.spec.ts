// The first screen: at 1280 × 800 and 390 × 844 the story's verdicts are in view without
// scrolling and every story is one click away; "Embed this" gives both snippets and a live preview.
import type { Page } from '@playwright/test';
import { SCENARIO, engineInNode, expect, open, test } from './support.ts';

for (const [width, height] of [
  [1280, 800],
  [390, 844],
] as const) {
  test(`at ${width} × ${height} the columns, their verdicts and diagrams are above the fold`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height });
    await open(page);
    for (const [id, verdict] of [
      ['naive', 'violated'],
      ['idempotency-key', 'ok'],
    ] as const) {
      const line = page.locator(`[data-verdict-of="${id}"]`);
      await expect(line).toHaveAttribute('data-verdict', verdict);
      await expect(line).toBeInViewport({ ratio: 1 });
    }
    // The figure itself: the first column's header with its verdict, and the top of its diagram
    // (the lane names and the first moment), all without scrolling. Side by side, both columns.
    const shown = width === 1280 ? ['naive', 'idempotency-key'] : ['naive'];
    for (const id of shown) {
      const col = page.locator(`[data-strategy="${id}"]`);
      await expect(col.getByRole('heading', { level: 3 })).toBeInViewport({ ratio: 1 });
      await expect(col.locator('.verdict')).toBeInViewport({ ratio: 1 });
      const diagram = col.getByRole('figure', { name: /sequence diagram/ });
      const box = await diagram.boundingBox();
      expect(box, `${id}'s diagram`).not.toBeNull();
      expect(box!.y).toBeGreaterThanOrEqual(0);
      // 64 px: the lane names and the first message below them.
      expect(box!.y + 64, `${id}'s diagram starts in view`).toBeLessThanOrEqual(height);
    }
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await page.screenshot({ path: `test-results/first-screen-${width}.png` });
    // Every story stays one click (or Tab + Enter) away.
    const stories = page.getByRole('navigation', { name: 'Stories' }).getByRole('link');
    await expect(stories).toHaveCount(13);
    await stories.last().focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#scenario=key-lifecycle&/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      width,
    );
  });
}

/**
 * The machine's fonts the page draws its text with, each with the computed font that asked for
 * it (`family | style weight size families`), for the page and for its type specimen. A glyph
 * its family lacks is drawn by a fallback font: a font of its own for the browser to fetch.
 * Chromium tells the fonts of an element's text with those of its inline descendants; an
 * element's own share is what is left once its children's are taken away (glyph counts).
 * Called again on the same page (another story), it marks the elements afresh.
 */
async function fontsDrawn(page: Page): Promise<Record<'page' | 'specimen', Set<string>>> {
  for (let attempt = 1; ; attempt++) {
    // Every element with text of its own, and its children, in document order (CDP's order too).
    const marked = await page.evaluate(() => {
      for (const el of document.querySelectorAll<HTMLElement | SVGElement>('[data-font-id]'))
        delete el.dataset.fontId;
      const box = document.querySelector('.type-specimen');
      // Text the browser does not lay out: a closed disclosure's content, script and the like.
      const drawn = (el: Element) =>
        !el.closest('details:not([open]) > :not(summary), noscript, script, style') &&
        (el instanceof SVGElement || el.getClientRects().length > 0);
      const ownText = (el: Element) =>
        [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim()) ||
        ['::before', '::after'].some(
          (at) => !/^(none|normal)$/.test(getComputedStyle(el, at).content),
        );
      let id = 0;
      const idOf = (el: HTMLElement | SVGElement) => (el.dataset.fontId ??= String(id++));
      const fonts = new Map<string, { font: string; specimen: boolean; children: string[] }>();
      for (const el of document.body.querySelectorAll<HTMLElement | SVGElement>('*')) {
        if (!ownText(el) || !drawn(el)) continue;
        const cs = getComputedStyle(el);
        fonts.set(idOf(el), {
          font: `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`,
          specimen: box?.contains(el) ?? false,
          children: [...el.children].map((c) => idOf(c as HTMLElement | SVGElement)),
        });
      }
      return [...document.querySelectorAll<HTMLElement | SVGElement>('[data-font-id]')].map(
        (el) => ({
          id: el.dataset.fontId ?? '',
          ...fonts.get(el.dataset.fontId ?? ''),
        }),
      );
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', {
      nodeId: root.nodeId,
      selector: '[data-font-id]',
    });
    // All asked at once: one question after another cost seconds a story. A node gone meanwhile
    // (the page still draws) is null, or missing: then all is marked and asked again.
    const answers = await Promise.all(
      nodeIds.map((nodeId) =>
        cdp.send('CSS.getPlatformFontsForNode', { nodeId }).catch(() => null),
      ),
    );
    await cdp.detach();
    if (nodeIds.length !== marked.length || answers.some((a) => a === null)) {
      expect(attempt, 'the page stops changing under the question').toBeLessThan(5);
      continue;
    }
    const glyphs = new Map(
      marked.map(({ id }, at) => [
        id,
        new Map((answers[at]?.fonts ?? []).map((f) => [f.familyName, f.glyphCount])),
      ]),
    );
    const out = { page: new Set<string>(), specimen: new Set<string>() };
    for (const { id, font, specimen, children } of marked) {
      if (font === undefined) continue;
      for (const [family, count] of glyphs.get(id) ?? []) {
        const theirs = (children ?? []).reduce(
          (sum, c) => sum + (glyphs.get(c)?.get(family) ?? 0),
          0,
        );
        if (count > theirs) out[specimen ? 'specimen' : 'page'].add(`${family} | ${font}`);
      }
    }
    return out;
  }
}

for (const [width, height] of [
  [1280, 800],
  [390, 844],
] as const) {
  test(`at ${width} × ${height} the type specimen holds every font each story's first screen draws, laid out before the first paint`, async ({
    page,
  }) => {
    // Thirteen stories on one page: each is a run and a drawing on a busy 2-core machine.
    test.setTimeout(120_000);
    await page.setViewportSize({ width, height });
    await open(page);
    // The specimen is in the page's first layout (static HTML, laid out, hidden).
    expect(await page.locator('.type-specimen').evaluate((el) => el.getClientRects().length)).toBe(
      1,
    );
    const ids = await page
      .getByRole('navigation', { name: 'Stories' })
      .getByRole('link')
      .evaluateAll((links) =>
        links.map((a) => /scenario=([\w-]+)/.exec((a as HTMLAnchorElement).hash)?.[1] ?? ''),
      );
    expect(ids).toHaveLength(13);
    expect(ids[0]).toBe(SCENARIO);
    // Which fonts a story draws does not hang on how it was opened: after the first, each story
    // (and a link that needed fixing, with its notice) opens by its link on the same page.
    const missing: Record<string, string[]> = {};
    let shown: string | null = null;
    for (const id of [...ids, 'no-such-story']) {
      if (id !== SCENARIO) await page.evaluate((id) => (location.hash = `#scenario=${id}`), id);
      // The invariants are a column's last part: then every part of the first screen is drawn.
      const first = await page.waitForFunction((before) => {
        const column = document.querySelector('.columns > :first-child');
        const hash = column?.getAttribute('data-trace-hash');
        return hash && hash !== before && column?.querySelector('[data-invariant]') ? hash : null;
      }, shown);
      shown = (await first.jsonValue()) as string;
      if (id === 'no-such-story')
        await expect(page.getByText('This link needed fixing.')).toBeVisible();
      const fonts = await fontsDrawn(page);
      expect(fonts.specimen.size).toBeGreaterThan(20);
      expect(fonts.page.size, id).toBeGreaterThan(20);
      const lacks = [...fonts.page].filter((f) => !fonts.specimen.has(f));
      if (lacks.length > 0) missing[id] = lacks;
    }
    expect(missing).toEqual({});
  });
}

test('the entry script, and only it, asks V8 to compile it whole as it streams in', async ({
  page,
}) => {
  await open(page);
  const entry = await page.locator('script[type="module"][src]').getAttribute('src');
  expect(entry).toMatch(/assets\/index-[\w-]+\.js$/);
  const firstLine = async (url: string) =>
    (await (await page.request.get(url)).text()).split('\n', 1)[0];
  // The first line: V8 applies the hint to the code after it.
  expect(await firstLine(entry!)).toBe('//# allFunctionsCalledOnLoad');
  // The chunks fetched later (panels below the first screen, the workers) compile as they run.
  const later = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((name) => /\/assets\/.+\.js$/.test(name) && !/\/assets\/index-/.test(name)),
  );
  expect(later.length).toBeGreaterThan(2);
  for (const url of later)
    expect(await firstLine(url), url).not.toContain('allFunctionsCalledOnLoad');
});

test('Embed this shows both snippets for the current state, with a live preview', async ({
  page,
  baseURL,
}) => {
  await open(page, `#scenario=${SCENARIO}&seed=7`);
  await page.getByRole('button', { name: 'Embed this' }).click();
  const dialog = page.getByRole('dialog', { name: 'Embed this experiment' });
  await expect(dialog).toBeVisible();
  const hash = `#scenario=${SCENARIO}&seed=7&strategies=naive,idempotency-key&faults=1`;
  await expect(dialog.locator('[data-snippet="iframe"]')).toHaveValue(
    `<iframe src="${baseURL}?embed=1${hash.replace(/&/g, '&amp;')}" title="Twice: The lost response" width="700" height="500" loading="lazy" style="width: 100%; max-width: 700px; border: 0"></iframe>`,
  );
  await expect(dialog.locator('[data-snippet="element"]')).toHaveValue(
    `<script src="${baseURL}embed.js" async></script>\n<twice-demo scenario="${SCENARIO}" seed="7" strategies="naive,idempotency-key" faults="1"></twice-demo>`,
  );
  await dialog.getByRole('radio', { name: 'Dark' }).check();
  await expect(dialog.locator('[data-snippet="element"]')).toHaveValue(/ theme="dark"/);
  const preview = page.frameLocator('[data-embed-preview]');
  await expect(preview.locator('body')).toHaveAttribute('data-ready', 'true');
  const seven = (await engineInNode()).run({ scenario: SCENARIO, seed: 7 });
  await expect(preview.locator('[data-strategy="naive"]')).toHaveAttribute(
    'data-trace-hash',
    seven.runs[0]?.traceHash ?? '',
  );
  await expect(preview.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('7');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await dialog.getByRole('button', { name: 'Copy' }).first().click();
  await expect(dialog.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('<twice-demo ');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

// Layout shifts while the page loads, from the browser's own 'layout-shift' entries (each with the
// nodes that moved), summed over the whole load: an upper bound of the page's CLS.
declare global {
  interface Window {
    shifts: { value: number; nodes: string[] }[];
  }
}

for (const [width, height] of [
  [1280, 800],
  [390, 844],
] as const) {
  test(`at ${width} × ${height} nothing jumps while the first run loads (CLS ≤ 0.05)`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height });
    await page.addInitScript(() => {
      window.shifts = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as (PerformanceEntry & {
          value: number;
          hadRecentInput: boolean;
          sources?: { node?: Node }[];
        })[]) {
          if (entry.hadRecentInput) continue;
          const nodes = (entry.sources ?? []).map((s) => {
            const el = s.node instanceof Element ? s.node : s.node?.parentElement;
            return el ? `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}` : '?';
          });
          window.shifts.push({ value: entry.value, nodes });
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await open(page);
    // The inspector and the offline worker start after the first run: let them settle too.
    await expect(page.locator('[data-run-status]')).toContainText('Ran ');
    await page.evaluate(
      () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
    );
    const shifts = await page.evaluate(() => window.shifts);
    const total = shifts.reduce((sum, s) => sum + s.value, 0);
    expect(total, JSON.stringify(shifts)).toBeLessThanOrEqual(0.05);
  });
}

test('the page, its script, stylesheet and the sql.js wasm arrive compressed', async ({ page }) => {
  const encodings = new Map<string, string>();
  page.context().on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (/\/twice\/(|assets\/.*\.(js|css|wasm))$/.test(path))
      encodings.set(path.replace(/-[\w-]{8}\./, '.'), response.headers()['content-encoding'] ?? '');
  });
  await open(page);
  for (const path of [
    '/twice/',
    '/twice/assets/index.js',
    '/twice/assets/style.css',
    '/twice/assets/sql-wasm-browser.wasm',
  ])
    expect(encodings.get(path), path).toBe('br');
});

// Issue 13, part 5: what is below the first screen or behind a disclosure is not drawn with it.
test('panels below the first screen mount when the reader nears them, presses a key, or a link asks', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const often = page.locator('[data-panel="often"]');
  const explore = page.locator('[data-panel="explore"]');
  const inspector = page.locator('#inspector-panel-title');
  const knobs = page.getByRole('spinbutton', { name: 'Payments', exact: true });
  await open(page);
  await expect(page.locator('[data-run-status]')).toContainText('Ran ');
  for (const panel of [often, explore, inspector, knobs]) await expect(panel).toHaveCount(0);
  // Scrolling towards them (no key, no pointer) draws them before they come into view.
  await page.locator('.colophon').evaluate((el) => el.scrollIntoView());
  for (const panel of [often, explore, inspector]) await expect(panel).toBeVisible();
  // The knobs still wait for their disclosure.
  await expect(knobs).toHaveCount(0);
  await page.getByText('Knobs', { exact: true }).click();
  await expect(knobs).toBeVisible();

  // The first key mounts every panel before focus moves, so Tab reaches into them. (A new load
  // each time: going to another hash of the same page only changes its state.)
  await page.goto('about:blank');
  await open(page, '#scenario=payment-lost-response&seed=3');
  await expect(often).toHaveCount(0);
  await page.keyboard.press('Tab');
  for (const panel of [often, explore, inspector]) await expect(panel).toHaveCount(1);

  // A link that sets How often? (seeds=) opens that panel straight away, far below the view.
  await page.goto('about:blank');
  await open(page, '#scenario=payment-lost-response&seeds=10000');
  await expect(often).toHaveCount(1);
  await expect(often.getByRole('radio', { name: /^10.000$/ })).toBeChecked();
  await expect(explore).toHaveCount(0);
});
