// Every story opens from its link with the verdicts Node computes, shows its lesson on its
// story seed, and leaves a screenshot of itself as a test artifact (looked at by a person).
import { join } from 'node:path';
import { column, engineInNode, expect, expectSameAsNode, open, test } from './support.ts';

const stories = (await engineInNode()).scenarios();

for (const story of stories) {
  test(`${story.id}: opens from its link and shows its lesson`, async ({ page }, testInfo) => {
    const { breaks, holds } = story.demonstrates;
    const strategies = [...new Set([...story.defaultStrategies, breaks, holds])];
    await open(page, `#scenario=${story.id}&strategies=${strategies.join(',')}`);
    await expect(page.getByRole('heading', { level: 2, name: story.title })).toBeVisible();
    await expect(page.getByText(story.prose.happens)).toBeVisible();
    await expectSameAsNode(page, { scenario: story.id, seed: story.storySeed, strategies });
    await expect(column(page, breaks)).toHaveAttribute('data-verdict', 'violated');
    await expect(column(page, holds)).toHaveAttribute('data-verdict', 'ok');
    await expect(page.getByText('What diverged.')).toBeVisible();
    // Kept after the run in test-results/stories/, for a person to look at.
    const path = join(testInfo.project.outputDir, 'stories', `${story.id}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`${story.id}.png`, { path, contentType: 'image/png' });

    // Faults off: the happy path, where nothing diverges.
    await page.getByRole('switch', { name: /Faults/ }).uncheck();
    await expectSameAsNode(page, {
      scenario: story.id,
      seed: story.storySeed,
      strategies,
      faults: false,
    });
    for (const id of strategies)
      await expect(column(page, id)).toHaveAttribute('data-verdict', 'ok');
  });
}
