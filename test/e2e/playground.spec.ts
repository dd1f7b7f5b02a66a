// End-to-end: the playground as a person uses it — runs, controls, knobs, suggestions, links,
// playback — in the built site under /twice/, offline, checked against Node's engine.
import {
  SCENARIO,
  column,
  effect,
  engineInNode,
  expect,
  expectSameAsNode,
  open,
  scrubber,
  test,
} from './support.ts';

test('the lost response: naive charges twice, the key store once, and the page says why', async ({
  page,
}) => {
  await open(page);
  // The empty link becomes the canonical one.
  await expect(page).toHaveURL(
    /#scenario=payment-lost-response&seed=12&strategies=naive,idempotency-key&faults=1$/,
  );
  await expect(page.getByRole('heading', { level: 2, name: 'The lost response' })).toBeVisible();
  const naive = column(page, 'naive');
  const keyed = column(page, 'idempotency-key');
  await expect(effect(naive, 'card-charged')).toHaveText('2');
  await expect(effect(keyed, 'card-charged')).toHaveText('1');
  await expect(naive.getByText('2 of 11 invariants broken')).toBeVisible();
  await expect(keyed.getByText('All 11 invariants hold')).toBeVisible();
  await expect(page.getByText('What diverged.')).toBeVisible();
  await expect(page.locator('[data-diverged]')).toContainText('charged twice');
  await expect(page.locator('[data-diverged]')).toContainText('lost');
  // Each column draws its run; the divergence is marked in both.
  await expect(naive.getByRole('listbox')).toBeVisible();
  await expect(keyed.getByRole('listbox')).toBeVisible();
  await naive.getByText('SQL', { exact: true }).first().click();
  await expect(naive.locator('pre').first()).toContainText('SELECT');
  await expectSameAsNode(page, { scenario: SCENARIO, seed: 12 });
});

test('with faults off, every handler is correct and they agree', async ({ page }) => {
  await open(page);
  await page.getByRole('switch', { name: /Faults/ }).uncheck();
  await expect(page).toHaveURL(/faults=0/);
  await expectSameAsNode(page, { scenario: SCENARIO, seed: 12, faults: false });
  for (const id of ['naive', 'idempotency-key'])
    await expect(column(page, id)).toHaveAttribute('data-verdict', 'ok');
  await expect(page.getByText('What diverged.')).toHaveCount(0);
});

test('a new seed re-runs, and the browser still agrees with Node', async ({ page }) => {
  await open(page);
  const seed = page.getByRole('spinbutton', { name: 'Seed' });
  await seed.fill('7');
  await expect(page.locator('[data-run-status]')).toContainText('on seed 7');
  await expectSameAsNode(page, { scenario: SCENARIO, seed: 7 });
  await page.getByRole('button', { name: 'Random seed' }).click();
  await expect(seed).not.toHaveValue('7');
  const rolled = Number(await seed.inputValue());
  await expect(page).toHaveURL(new RegExp(`seed=${rolled}&`));
  await expectSameAsNode(page, { scenario: SCENARIO, seed: rolled });
});

test('an out-of-range seed is kept and explained, not run', async ({ page }) => {
  await open(page);
  const seed = page.getByRole('spinbutton', { name: 'Seed' });
  await seed.fill('4294967296');
  await expect(seed).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('A seed is a whole number from 0 to 4294967295.')).toBeVisible();
  await expect(seed).toHaveValue('4294967296');
  await expect(page).toHaveURL(/seed=12&/);
  await seed.fill('4294967295');
  await expect(seed).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('[data-run-status]')).toContainText('on seed 4294967295');
});

test('strategies can be added and removed; every column runs on the same faults', async ({
  page,
}) => {
  await open(page);
  await page.getByRole('combobox', { name: 'Add a strategy' }).selectOption('check-then-insert');
  await expect(page).toHaveURL(/strategies=naive,idempotency-key,check-then-insert/);
  await expectSameAsNode(page, {
    scenario: SCENARIO,
    seed: 12,
    strategies: ['naive', 'idempotency-key', 'check-then-insert'],
  });
  await page.getByRole('button', { name: 'Remove Naive handler' }).click();
  await expect(page.locator('[data-strategy]')).toHaveCount(2);
  await expect(column(page, 'naive')).toHaveCount(0);
});

test('knobs by actor: a valid change runs once committed; a bad number is kept and explained', async ({
  page,
}) => {
  await open(page);
  await page.getByText('Knobs', { exact: true }).click();
  for (const group of ['Workload', 'Client', 'Network', 'Server', 'Third parties'])
    await expect(page.getByRole('group', { name: group })).toBeVisible();
  const retries = page.getByRole('spinbutton', { name: 'Retries' });
  await retries.fill('0');
  await expect(page).toHaveURL(/k\.retries=0/);
  await expectSameAsNode(page, { scenario: SCENARIO, seed: 12, knobs: { retries: 0 } });
  await retries.fill('99');
  await expect(retries).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('A whole number from 0 to 10.')).toBeVisible();
  await expect(page).toHaveURL(/k\.retries=0/);
  await page.getByRole('button', { name: 'Reset knobs' }).click();
  await expect(page).not.toHaveURL(/k\.retries/);
});

test('a typed 1000000 runs nothing and never reaches the link; a committed valid value runs once', async ({
  page,
}) => {
  await open(page);
  await page.getByText('Knobs', { exact: true }).click();
  // Every text the run status shows from here on.
  await page.evaluate(() => {
    const status = document.querySelector('[data-run-status]')!;
    const said: string[] = [];
    (window as unknown as { said: string[] }).said = said;
    new MutationObserver(() => said.push(status.textContent ?? '')).observe(status, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
  const said = () => page.evaluate(() => (window as unknown as { said: string[] }).said);
  const retries = page.getByRole('spinbutton', { name: 'Retries' });
  await retries.clear();
  await retries.pressSequentially('1000000', { delay: 40 });
  await retries.press('Tab');
  await expect(retries).toHaveValue('1000000');
  await expect(retries).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('A whole number from 0 to 10. Nothing ran.')).toBeVisible();
  // The valid prefixes 1 and 10 on the way ran nothing either.
  expect(await said()).toEqual([]);
  await expect(page).not.toHaveURL(/k\.retries/);

  await retries.fill('4');
  await retries.press('Enter');
  await expect(page).toHaveURL(/k\.retries=4/);
  await expect(page.locator('[data-run-status]')).toContainText('Ran ');
  expect((await said()).filter((text) => text === 'Running…')).toHaveLength(1);
  await expectSameAsNode(page, { scenario: SCENARIO, seed: 12, knobs: { retries: 4 } });
});

test('a "what to try" suggestion sets its knobs and shows what its words promise', async ({
  page,
}) => {
  const story = (await engineInNode()).scenarios().find((s) => s.id === SCENARIO)!;
  const suggestion = story.prose.tryThis.find((s) => s.knobs?.payments === 20)!;
  await open(page);
  await page.getByRole('button', { name: suggestion.label }).click();
  await expect(page).toHaveURL(/k\.payments=20/);
  const result = await expectSameAsNode(page, {
    scenario: SCENARIO,
    seed: 12,
    knobs: { payments: 20 },
  });
  expect(result.runs.find((r) => r.strategy === 'naive')!.effects['card-charged']).toBeGreaterThan(
    20,
  );
  await expect(column(page, 'naive')).toHaveAttribute('data-verdict', 'violated');
  await expect(column(page, 'idempotency-key')).toHaveAttribute('data-verdict', 'ok');
});

test('a link round-trips: same run, same cursor, and "Copy link" copies it', async ({
  page,
  context,
}) => {
  const link =
    '#scenario=payment-lost-response&seed=42&strategies=naive,idempotency-key&faults=1&k.retries=2&t=5';
  await open(page, link);
  await expect(page).toHaveURL(new RegExp(`${link.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  await expect(scrubber(page)).toHaveValue('5');
  await expectSameAsNode(page, { scenario: SCENARIO, seed: 42, knobs: { retries: 2 } });
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(scrubber(page)).toHaveValue('5');
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByRole('button', { name: 'Link copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(page.url());
});

test('a broken link opens the nearest valid state and says what it changed', async ({ page }) => {
  await open(
    page,
    '#scenario=payment-lost-response&seed=banana&strategies=naive,ghost&k.retries=99',
  );
  const notice = page.getByRole('alert').filter({ hasText: 'This link needed fixing.' });
  await expect(notice).toContainText('The seed “banana” is not a whole number');
  await expect(notice).toContainText('This story has no strategy “ghost”');
  await expect(notice).toContainText('“Retries” is at most 10; 99 was lowered to it.');
  await expect(page).toHaveURL(/seed=12&strategies=naive&faults=1&k\.retries=10$/);
  await expectSameAsNode(page, {
    scenario: SCENARIO,
    seed: 12,
    strategies: ['naive'],
    knobs: { retries: 10 },
  });
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);

  await open(page, '#scenario=no-such-story');
  await expect(page.getByRole('alert')).toContainText(
    'There is no story “no-such-story”; here is “The lost response” instead.',
  );
});

test('links are honest: every change is said in a note in view, and the address is canonical', async ({
  page,
}) => {
  const notice = page.getByRole('alert').filter({ hasText: 'This link needed fixing.' });
  await open(page, '#seed=5&k.retries=2');
  await expect(notice).toContainText('The link names no story; here is “The lost response”.');
  await expect(notice).toContainText('Its other settings were left out: “seed”, “k.retries”.');
  await expect(notice).toBeInViewport();

  await open(
    page,
    `#scenario=payment-lost-response&seed=7&seed=8&k.retries=0x5&t=${'9'.repeat(10_000)}`,
  );
  await expect(notice).toContainText('“seed” appears 2 times; the first, “7”, was used.');
  await expect(notice).toContainText('“Retries” must be a whole number, not “0x5”.');
  await expect(notice).toContainText('(10000 characters)');
  await expect(notice).toBeInViewport();
  await expect(page).toHaveURL(
    /#scenario=payment-lost-response&seed=7&strategies=naive,idempotency-key&faults=1$/,
  );
  // A 10,000-character value does not widen the page.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    page.viewportSize()!.width,
  );

  // A typed link that means the state on screen still shows as the page reads it.
  await page.evaluate(() => (location.hash = '#seed=07&scenario=payment-lost-response'));
  await expect(page).toHaveURL(
    /#scenario=payment-lost-response&seed=7&strategies=naive,idempotency-key&faults=1$/,
  );
});

test('links as issue 13 found them: a 10,000-digit seed, 1e1, 0x5 and 1e9 are reported, not run', async ({
  page,
}) => {
  const notice = page.getByRole('alert').filter({ hasText: 'This link needed fixing.' });
  const digits = '7'.repeat(10_000);
  await open(page, `#scenario=payment-lost-response&seed=${digits}`);
  await expect(notice).toContainText(
    `The seed “${'7'.repeat(39)}… (10000 characters)” is not a whole number from 0 to 4294967295; the story seed 12 is used.`,
  );
  await expect(notice).toBeInViewport();
  await expect(page).toHaveURL(
    /#scenario=payment-lost-response&seed=12&strategies=naive,idempotency-key&faults=1$/,
  );
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    page.viewportSize()!.width,
  );

  for (const [link, said] of [
    ['k.retries=1e1', '“Retries” must be a whole number, not “1e1”.'],
    ['k.retries=0x5', '“Retries” must be a whole number, not “0x5”.'],
    [
      'seed=1e9',
      'The seed “1e9” is not a whole number from 0 to 4294967295; the story seed 12 is used.',
    ],
  ] as const) {
    await open(page, `#scenario=payment-lost-response&${link}`);
    await expect(notice).toContainText(said);
    await expect(notice).toBeInViewport();
    // Not accepted: the knob stays at its default and the story seed runs.
    await expect(page).toHaveURL(
      /#scenario=payment-lost-response&seed=12&strategies=naive,idempotency-key&faults=1$/,
    );
    await expect(page.locator('[data-run-status]')).toContainText('on seed 12');
  }
});

test('playback: keys and buttons move one shared cursor, and step back is exact', async ({
  page,
}) => {
  await open(page);
  const naive = column(page, 'naive');
  const end = await scrubber(page).getAttribute('max');
  await expect(scrubber(page)).toHaveValue(end!);
  await page.keyboard.press('r');
  await expect(scrubber(page)).toHaveValue('0');
  await expect(page).toHaveURL(/&t=0$/);
  await expect(effect(naive, 'card-charged')).toContainText('0 of 2');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(scrubber(page)).toHaveValue('2');
  const narrationAt2 = await page.locator('[data-narration]').textContent();
  expect(narrationAt2).toContain('Naive handler:');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  await expect(scrubber(page)).toHaveValue('2');
  await expect(page.locator('[data-narration]')).toHaveText(narrationAt2!);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(scrubber(page)).toHaveValue('3');
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(scrubber(page)).toHaveValue('2');
  // Space plays at the chosen speed until the end; the counters follow the cursor.
  await page.getByRole('slider', { name: 'Speed' }).fill('4');
  await page.locator('h1').click();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect(scrubber(page)).toHaveValue(end!, { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await expect(effect(naive, 'card-charged')).toHaveText('2');
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Keyboard' })).toHaveCount(0);
});

test('each link of a violation’s causal chain moves the cursor to its event', async ({ page }) => {
  await open(page);
  const naive = column(page, 'naive');
  const links = naive.locator('.chain').first().getByRole('button');
  // The invariants are a column's last part, drawn frames after the page is ready.
  await expect(links.nth(3)).toBeAttached();
  const end = Number(await scrubber(page).getAttribute('max'));
  const cursor = async () => Number(await scrubber(page).inputValue());
  await links.nth(1).click();
  // Polled: the scrubber follows the click on the page's next update, not within it.
  await expect.poll(cursor).toBeLessThan(end);
  const at = await cursor();
  await links.last().click();
  await expect.poll(cursor).toBeGreaterThan(at);
});

test('the gallery opens every story on its story seed', async ({ page }) => {
  await open(page);
  const cards = page.getByRole('navigation', { name: 'Stories' }).getByRole('link');
  await expect(cards).toHaveCount(13);
  await cards.filter({ hasText: 'The webhook that came twice' }).click();
  await expect(page).toHaveURL(/#scenario=webhook-duplicates&seed=1&/);
  await expect(page.getByRole('link', { name: /The webhook that came twice/ })).toHaveAttribute(
    'aria-current',
    'true',
  );
  await expectSameAsNode(page, { scenario: 'webhook-duplicates', seed: 1 });
});

test.describe('when the engine worker dies', () => {
  // The dead worker's uncaught error is logged in its console, as a real crash's would be.
  test.use({ expectConsoleErrors: true });

  test('the page says so, keeps the state, and Run again runs that same state on a new worker', async ({
    page,
  }) => {
    await open(page, '#scenario=payment-lost-response&seed=12');
    const worker = page.workers().find((w) => w.url().includes('engine'));
    expect(worker).toBeDefined();
    // The worker swallows its next answer and dies, as one killed for memory mid-run does.
    await worker!.evaluate(() => {
      self.postMessage = () =>
        setTimeout(() => {
          throw new Error('out of memory');
        });
    });
    const seed = page.getByRole('spinbutton', { name: 'Seed' });
    await seed.fill('7');
    await seed.press('Enter');
    const alert = page.getByRole('alert').filter({ hasText: 'Something went wrong.' });
    await expect(alert).toContainText(
      /The run failed: The engine stopped \(.*out of memory\); a new one starts with the next request/,
    );
    await expect(page).toHaveURL(/seed=7&/);
    const again = alert.getByRole('button', { name: 'Run again' });
    await again.focus();
    await page.keyboard.press('Enter');
    const status = page.locator('[data-run-status]');
    // A new worker loads its wasm before it runs: slow on a busy machine.
    await expect(status).toContainText('on seed 7', { timeout: 30_000 });
    await expect(alert).toHaveCount(0);
    // Its button gone, focus lands on the status line that says how the run went.
    await expect(status).toBeFocused();
    await expectSameAsNode(page, { scenario: SCENARIO, seed: 7 });
  });
});

test.describe('when the engine cannot load', () => {
  test.use({ expectConsoleErrors: true });

  test('the page says so in an alert and keeps its controls', async ({ page }) => {
    await page.route(/\.wasm$/, (route) => route.abort());
    await page.goto('./');
    await expect(page.getByRole('alert')).toContainText('The engine could not start');
    await expect(page.getByRole('alert')).toContainText('Reload the page to try again.');
    await expect(page.getByRole('spinbutton', { name: 'Seed' })).toBeVisible();
    await expect(page.locator('[data-strategy]')).toHaveCount(0);
  });
});

test('a run of more than 500 events is drawn whole, a window at a time, and plays to its end', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await open(page, '#scenario=payment-lost-response&seed=3&k.payments=40');
  const result = await expectSameAsNode(page, {
    scenario: SCENARIO,
    seed: 3,
    knobs: { payments: 40 },
  });
  const visible = result.runs[0]!.trace.filter((e) => e.kind !== 'choice').length;
  expect(visible).toBeGreaterThan(500);
  // Every event is one option of the listbox; only those near the viewport are in the DOM.
  const options = column(page, 'naive').getByRole('option');
  await expect(options.first()).toHaveAttribute('aria-setsize', String(visible));
  expect(await options.count()).toBeLessThan(visible / 4);
  await page.getByRole('slider', { name: 'Speed' }).fill('6');
  await expect(page.getByRole('slider', { name: 'Speed' })).toHaveAttribute(
    'aria-valuetext',
    '64×',
  );
  await page.keyboard.press('r');
  await page.locator('h1').click();
  await page.keyboard.press(' ');
  const end = await scrubber(page).getAttribute('max');
  await expect(scrubber(page)).toHaveValue(end!, { timeout: 45_000 });
  // The view followed the cursor down to the run's last rows.
  await expect(options.and(page.locator(`[aria-posinset="${visible}"]`))).toBeAttached();
});

test('key retention charts the key table’s size, and the chart follows the cursor', async ({
  page,
}) => {
  await open(page, '#scenario=key-retention&strategies=naive,idempotency-key');
  const chart = column(page, 'idempotency-key')
    .getByRole('figure')
    .filter({ hasText: 'Key table' });
  await expect(chart).toContainText('at most 12');
  await expect(column(page, 'naive').getByText('Key table')).toHaveCount(0);
  await page.keyboard.press('r');
  await expect(chart).toContainText('Key table: 0 rows');
});

test('a broker’s own settings show only under that broker', async ({ page }) => {
  await open(page, '#scenario=queue-redelivery');
  await page.getByText('Knobs', { exact: true }).click();
  await expect(page.getByRole('spinbutton', { name: 'SQS visibility timeout' })).toBeVisible();
  await expect(page.getByText('Kafka session timeout')).toHaveCount(0);
  await page.getByRole('combobox', { name: 'Broker' }).selectOption('kafka');
  await expect(page).toHaveURL(/k\.flavour=kafka/);
  await expect(page.getByRole('spinbutton', { name: 'Kafka session timeout' })).toBeVisible();
  await expect(page.getByText('SQS visibility timeout')).toHaveCount(0);
  await expectSameAsNode(page, { scenario: 'queue-redelivery', knobs: { flavour: 'kafka' } });
});
