// Types for scripts/chromium.mjs, so the TypeScript Playwright config can import it.
export declare const CHROMIUM_PATH: string;
export declare const CHROMIUM_ARGS: string[];
