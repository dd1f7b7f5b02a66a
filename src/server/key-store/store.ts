// The key store itself: its database, configuration, profile, key scope and fenced writes — what
// every claim and phase reads; the routes it serves live in ../routes/.

import type { HttpRequest } from '../../sim/http.ts';
import type { Db } from '../db.ts';
import { configured, PROFILES, type Profile } from '../profiles.ts';
import type { ServerConfig } from '../strategy.ts';
import { FENCED_WRITES, type KeyWrites } from './sql.ts';

export interface KeyStore {
  readonly db: Db;
  readonly config: ServerConfig;
  readonly profile: Profile;
  /** Whose keys a request's key is one of: keys are unique per client, not across clients. */
  readonly scope: (request: HttpRequest) => string;
  /** How an execution writes its key: fenced by its lease token, so a stale owner changes nothing. */
  readonly writes: KeyWrites;
}

/** The scope of every key in a store without scopes: as if the table had no scope column. */
export const EVERY_CLIENT = 'global';

/** The correct store, answering like the configured profile. */
export function keyStore(db: Db, config: ServerConfig): KeyStore {
  const profile = configured(PROFILES[config.profile], config.powertools);
  return {
    db,
    config,
    profile,
    scope: profile.scopedKeys ? (request) => request.client : () => EVERY_CLIENT,
    writes: FENCED_WRITES,
  };
}
