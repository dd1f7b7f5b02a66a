-- The server's database: the idempotency-key store and the business tables it protects.
-- Time is always a bound parameter (virtual epoch ms): no CURRENT_TIMESTAMP, no random().

PRAGMA foreign_keys = ON;

CREATE TABLE idempotency_keys (
  -- The provider key is derived from the id ('ik-' || id). AUTOINCREMENT: an id is never reused after
  -- the reaper deletes its row, or a new key would inherit an old key's charge at the provider.
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  scope            TEXT    NOT NULL,           -- the calling client: keys are unique per client
  idem_key         TEXT    NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 255),
  method           TEXT    NOT NULL,
  path             TEXT    NOT NULL,
  fingerprint      TEXT    NOT NULL,           -- sha256 of canonical JSON of method, path, params
  request_params   TEXT    NOT NULL CHECK (json_valid(request_params)),
  state            TEXT    NOT NULL DEFAULT 'IN_PROGRESS'
                   CHECK (state IN ('IN_PROGRESS', 'FAILED_RETRYABLE', 'COMPLETED')),
  recovery_point   TEXT    NOT NULL DEFAULT 'started'
                   CHECK (recovery_point IN ('started', 'order_created', 'charge_created', 'finished')),
  lease_owner      TEXT,                       -- the execution holding the lease
  lease_token      INTEGER NOT NULL DEFAULT 1, -- fencing token: a takeover increments it
  lease_expires_at INTEGER,
  attempts         INTEGER NOT NULL DEFAULT 1,
  response_status  INTEGER,
  response_headers TEXT CHECK (response_headers IS NULL OR json_valid(response_headers)),
  response_body    TEXT,
  created_at       INTEGER NOT NULL,
  last_run_at      INTEGER NOT NULL,
  completed_at     INTEGER,
  expires_at       INTEGER NOT NULL,
  UNIQUE (scope, idem_key),
  CHECK ((state = 'COMPLETED') = (response_status IS NOT NULL)),
  CHECK (state <> 'IN_PROGRESS' OR (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL)),
  CHECK (state = 'IN_PROGRESS' OR lease_owner IS NULL)
) STRICT;

CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

-- A key only moves forward: IN_PROGRESS -> COMPLETED | FAILED_RETRYABLE, FAILED_RETRYABLE -> IN_PROGRESS.
CREATE TRIGGER idempotency_keys_transition BEFORE UPDATE OF state ON idempotency_keys
WHEN NOT ((OLD.state = 'IN_PROGRESS' AND NEW.state IN ('IN_PROGRESS', 'COMPLETED', 'FAILED_RETRYABLE'))
       OR (OLD.state = 'FAILED_RETRYABLE' AND NEW.state = 'IN_PROGRESS'))
BEGIN SELECT RAISE(ABORT, 'illegal idempotency key state transition'); END;

-- A stored response is what every replay returns: once completed it never changes.
CREATE TRIGGER idempotency_keys_frozen_response
BEFORE UPDATE OF response_status, response_headers, response_body ON idempotency_keys
WHEN OLD.state = 'COMPLETED'
BEGIN SELECT RAISE(ABORT, 'a completed response is immutable'); END;

CREATE TABLE orders (
  id                 INTEGER PRIMARY KEY,
  scope              TEXT    NOT NULL,
  intent             TEXT    NOT NULL,         -- the payment intent the customer means to pay once
  idempotency_key_id INTEGER UNIQUE REFERENCES idempotency_keys (id) ON DELETE SET NULL,
  amount_cents       INTEGER NOT NULL CHECK (amount_cents > 0),
  status             TEXT    NOT NULL CHECK (status IN ('pending', 'paid')),
  psp_charge_id      TEXT    UNIQUE,
  created_at         INTEGER NOT NULL
) STRICT;

CREATE INDEX orders_intent ON orders (intent);
