// Embeds in a blog post on another origin: an iframe and <twice-demo> run the story, post their
// height, never scroll sideways at 360 px, keep the host's keys and styles, and open the full page.
import AxeBuilder from '@axe-core/playwright';
import type { Frame, Page } from '@playwright/test';
import {
  BLOG_URL,
  SCENARIO,
  engineInNode,
  expect,
  expectSameAsNode,
  scrubber,
  test,
} from './support.ts';

const HASH = `#scenario=${SCENARIO}&seed=12&strategies=naive,idempotency-key&faults=1`;

declare global {
  interface Window {
    posted: unknown[];
  }
}

async function openPost(page: Page, baseURL: string | undefined, theme = ''): Promise<void> {
  const query = new URLSearchParams({ app: baseURL ?? '' });
  if (theme) query.set('theme', theme);
  await page.goto(`${BLOG_URL}post.html?${query}`);
}

async function frameOf(page: Page, selector: string): Promise<Frame> {
  const element = page.locator(selector);
  await element.scrollIntoViewIfNeeded();
  const frame = await (await element.elementHandle())?.contentFrame();
  if (!frame) throw new Error(`${selector} has no frame`);
  await expect(frame.locator('body')).toHaveAttribute('data-ready', 'true');
  return frame;
}

/** The embed shows the story's verdicts: the naive column breaks, the keyed one holds. */
async function expectVerdicts(frame: Frame): Promise<void> {
  await expect(frame.locator('[data-embed="true"]')).toBeVisible();
  await expect(frame.getByRole('heading', { name: 'The lost response' })).toBeVisible();
  const run = (await engineInNode()).run({ scenario: SCENARIO, seed: 12 });
  for (const r of run.runs) {
    const col = frame.locator(`[data-strategy="${r.strategy}"]`);
    await expect(col).toHaveAttribute('data-trace-hash', r.traceHash);
  }
  await expect(frame.locator('[data-strategy="naive"]')).toHaveAttribute(
    'data-verdict',
    'violated',
  );
  await expect(frame.locator('[data-strategy="idempotency-key"]')).toHaveAttribute(
    'data-verdict',
    'ok',
  );
}

const sideways = (frame: Frame | Page) =>
  frame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('iframe and <twice-demo> on another origin run the story, post heights, fit 360 px', async ({
  page,
  baseURL,
}) => {
  await page.setViewportSize({ width: 360, height: 800 });
  await openPost(page, baseURL);
  const iframe = await frameOf(page, '#frame');
  await expectVerdicts(iframe);
  // Both conventions, each with a whole, positive height; the last one is the loaded figure's,
  // and the post sized its frame by it.
  const last = () =>
    page.evaluate(() => {
      const strings = window.posted.filter((m) => typeof m === 'string');
      const objects = window.posted.filter((m) => typeof m === 'object');
      return { embedly: strings.at(-1) as string, object: objects.at(-1) };
    });
  await expect
    .poll(async () => (await last()).object as { height?: number } | undefined)
    .toMatchObject({ height: expect.any(Number) });
  await expect
    .poll(async () => ((await last()).object as { height: number }).height)
    .toBeGreaterThan(300);
  const { embedly, object } = await last();
  const height = (object as { height: number }).height;
  expect(Number.isInteger(height)).toBe(true);
  expect(object).toEqual({ type: 'twice:resize', height });
  expect(JSON.parse(embedly)).toEqual({ context: 'iframe.resize', height });
  await expect(page.locator('#frame')).toHaveAttribute('height', String(height));

  const demo = await frameOf(page, '#demo iframe');
  await expectVerdicts(demo);
  // The element sized its frame from the frame's own messages: the content fits exactly.
  await expect
    .poll(async () => {
      const inner = await demo.evaluate(() =>
        Math.ceil(document.querySelector('[data-embed]')!.getBoundingClientRect().height),
      );
      const outer = await page.locator('#demo iframe').evaluate((el) => el.clientHeight);
      return outer - inner;
    })
    .toBe(0);
  await expect(page.locator('#demo iframe')).toHaveAttribute('loading', 'lazy');
  await expect(page.locator('#demo iframe')).toHaveAttribute('title', /Twice/);

  for (const [name, where] of [
    ['post', page],
    ['iframe', iframe],
    ['element', demo],
  ] as const)
    expect(await sideways(where), name).toBeLessThanOrEqual(0);
});

test('the host keeps its keys and styles; the element reflects attribute changes', async ({
  page,
  baseURL,
}) => {
  await openPost(page, baseURL);
  const iframe = await frameOf(page, '#frame');
  const scrubber = iframe.getByRole('slider', { name: 'Cursor' });
  const end = await scrubber.getAttribute('max');
  // Nothing plays until the reader asks: the run is shown whole, the button offers Play.
  await expect(scrubber).toHaveValue(end ?? '');
  await expect(iframe.getByRole('button', { name: 'Play' })).toBeVisible();

  // Keys pressed in the post are the post's: not taken, and the embed does not move.
  await page.locator('h1').click();
  await page.keyboard.press('r');
  await page.keyboard.press('Space');
  await expect(page.locator('#keys')).toHaveText('2');
  await expect(scrubber).toHaveValue(end ?? '');
  // With focus inside the embed, its keys work.
  await iframe.getByRole('heading', { name: 'The lost response' }).click();
  await page.keyboard.press('r');
  await expect(scrubber).toHaveValue('0');
  await page.keyboard.press('ArrowRight');
  await expect(scrubber).toHaveValue('1');
  await expect(page.locator('#keys')).toHaveText('2');
  // Reset goes back to the state the embed opened with.
  await iframe.getByRole('button', { name: 'Reset' }).click();
  await expect(scrubber).toHaveValue(end ?? '');

  // Styles stay apart: the host's iframe outline and button colour do not cross the shadow root,
  // and the script added no style to the host page.
  const demoFrame = page.locator('#demo iframe');
  await demoFrame.scrollIntoViewIfNeeded();
  expect(await demoFrame.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('none');
  expect(await page.evaluate(() => document.querySelectorAll('style').length)).toBe(1);
  const demo = await frameOf(page, '#demo iframe');
  expect(
    await demo
      .getByRole('button', { name: 'Reset' })
      .evaluate((el) => getComputedStyle(el).backgroundColor),
  ).not.toBe('rgb(255, 105, 180)');

  // A changed attribute re-opens the embed on the new state.
  await page.locator('#demo').evaluate((el) => el.setAttribute('seed', '7'));
  await expect(demoFrame).toHaveAttribute('src', /seed=7/);
  const seven = (await engineInNode()).run({ scenario: SCENARIO, seed: 7 });
  const again = await frameOf(page, '#demo iframe');
  await expect(again.locator('[data-strategy="naive"]')).toHaveAttribute(
    'data-trace-hash',
    seven.runs[0]?.traceHash ?? '',
  );
});

test('Open in Twice opens the full page in a new tab with the same state', async ({
  page,
  baseURL,
  context,
}) => {
  await openPost(page, baseURL);
  const iframe = await frameOf(page, '#frame');
  await iframe.getByRole('spinbutton', { name: 'Seed' }).fill('7');
  await expect(iframe.locator('[data-run-status]')).toContainText('on seed 7');
  const link = iframe.locator('a[data-open-full]');
  await expect(link).toHaveAttribute('target', '_blank');
  const [full] = await Promise.all([context.waitForEvent('page'), link.click()]);
  // A full page's first run in a new tab: support's open() room on a machine shared with other builds.
  await expect(full.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  expect(full.url()).toBe(`${baseURL}${HASH.replace('seed=12', 'seed=7')}`);
  await expect(full.locator('[data-embed]')).toHaveCount(0);
  await expect(full.getByRole('heading', { level: 1 })).toBeVisible();
  const seven = (await engineInNode()).run({ scenario: SCENARIO, seed: 7 });
  for (const r of seven.runs)
    await expect(full.locator(`[data-strategy="${r.strategy}"]`)).toHaveAttribute(
      'data-trace-hash',
      r.traceHash,
    );
});

test('a replayed schedule travels into both snippets and the element, and replays there', async ({
  page,
  baseURL,
}) => {
  // naive's fewest-fault counterexample, as Node finds it, and the run that replays it.
  const engine = await engineInNode();
  const explored = await engine.explore({
    scenario: SCENARIO,
    seed: 12,
    strategies: ['naive', 'idempotency-key'],
    maxFaults: 1,
  });
  const schedule = explored.strategies[0]?.counterexamples[0]?.schedule;
  if (!schedule) throw new Error('naive should break with one fault');
  const replay = engine.run({ scenario: SCENARIO, seed: 12, schedule });
  const seeded = engine.run({ scenario: SCENARIO, seed: 12 });
  // The schedule is not the seed's own faults: a column that ignored it would differ.
  expect(replay.runs[0]?.traceHash).not.toBe(seeded.runs[0]?.traceHash);
  const expectReplay = async (frame: Frame | Page) => {
    // A run on a machine shared with other builds may take a while: room, not a time asserted.
    const room = { timeout: 20_000 };
    await expect(frame.locator('[data-replaying]')).toHaveAttribute(
      'data-replaying',
      schedule,
      room,
    );
    for (const r of replay.runs)
      await expect(frame.locator(`[data-strategy="${r.strategy}"]`)).toHaveAttribute(
        'data-trace-hash',
        r.traceHash,
        room,
      );
  };

  // The full page replaying it: Embed this offers it in both snippets, and the preview replays it.
  await page.goto(`./${HASH}&schedule=${schedule}`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await expectReplay(page);
  await page.getByRole('button', { name: 'Embed this' }).click();
  const element = page.locator('[data-snippet="element"]');
  await expect(element).toHaveValue(
    new RegExp(` faults="1" schedule="${schedule.replace(/\./g, '\\.')}"`),
  );
  await expect(page.locator('[data-snippet="iframe"]')).toHaveValue(
    new RegExp(`&amp;schedule=${schedule.replace(/\./g, '\\.')}`),
  );
  const preview = await (
    await page.locator('[data-embed-preview]').elementHandle()
  )?.contentFrame();
  if (!preview) throw new Error('the dialog has no preview');
  await expect(preview.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await expectReplay(preview);

  // <twice-demo schedule=…> in a post on another origin replays it too.
  await openPost(page, baseURL);
  await page.locator('#demo').evaluate((el, text) => el.setAttribute('schedule', text), schedule);
  await expect(page.locator('#demo iframe')).toHaveAttribute(
    'src',
    new RegExp(`&schedule=${schedule.replace(/\./g, '\\.')}$`),
  );
  await expectReplay(await frameOf(page, '#demo iframe'));
});

test('a hash changed while the engine loads opens the newest state; Reset goes back to it', async ({
  page,
}) => {
  const newest = '#scenario=put-vs-post&seed=9&strategies=naive,upsert&faults=1';
  const newestRun = { scenario: 'put-vs-post', seed: 9, strategies: ['naive', 'upsert'] };
  // The engine's wasm waits until the host has changed the frame's hash (a new attribute).
  let release = () => undefined as void;
  const changed = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\.wasm$/, async (route) => {
    await changed;
    await route.continue();
  });
  await page.goto(`./?embed=1${HASH}`, { waitUntil: 'commit' });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Loading the story…');
  await page.evaluate((h) => (location.hash = h), newest);
  release();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/PUT/);
  await expect(page.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('9');
  await expectSameAsNode(page, newestRun);
  // The embed was opened with the newest link: Reset puts the cursor back at its end.
  const end = await scrubber(page).getAttribute('max');
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('r');
  await expect(scrubber(page)).toHaveValue('0');
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(scrubber(page)).toHaveValue(end ?? '');
  await expectSameAsNode(page, newestRun);
});

test('the embed view fits a 700 × 500 frame and passes axe, light and dark', async ({ page }) => {
  await page.setViewportSize({ width: 700, height: 500 });
  for (const theme of ['light', 'dark'] as const) {
    await page.goto(`./?embed=1&theme=${theme}${HASH}`);
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    // The app root itself says it is the embed, and only it (strict selectors find one element).
    await expect(page.locator('[data-embed="true"]')).toHaveAttribute('id', 'app');
    await expect(page.locator('.masthead, nav.gallery')).toHaveCount(0);
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe(theme === 'dark' ? 'rgb(19, 19, 21)' : 'rgb(250, 249, 246)');
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(
      violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`),
    ).toEqual([]);
  }
});

for (const [name, width, theme] of [
  ['light', 1000, 'light'],
  ['dark', 1000, 'dark'],
  ['360px', 360, 'light'],
] as const) {
  test(`screenshot: the embed in a mock blog post (${name})`, async ({ page, baseURL }) => {
    await page.setViewportSize({ width, height: 900 });
    await openPost(page, baseURL, theme);
    // Viewport shots at each embed: Chromium leaves cross-origin frames outside the viewport
    // unpainted in a full-page shot.
    await frameOf(page, '#frame');
    await page.locator('h1').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `test-results/embed-blog-${name}-iframe.png` });
    await frameOf(page, '#demo iframe');
    await page.locator('#demo').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `test-results/embed-blog-${name}-element.png` });
    expect(await sideways(page)).toBeLessThanOrEqual(0);
  });
}
