// What a handler strategy is: its id, how the page explains it, and how to build its handler.

import type { Handler } from '../sim/handler.ts';
import type { Db } from './db.ts';
import type { PowertoolsOptions, ProfileId } from './profiles.ts';

export interface ServerConfig {
  /** Which real system the key store answers like. */
  readonly profile: ProfileId;
  /** How long an in-progress key is locked to one execution. */
  readonly leaseMs: number;
  /** How long a key is kept before it expires and a reuse runs again. */
  readonly retentionMs: number;
  /**
   * How often the reaper deletes expired keys. Set: every run of it is traced with the key
   * table's size (a story about storage). Absent: hourly, and traced only when it deletes.
   */
  readonly reaperEveryMs?: number;
  /** Powertools settings a story turns on; absent, Powertools' defaults (all off). */
  readonly powertools?: PowertoolsOptions;
}

export interface Strategy {
  readonly id: string;
  readonly title: string;
  /** One or two plain sentences for the page. */
  readonly summary: string;
  /** Whether it keeps the promise of exactly one effect per intent. */
  readonly correct: boolean;
  /** The fault that breaks it, or for a correct strategy the limit it still has. */
  readonly exposedBy: string;
  /** Client-side behaviour that belongs to the strategy (a buggy client mints keys per attempt). */
  readonly client?: { readonly newKeyPerAttempt?: boolean };
  create(db: Db, config: ServerConfig): Handler;
}
