// Entry point: global styles, then the Svelte app (or, with ?embed=1, the embed view) mounted into #app.
import { mount } from 'svelte';
import App from './ui/App.svelte';
import { readFlags } from './ui/embed/embed-url.ts';
import './ui/theme.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// ?theme=light|dark overrides prefers-color-scheme (theme.css reads the attribute).
const flags = readFlags(location.search);
if (flags.theme) document.documentElement.dataset.theme = flags.theme;

// The embed view's app root says so (issue: "the app root carries data-embed"): one element only,
// so a host's or a test's `[data-embed]` finds exactly the root. The embed view is a chunk of its
// own, so the full page never loads it.
if (flags.embed) {
  target.dataset.embed = 'true';
  void import('./ui/embed/EmbedApp.svelte').then(({ default: EmbedApp }) =>
    mount(EmbedApp, { target }),
  );
} else mount(App, { target });
