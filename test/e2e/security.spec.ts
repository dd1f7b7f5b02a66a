// The production build's Content-Security-Policy is the strict one, first in the page, and the benchmark page is not in the build.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, open, test } from './support.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The build the e2e serves (playwright.config.ts). */
const DIST = join(ROOT, 'dist');

/** Every file under `dir`, as paths relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

test('the page’s first element is the strict policy: scripts and workers from the site, wasm but no eval, no inline script', async ({
  page,
}) => {
  await open(page);
  const { first, policy, inline } = await page.evaluate(() => {
    const head = document.head.firstElementChild;
    return {
      first: head ? `${head.tagName} ${head.getAttribute('http-equiv')}` : '',
      policy: head?.getAttribute('content') ?? '',
      // Scripts in the document with no src: a strict policy allows none.
      inline: [...document.querySelectorAll('script:not([src])')].length,
    };
  });
  // First in <head>: a policy in a <meta> governs only what comes after it.
  expect(first).toBe('META Content-Security-Policy');
  const directives = new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources.join(' ')] as const;
    }),
  );
  expect(directives.get('default-src')).toBe("'self'");
  expect(directives.get('script-src')).toBe("'self' 'wasm-unsafe-eval'");
  expect(directives.get('worker-src')).toBe("'self'");
  expect(directives.get('style-src')).toBe("'self'");
  expect(directives.get('object-src')).toBe("'none'");
  // Nothing widens scripts again, and nothing anywhere allows eval, wildcards, data: or blob:.
  expect([...directives.keys()].filter((name) => /^script-src-/.test(name))).toEqual([]);
  expect(policy).not.toMatch(/'unsafe-eval'|\*|data:|blob:/);
  expect(inline).toBe(0);
  // The page ran under it: the engine worker loaded its wasm and answered (no violation is
  // allowed by the fixture in support.ts).
  await expect(page.locator('[data-run-status]')).toContainText('Ran ');
});

test('the benchmark page and its code are not in the production build', async ({ page }) => {
  const built = files(DIST);
  expect(built).toContain('index.html');
  expect(built.filter((f) => f.endsWith('.html'))).toEqual(['index.html']);
  expect(built.filter((f) => /bench/i.test(f))).toEqual([]);
  // Words only the benchmark page and its script say, checked to be theirs first.
  const marks = [
    ['src/bench/index.html', 'Twice benchmark'],
    ['src/bench/page.ts', 'Batch throughput over workers'],
  ] as const;
  const text = built
    .filter((f) => /\.(html|js|css|webmanifest)$/.test(f))
    .map((f) => [f, readFileSync(join(DIST, f), 'utf8')] as const);
  for (const [source, mark] of marks) {
    expect(readFileSync(join(ROOT, source), 'utf8')).toContain(mark);
    expect(
      text.filter(([, body]) => body.includes(mark)).map(([f]) => f),
      mark,
    ).toEqual([]);
  }
  // Nor does the server have it to give.
  for (const path of ['./src/bench/index.html', './bench/index.html', './bench.html']) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(404);
  }
});
