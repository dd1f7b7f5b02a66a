// A batch worker of the page's pool: runs one part of a "How often?" batch, so the engine worker stays free for runs.
/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { createBatchApi } from './batch-api.ts';
import { loadSql } from './sql.ts';

// Synchronously, before anything else: a call that arrives before expose() never answers (Comlink #665).
Comlink.expose(createBatchApi(loadSql));

// Start fetching the wasm now rather than on the first batch; that call reports any failure.
loadSql().catch(() => undefined);
