// The key store itself: its database, configuration, profile, key scope and fenced writes — what
// every claim and phase reads; the routes it serves live in ../routes/.

import type { HttpRequest } from '../../sim/http.ts';
import type { Db } from '../db.ts';
import { PROFILES, type Profile } from '../profiles.ts';
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

/** The correct store, answering like the configured profile. */
export function keyStore(db: Db, config: ServerConfig): KeyStore {
  return {
    db,
    config,
    profile: PROFILES[config.profile],
    scope: (request) => request.client,
    writes: FENCED_WRITES,
  };
}
