// Ambient types: .svelte modules and Vite's asset imports (?url, ?raw).
/// <reference types="svelte" />
/// <reference types="vite/client" />
