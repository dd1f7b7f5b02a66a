// The key store's SQL, in one place. Every write that belongs to an execution carries its lease
// token: a stale owner's write changes 0 rows (fencing).

export const CLAIM = `INSERT INTO idempotency_keys (scope, client, idem_key, method, path, fingerprint, request_params,
  lease_owner, lease_expires_at, created_at, last_run_at, expires_at)
VALUES ($scope, $client, $key, $method, $path, $fingerprint, $params, $owner, $now + $lease, $now, $now, $now + $retention)
ON CONFLICT (scope, idem_key) DO NOTHING
RETURNING id, lease_token`;

export const FIND = `SELECT id, client, idem_key, method, path, fingerprint, request_params, state, recovery_point, lease_token, lease_expires_at,
  response_status, response_headers, response_body, expires_at
FROM idempotency_keys WHERE scope = $scope AND idem_key = $key`;

/** Instrumentation, not behaviour: a decision made from another client's key (schema.sql). */
export const RECORD_SHARED_USE = `INSERT INTO shared_key_uses (key_id, idem_key, holder, asker, decision, at)
VALUES ($id, $key, $holder, $asker, $decision, $now)`;

export const DELETE_EXPIRED = `DELETE FROM idempotency_keys WHERE id = $id AND expires_at <= $now`;

export const DELETE_MINE = `DELETE FROM idempotency_keys WHERE id = $id AND lease_token = $token`;

export const TAKE_OVER = `UPDATE idempotency_keys SET state = 'IN_PROGRESS', lease_owner = $owner,
  lease_token = lease_token + 1, written_by_token = lease_token + 1, lease_expires_at = $now + $lease,
  attempts = attempts + 1, last_run_at = $now
WHERE id = $id AND lease_token = $seen
  AND (state = 'FAILED_RETRYABLE' OR (state = 'IN_PROGRESS' AND lease_expires_at <= $now))
RETURNING lease_token, recovery_point`;

/** The statements an execution writes its own key row with; each names the writer's token. */
export interface KeyWrites {
  readonly advance: string;
  readonly complete: string;
  readonly unlock: string;
  readonly deleteMine: string;
}

/** The writes, each landing only on a row that `mine` says still belongs to this execution. */
function keyWrites(mine: string): KeyWrites {
  return {
    advance: `UPDATE idempotency_keys SET recovery_point = $point, last_run_at = $now, lease_expires_at = $now + $lease,
  written_by_token = $token
WHERE ${mine}`,
    complete: `UPDATE idempotency_keys SET state = 'COMPLETED', recovery_point = 'finished',
  response_status = $status, response_headers = $headers, response_body = $body, completed_at = $now,
  lease_owner = NULL, lease_expires_at = NULL, written_by_token = $token
WHERE ${mine}`,
    unlock: `UPDATE idempotency_keys SET state = 'FAILED_RETRYABLE', lease_owner = NULL, lease_expires_at = NULL,
  last_run_at = $now, written_by_token = $token
WHERE ${mine}`,
    deleteMine: `DELETE FROM idempotency_keys WHERE ${mine}`,
  };
}

/** Fenced: a write lands only while the row is in progress under this execution's token. */
export const FENCED_WRITES = keyWrites(
  `id = $id AND lease_token = $token AND state = 'IN_PROGRESS'`,
);

/**
 * The lease-no-fence bug: by id alone. The token is handed out and written down but never checked, so an
 * owner whose lease was taken over still writes (the schema records it in stale_writes).
 */
export const UNFENCED_WRITES = keyWrites('id = $id');

/**
 * brandur's completer: keys left unfinished for a while, whose lease is gone. Oldest first,
 * bounded, and only while a key has attempts left: a key that keeps failing is given up.
 */
export const ABANDONED = `SELECT scope, idem_key, method, path, request_params FROM idempotency_keys
WHERE state <> 'COMPLETED' AND created_at < $now - $age AND last_run_at < $now - $idle
  AND (lease_expires_at IS NULL OR lease_expires_at <= $now) AND attempts < $attempts
ORDER BY id LIMIT $limit`;

export const REAP = `DELETE FROM idempotency_keys WHERE expires_at <= $now`;

export const KEY_COUNT = `SELECT count(*) AS n FROM idempotency_keys`;

export const UNFINISHED = `SELECT count(*) AS n FROM idempotency_keys WHERE state <> 'COMPLETED' AND attempts < $attempts`;
