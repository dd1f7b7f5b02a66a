// What a route of the HTTP API is to the strategies: which requests it serves, where a keyed
// execution starts and resumes, its key-store phases, and the same work with no key.

import type { Job } from '../../sim/handler.ts';
import type { HttpRequest } from '../../sim/http.ts';
import type { Db } from '../db.ts';
import type { ResumeAt } from '../key-store/claim.ts';
import type { KeyStore } from '../key-store/store.ts';
import type { Step } from '../steps.ts';

export interface Route {
  /** Whether a request is this route's (a path, or for users a few). */
  readonly serves: (request: HttpRequest) => boolean;
  /**
   * The step a keyed execution takes after the claim, by the recovery point its predecessor
   * committed; `started` is also the first step of `plain`, so a keyless request runs there.
   */
  readonly resumeAt: ResumeAt;
  /**
   * The method is idempotent by definition (GET, DELETE; RFC 9110 §9.2.2): a profile that reads
   * no key there (every one but Powertools, docs/semantics.md#get-and-delete) serves the request
   * plainly, unclaimed, whatever key it carries.
   */
  readonly idempotent?: boolean;
  /** The key store's atomic phases: each commits its writes with the key's recovery point. */
  readonly phases: (store: KeyStore) => Record<string, Step>;
  /** The work with no idempotency at all (naive's), its step names prefixed with `prefix`. */
  readonly plain: (db: Db, prefix?: string) => Record<string, Step>;
  /** Work the route does beside its requests (the outbox's relay), if any. */
  readonly background?: Background;
}

/** A job whose requests come in on their own path and run their own steps, unclaimed. */
export interface Background {
  readonly path: string;
  readonly firstStep: string;
  readonly job: (db: Db) => Job;
  readonly steps: (db: Db) => Record<string, Step>;
}
