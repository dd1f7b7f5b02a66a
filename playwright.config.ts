// Playwright: the built site (dist/) under a sub-path, in Debian's headless Chromium; nothing downloaded.
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';
import { defineConfig } from '@playwright/test';

const port = Number(process.env.TWICE_E2E_PORT ?? 4178);
const baseURL = `http://127.0.0.1:${port}/twice/`;
// The mock blog that embeds Twice: a second origin (another loopback address, another port).
const blogPort = Number(process.env.TWICE_E2E_BLOG_PORT ?? port + 10);
process.env.TWICE_E2E_BLOG_URL = `http://127.0.0.2:${blogPort}/blog/`;

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '*.spec.ts',
  outputDir: 'test-results',
  workers: 1,
  // The simulation is deterministic: a retry could only hide a real bug.
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  reporter: process.env.CI ? 'line' : 'list',
  // Always our own fresh servers: a stray one on the port could serve an old dist/.
  webServer: [
    {
      command: `node scripts/serve.mjs ${port} /twice/ dist`,
      url: baseURL,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `node scripts/serve.mjs ${blogPort} /blog/ test/e2e/blog 127.0.0.2`,
      url: `${process.env.TWICE_E2E_BLOG_URL}post.html`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
  ],
  use: {
    baseURL,
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'debian-chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: CHROMIUM_ARGS,
        },
      },
    },
  ],
});
