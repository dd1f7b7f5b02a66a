/// <reference types="vitest/config" />
// Vite build, dev server and Vitest settings for Twice.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const { version } = JSON.parse(readFileSync(here('package.json'), 'utf8')) as { version: string };

/**
 * dist/embed.js: <twice-demo> as one stable, un-hashed classic script (an IIFE), so a page on
 * another origin can load it with a plain <script> tag and no CORS headers.
 */
function embedScript(): Plugin {
  return {
    name: 'twice-embed-script',
    apply: 'build',
    async closeBundle() {
      await build({
        configFile: false,
        logLevel: 'warn',
        build: {
          outDir: here('dist'),
          emptyOutDir: false,
          copyPublicDir: false,
          target: 'es2022',
          lib: {
            entry: here('src/embed/twice-demo.ts'),
            formats: ['iife'],
            name: 'TwiceDemo',
            fileName: () => 'embed.js',
          },
        },
      });
    },
  };
}

/**
 * The page's Content-Security-Policy (README, "Security"). Scripts and workers only from the
 * site itself; 'wasm-unsafe-eval' lets sql.js compile its wasm and allows no JavaScript eval.
 * Styles: the stylesheet from the site, and `style` attributes, which the sequence diagram sets
 * for its size and cursor (Svelte writes `style="…"` attributes) and index.html's type specimen
 * uses for its fonts; no <style> element may be injected. No plugins, no <base>, no form posts elsewhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * The policy as the built page's first <meta>. Build only: the dev server injects inline scripts
 * (HMR client) and styles that a strict policy would block, and serves nothing anyone embeds.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'twice-content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * V8's explicit compile hint, as the entry chunk's first line. That chunk is the first screen's
 * code, and nearly all of it runs while the first result is drawn. Compiled lazily, each function
 * was compiled on the main thread the first time it ran: the first column's parts cost a phone
 * twice what the second's did, and they were its longest tasks. With the hint, Chromium compiles
 * the whole chunk while it streams in, off the main thread. Added last: after minification
 * (which drops comments) and after Vite prepends its own first line (on the second line the
 * hint helped less, measured).
 */
function compileHint(): Plugin {
  return {
    name: 'twice-compile-hint',
    apply: 'build',
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_, bundle) {
        for (const chunk of Object.values(bundle))
          if (chunk.type === 'chunk' && chunk.isEntry)
            chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
      },
    },
  };
}

/** Offline: Workbox precaches the whole app; a new build waits until the reader asks. */
function offline() {
  return VitePWA({
    registerType: 'prompt',
    injectRegister: false,
    manifest: {
      name: 'Twice — an idempotency lab',
      short_name: 'Twice',
      description: 'What happens if it runs twice? The same faults against several handlers.',
      // Relative, so the app installs from whatever sub-path it is served under.
      start_url: './',
      scope: './',
      display: 'standalone',
      theme_color: '#2f55b8',
      background_color: '#faf9f6',
      icons: [
        { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
      ],
    },
    workbox: {
      // Workbox skips .wasm by default; sql.js's wasm is what runs every story. (The plugin adds the
      // manifest and its icons itself.)
      globPatterns: ['**/*.{html,js,css,wasm}'],
      // embed.js runs in other people's pages, never in the app itself.
      globIgnores: ['embed.js'],
      // The default cap is 2 MiB; leave room for the wasm and the engine chunk as they grow.
      maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      navigateFallback: 'index.html',
      // ?embed=1&theme=… open the same precached page.
      ignoreURLParametersMatching: [/^embed$/, /^theme$/, /^utm_/],
      cleanupOutdatedCaches: true,
    },
  });
}

export default defineConfig(({ mode }) => ({
  // Relative URLs: dist/ works from any sub-path of any static host.
  base: './',
  // Saved experiments carry the app version that saved them.
  define: { __TWICE_VERSION__: JSON.stringify(version) },
  // The benchmark build (its own page, into a temporary folder) needs no offline cache or embed.js.
  plugins: [
    svelte(),
    contentSecurityPolicy(),
    compileHint(),
    ...(mode === 'bench' ? [] : [offline(), embedScript()]),
  ],
  worker: { format: 'es' },
  // sql.js is CommonJS; pre-bundling it keeps the dev worker's import working (never `exclude` it).
  optimizeDeps: { include: ['sql.js', 'comlink'] },
  build: {
    target: 'es2022',
    sourcemap: false,
    // One stylesheet, loaded with the page: a lazy chunk's own stylesheet, inserted while the first
    // screen draws, made the browser recompute every element's style (measured, "The first screen").
    cssCodeSplit: false,
    // The playground alone; the benchmark page only in `vite build --mode bench`
    // (npm run bench:browser), never in the site people are served.
    rolldownOptions: {
      input: here(mode === 'bench' ? 'src/bench/index.html' : 'index.html'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Limits catch a hang, not slowness (timings live in `npm run bench`): the heavy property and
    // golden tests take a minute or more on a loaded 2-core machine, and hooks load every story.
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
}));
