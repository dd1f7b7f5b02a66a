/// <reference types="vitest/config" />
// Vite build, dev server and Vitest settings for Twice.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// `vite build --mode bench` builds only the benchmark page (npm run bench:browser); the
// production build holds the playground alone.
export default defineConfig(({ mode }) => ({
  // Relative URLs: dist/ works from any sub-path of any static host.
  base: './',
  plugins: [svelte()],
  worker: { format: 'es' },
  // sql.js is CommonJS; pre-bundling it keeps the dev worker's import working (never `exclude` it).
  optimizeDeps: { include: ['sql.js', 'comlink'] },
  build: {
    target: 'es2022',
    sourcemap: false,
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
