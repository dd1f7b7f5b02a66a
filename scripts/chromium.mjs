// How every script and the e2e launch headless Chromium here: which binary, and the flags.
export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

// The network flags stop Chromium's own background traffic (the e2e asserts none leaves 127.0.0.1).
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
