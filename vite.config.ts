/// <reference types="vitest/config" />
// Vite build, dev server and Vitest settings for Twice.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/**
 * The page's Content-Security-Policy (README, "Security"). Scripts and workers only from the
 * site itself; 'wasm-unsafe-eval' lets sql.js compile its wasm and allows no JavaScript eval.
 * Styles: the stylesheet from the site, and `style` attributes, which the sequence diagram sets
 * for its size and cursor (Svelte writes `style="…"` attributes); no <style> element may be
 * injected. No plugins, no <base>, no form posts elsewhere.
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

const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig(({ mode }) => ({
  // Relative URLs: dist/ works from any sub-path of any static host.
  base: './',
  plugins: [svelte(), contentSecurityPolicy()],
  worker: { format: 'es' },
  // sql.js is CommonJS; pre-bundling it keeps the dev worker's import working (never `exclude` it).
  optimizeDeps: { include: ['sql.js', 'comlink'] },
  build: {
    target: 'es2022',
    sourcemap: false,
    // The playground alone; the benchmark page only in `vite build --mode bench`
    // (npm run bench:browser), never in the site people are served.
    rolldownOptions: {
      input: page(mode === 'bench' ? 'src/bench/index.html' : 'index.html'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
}));
