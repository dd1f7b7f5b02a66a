// Offline: after one visit the service worker has everything; with no network the page, the
// embed view and every story still run. The manifest makes it installable from the sub-path.
import { SCENARIO, engineInNode, expect, open, test } from './support.ts';

test('after one visit, the app and the embed view run offline', async ({ page, context }) => {
  await open(page);
  // The worker installed and took over: every precached file is in the cache.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const urls = (
      await Promise.all(
        names.map(async (n) => (await (await caches.open(n)).keys()).map((r) => r.url)),
      )
    ).flat();
    return urls.map((u) => u.replace(/\?.*$/, '').replace(/^.*\/twice\//, ''));
  });
  for (const file of ['index.html', 'manifest.webmanifest', 'icon-192.png'])
    expect(cached).toContain(file);
  expect(cached.some((f) => /\.wasm$/.test(f))).toBe(true);
  expect(cached.some((f) => /engine\.worker-.*\.js$/.test(f))).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const engine = await engineInNode();
  for (const story of ['put-vs-post', 'queue-redelivery']) {
    await page.locator(`a[data-story="${story}"]`).first().click();
    const run = engine.run({ scenario: story });
    for (const r of run.runs)
      await expect(page.locator(`[data-strategy="${r.strategy}"]`)).toHaveAttribute(
        'data-trace-hash',
        r.traceHash,
      );
  }
  await page.goto(`./?embed=1&theme=dark#scenario=${SCENARIO}`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('[data-embed="true"] [data-strategy="naive"]')).toHaveAttribute(
    'data-verdict',
    'violated',
  );
  await context.setOffline(false);
});

test('the manifest is relative, named, themed and has SVG and PNG icons', async ({ page }) => {
  await open(page);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBe('./manifest.webmanifest');
  const response = await page.request.get(new URL(href ?? '', page.url()).href);
  const manifest = (await response.json()) as Record<string, unknown>;
  expect(manifest).toMatchObject({
    name: expect.stringContaining('Twice'),
    short_name: 'Twice',
    start_url: './',
    scope: './',
    theme_color: expect.stringMatching(/^#/),
    background_color: expect.stringMatching(/^#/),
  });
  const icons = manifest.icons as { src: string; sizes: string; type: string }[];
  expect(icons.map((i) => i.sizes).sort()).toEqual(['192x192', '512x512', 'any']);
  for (const icon of icons) {
    expect(icon.src).not.toMatch(/^\//);
    const file = await page.request.get(new URL(icon.src, response.url()).href);
    expect(file.status(), icon.src).toBe(200);
    expect(file.headers()['content-type']).toBe(icon.type);
  }
});
