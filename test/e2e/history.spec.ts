// Back and Forward: each link the reader navigated to reopens its run, canonically, with its note only when it needs one.
import { expect, expectSameAsNode, open, scrubber, test, SCENARIO } from './support';
import type { Page } from '@playwright/test';

const FIRST = `#scenario=${SCENARIO}&seed=42&strategies=naive,idempotency-key&faults=1&k.retries=2`;
const SECOND = '#scenario=put-vs-post&seed=9&strategies=naive,upsert&faults=1';
/** The address bar ends with exactly this hash. */
const at = (hash: string) => new RegExp(`${hash.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** A link typed into the address bar: a new history entry, the page stays loaded. */
async function navigate(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
}

test('Back and Forward reopen each link’s story, seed, knobs and cursor, canonically', async ({
  page,
}) => {
  const notice = page.getByRole('alert').filter({ hasText: 'This link needed fixing.' });
  const seed = page.getByRole('spinbutton', { name: 'Seed' });
  await open(page, FIRST);
  await expectSameAsNode(page, { scenario: SCENARIO, seed: 42, knobs: { retries: 2 } });
  // The cursor moved by keys lives in the link, in this entry.
  await page.keyboard.press('r');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const cursor = await scrubber(page).inputValue();
  expect(Number(cursor)).toBeGreaterThan(0);
  await expect(page).toHaveURL(at(`${FIRST}&t=${cursor}`));

  await navigate(page, SECOND);
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(/PUT/);
  await expectSameAsNode(page, {
    scenario: 'put-vs-post',
    seed: 9,
    strategies: ['naive', 'upsert'],
  });
  await expect(page).toHaveURL(at(SECOND));

  await page.goBack();
  await expect(page).toHaveURL(at(`${FIRST}&t=${cursor}`));
  await expectSameAsNode(page, { scenario: SCENARIO, seed: 42, knobs: { retries: 2 } });
  await expect(seed).toHaveValue('42');
  await expect(scrubber(page)).toHaveValue(cursor);
  await expect(page.getByRole('link', { name: /The lost response/ })).toHaveAttribute(
    'aria-current',
    'true',
  );

  await page.goForward();
  await expect(page).toHaveURL(at(SECOND));
  await expectSameAsNode(page, {
    scenario: 'put-vs-post',
    seed: 9,
    strategies: ['naive', 'upsert'],
  });
  await expect(seed).toHaveValue('9');
  await expect(notice).toHaveCount(0);
});

test('a fixed link in the history: its note goes with it on Back, and Forward reopens its canonical form', async ({
  page,
}) => {
  const notice = page.getByRole('alert').filter({ hasText: 'This link needed fixing.' });
  const seed = page.getByRole('spinbutton', { name: 'Seed' });
  const fixed = `#scenario=${SCENARIO}&seed=7&strategies=naive,idempotency-key&faults=1`;
  await open(page, FIRST);

  await navigate(page, `#scenario=${SCENARIO}&seed=7&seed=8&k.retries=0x5`);
  await expect(notice).toContainText('“seed” appears 2 times; the first, “7”, was used.');
  await expect(notice).toContainText('“Retries” must be a whole number, not “0x5”.');
  await expect(page).toHaveURL(at(fixed));
  await expectSameAsNode(page, { scenario: SCENARIO, seed: 7 });

  // Back: the first link, which needed nothing, and no note about another link.
  await page.goBack();
  await expect(page).toHaveURL(at(FIRST));
  await expect(notice).toHaveCount(0);
  await expect(seed).toHaveValue('42');
  await expectSameAsNode(page, { scenario: SCENARIO, seed: 42, knobs: { retries: 2 } });

  // Forward: the page wrote the fixed link's entry canonically, so it reopens as a good link.
  await page.goForward();
  await expect(page).toHaveURL(at(fixed));
  await expect(seed).toHaveValue('7');
  await expectSameAsNode(page, { scenario: SCENARIO, seed: 7 });
  await expect(notice).toHaveCount(0);
});

test('a link typed while the stories load is the one that opens, with its note', async ({
  page,
}) => {
  const notice = page.getByRole('alert').filter({ hasText: 'This link needed fixing.' });
  // The engine's wasm waits until the reader has typed a second link.
  let release = () => undefined as void;
  const typed = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\.wasm$/, async (route) => {
    await typed;
    await route.continue();
  });
  await page.goto(`./${FIRST}`, { waitUntil: 'commit' });
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Loading the story…');
  await navigate(page, '#scenario=put-vs-post&seed=9&seed=10&strategies=naive,upsert');
  release();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await expect(notice).toContainText('“seed” appears 2 times; the first, “9”, was used.');
  await expect(page).toHaveURL(at(SECOND));
  await expectSameAsNode(page, {
    scenario: 'put-vs-post',
    seed: 9,
    strategies: ['naive', 'upsert'],
  });
});

test('a link opened just after a step, before the page writes the step’s address, is the one that opens', async ({
  page,
}) => {
  await open(page, FIRST);
  // The run opens whole (the cursor at its end): a step back is the state change.
  const back = page.getByRole('button', { name: 'Step back' });
  await expect(back).toBeEnabled();
  // The step's effects run (in microtasks) and schedule its address write; the reader's link
  // lands before that write's task, so its hashchange comes after it.
  await back.evaluate(async (button: HTMLButtonElement, h) => {
    button.click();
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
    location.hash = h;
  }, SECOND);
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(/PUT/);
  await expect(page.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('9');
  await expectSameAsNode(page, {
    scenario: 'put-vs-post',
    seed: 9,
    strategies: ['naive', 'upsert'],
  });
  await expect(page).toHaveURL(at(SECOND));
});
