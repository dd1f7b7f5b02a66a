/// <reference types="vitest/config" />
// Vite build, dev server and Vitest settings for Twice.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  // Relative URLs: dist/ works from any sub-path of any static host.
  base: './',
  plugins: [svelte()],
  worker: { format: 'es' },
  // sql.js is CommonJS; pre-bundling it keeps the dev worker's import working (never `exclude` it).
  optimizeDeps: { include: ['sql.js', 'comlink'] },
  build: {
    target: 'es2022',
    sourcemap: false,
    // The playground, and the page npm run bench:browser drives.
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        bench: fileURLToPath(new URL('src/bench/index.html', import.meta.url)),
      },
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
