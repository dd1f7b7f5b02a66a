/// <reference types="vitest/config" />
// Vite build, dev server and Vitest settings for Twice.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  // Relative URLs: dist/ works from any sub-path of any static host.
  base: './',
  plugins: [svelte()],
  worker: { format: 'es' },
  // sql.js is CommonJS; pre-bundling it keeps the dev worker's import working (never `exclude` it).
  optimizeDeps: { include: ['sql.js', 'comlink'] },
  build: { target: 'es2022', sourcemap: false },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
