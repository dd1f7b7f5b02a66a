-- The server's database: the idempotency-key store and the business tables it protects.
-- Time is always a bound parameter (virtual epoch ms): no CURRENT_TIMESTAMP, no random().

PRAGMA foreign_keys = ON;

CREATE TABLE idempotency_keys (
  -- The provider key is derived from the id ('ik-' || id). AUTOINCREMENT: an id is never reused after
  -- the reaper deletes its row, or a new key would inherit an old key's charge at the provider.
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  scope            TEXT    NOT NULL,           -- the calling client: keys are unique per client
  client           TEXT    NOT NULL,           -- the client whose request claimed the key (= scope when scoped)
  idem_key         TEXT    NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 255),
  method           TEXT    NOT NULL,
  path             TEXT    NOT NULL,
  fingerprint      TEXT    NOT NULL,           -- sha256 of canonical JSON of method, path, params
  request_params   TEXT    NOT NULL CHECK (json_valid(request_params)),
  state            TEXT    NOT NULL DEFAULT 'IN_PROGRESS'
                   CHECK (state IN ('IN_PROGRESS', 'FAILED_RETRYABLE', 'COMPLETED')),
  recovery_point   TEXT    NOT NULL DEFAULT 'started'
                   -- payments: started, order_created, charge_created, finished; flight bookings add
                   -- booking_created and seat_reserved (docs/semantics.md, Atomic phases and recovery points).
                   CHECK (recovery_point IN ('started', 'order_created', 'booking_created', 'charge_created',
                                             'seat_reserved', 'finished')),
  lease_owner      TEXT,                       -- the execution holding the lease
  lease_token      INTEGER NOT NULL DEFAULT 1, -- fencing token: a takeover increments it
  written_by_token INTEGER NOT NULL DEFAULT 1, -- the token of the execution that wrote the row last
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

-- A stale lease holder never commits (docs/semantics.md, Lease and fencing token): every write of an execution names its
-- token, and one below the row's token comes from an owner whose key was taken over. Recorded,
-- not refused: the fenced store never writes so (its writes need the row's token, or change
-- nothing), and a buggy store should show what its stale owner did rather than be saved by the
-- schema. Rows of a rolled-back step roll back with it: only committed writes stay here.
CREATE TABLE stale_writes (
  id           INTEGER PRIMARY KEY,
  key_id       INTEGER NOT NULL,               -- no foreign key: the record outlives a reaped key
  scope        TEXT    NOT NULL,
  idem_key     TEXT    NOT NULL,
  writer_token INTEGER NOT NULL,
  lease_token  INTEGER NOT NULL,               -- the token of the owner it wrote over
  state_before TEXT    NOT NULL,
  point_before TEXT    NOT NULL,
  state_after  TEXT    NOT NULL,
  point_after  TEXT    NOT NULL
) STRICT;

CREATE TRIGGER idempotency_keys_stale_write AFTER UPDATE ON idempotency_keys
WHEN NEW.written_by_token < OLD.lease_token
BEGIN
  INSERT INTO stale_writes (key_id, scope, idem_key, writer_token, lease_token,
                            state_before, point_before, state_after, point_after)
  VALUES (NEW.id, NEW.scope, NEW.idem_key, NEW.written_by_token, OLD.lease_token,
          OLD.state, OLD.recovery_point, NEW.state, NEW.recovery_point);
END;

-- What a key must never do: decide one client's request by another client's key. Recorded, not
-- refused (like stale_writes): the store writes a row here whenever it answers, refuses or resumes
-- a request from a key row that another client's request claimed. A store that scopes its keys per
-- client never finds such a row; one without scopes (global-key-scope, Powertools) shows it here.
CREATE TABLE shared_key_uses (
  id       INTEGER PRIMARY KEY,
  key_id   INTEGER NOT NULL,                   -- no foreign key: the record outlives a reaped key
  idem_key TEXT    NOT NULL,
  holder   TEXT    NOT NULL,                   -- the client whose request claimed the key
  asker    TEXT    NOT NULL,                   -- the client whose request it decided
  decision TEXT    NOT NULL CHECK (decision IN ('refused-mismatch', 'replayed', 'refused-in-flight', 'resumed')),
  at       INTEGER NOT NULL
) STRICT;

CREATE TABLE orders (
  id                 INTEGER PRIMARY KEY,
  scope              TEXT    NOT NULL,
  intent             TEXT    NOT NULL,         -- the payment intent the customer means to pay once
  idempotency_key_id INTEGER UNIQUE REFERENCES idempotency_keys (id) ON DELETE SET NULL,
  amount_cents       INTEGER NOT NULL CHECK (amount_cents > 0),
  -- 'deleted' by DELETE /payments/<id>: the row stays, so the invariants still see the order.
  status             TEXT    NOT NULL CHECK (status IN ('pending', 'paid', 'deleted')),
  psp_charge_id      TEXT    UNIQUE,
  created_at         INTEGER NOT NULL
) STRICT;

CREATE INDEX orders_intent ON orders (intent);

-- The key table of the buggy key strategies (check-then-insert, key-after-effect). Deliberately
-- no UNIQUE (scope, idem_key): check-then-insert trusts its SELECT to keep keys unique, and two
-- requests that both SELECT before either INSERTs both go ahead (docs/semantics.md, check-then-insert). A
-- unique constraint would turn that race into a failed insert and hide the bug.
CREATE TABLE checked_keys (
  id               INTEGER PRIMARY KEY,
  scope            TEXT    NOT NULL,
  idem_key         TEXT    NOT NULL,
  -- Bound to its request like the correct store's keys, so these strategies show only their own bug.
  fingerprint      TEXT    NOT NULL,
  response_status  INTEGER,                    -- NULL while the request that inserted it runs
  response_headers TEXT CHECK (response_headers IS NULL OR json_valid(response_headers)),
  response_body    TEXT,
  created_at       INTEGER NOT NULL
) STRICT;

CREATE INDEX checked_keys_key ON checked_keys (scope, idem_key);

-- The upsert strategy's natural key: one order per (client, payment intent), claimed with
-- ON CONFLICT before the order exists. A table of its own, so orders stays free of the
-- constraint and naive can still show two orders for one intent.
CREATE TABLE intent_orders (
  scope         TEXT    NOT NULL,
  intent        TEXT    NOT NULL,
  order_id      INTEGER UNIQUE REFERENCES orders (id),
  -- Set when the provider refused or did not answer: a repeat may charge again, with the same
  -- provider key, instead of waiting on an order that nobody is paying for.
  charge_failed INTEGER NOT NULL DEFAULT 0 CHECK (charge_failed IN (0, 1)),
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (scope, intent)
) STRICT;

-- The webhook consumer's business tables: a payment.completed event invoices the payment and
-- reserves its stock (and queues the receipt email with them).
CREATE TABLE invoices (
  id           INTEGER PRIMARY KEY,
  intent       TEXT    NOT NULL,
  event_id     TEXT    NOT NULL,             -- the delivery that created it
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE stock_reservations (
  id         INTEGER PRIMARY KEY,
  intent     TEXT    NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

-- The inbox (microservices.io's idempotent consumer): a message id is inserted in the same
-- transaction as the work it guards; the primary key turns a redelivery into a no-op.
CREATE TABLE processed_messages (
  consumer    TEXT    NOT NULL,
  message_id  TEXT    NOT NULL,
  received_at INTEGER NOT NULL,
  sequence    INTEGER NOT NULL,              -- the sender's event sequence number
  PRIMARY KEY (consumer, message_id)
) STRICT, WITHOUT ROWID;

-- A read model fed by the events: each payment's latest known status. Its version is the
-- sender's per-payment version, so a stale event can be told from a newer one.
CREATE TABLE payment_status (
  intent  TEXT    PRIMARY KEY,
  status  TEXT    NOT NULL,
  version INTEGER NOT NULL
) STRICT;

-- The transactional outbox: an event row written in the same transaction as the business
-- change, published later by a relay — at least once, so downstream must dedupe.
CREATE TABLE outbox (
  id           INTEGER PRIMARY KEY,
  message_id   TEXT    NOT NULL UNIQUE,
  topic        TEXT    NOT NULL,
  payload      TEXT    NOT NULL CHECK (json_valid(payload)),
  created_at   INTEGER NOT NULL,
  published_at INTEGER
) STRICT;

-- The event-sourcing story's read model: each account's balance, folded from its PaymentReceived
-- and Refund events. version is the account's version the fold has reached (events are numbered
-- 1, 2, 3, … per account); last_event is the event that brought it there.
CREATE TABLE account_balances (
  account       TEXT    PRIMARY KEY,
  balance_cents INTEGER NOT NULL,
  version       INTEGER NOT NULL,
  last_event    TEXT    NOT NULL
) STRICT;

-- Every time the projection folded an event in: a duplicate applied twice shows as two rows.
CREATE TABLE account_entries (
  id           INTEGER PRIMARY KEY,
  account      TEXT    NOT NULL,
  event_id     TEXT    NOT NULL,
  version      INTEGER NOT NULL,
  amount_cents INTEGER NOT NULL,             -- signed: a refund is negative
  applied_at   INTEGER NOT NULL
) STRICT;

-- Business keys a webhook consumer has processed: the changed object's id plus the event type
-- (Stripe's advice for the two separate events it sometimes sends for one change). Claimed in
-- the same transaction as the work, like processed_messages, so a second event with a new id
-- for the same change does nothing.
CREATE TABLE processed_business_keys (
  consumer     TEXT    NOT NULL,
  business_key TEXT    NOT NULL,              -- e.g. pi_1:payment.completed
  message_id   TEXT    NOT NULL,              -- the event that claimed it first
  received_at  INTEGER NOT NULL,
  PRIMARY KEY (consumer, business_key)
) STRICT, WITHOUT ROWID;

-- The flight-booking story: one row per booking the server records. It is paid at the payment
-- provider and its seat is held at the airline, two systems outside this database, so the row
-- keeps their references. Deliberately no UNIQUE on the intent: naive shows two rows for one trip.
CREATE TABLE flight_bookings (
  id                 INTEGER PRIMARY KEY,
  scope              TEXT    NOT NULL,
  intent             TEXT    NOT NULL,         -- the trip the traveller means to book once
  flight             TEXT    NOT NULL,
  idempotency_key_id INTEGER UNIQUE REFERENCES idempotency_keys (id) ON DELETE SET NULL,
  amount_cents       INTEGER NOT NULL CHECK (amount_cents > 0),
  status             TEXT    NOT NULL CHECK (status IN ('pending', 'paid', 'confirmed')),
  psp_charge_id      TEXT,                     -- set when the fare is charged
  airline_booking_id TEXT,                     -- set when the airline holds the seat
  created_at         INTEGER NOT NULL,
  CHECK (status = 'pending' OR psp_charge_id IS NOT NULL),
  CHECK (status <> 'confirmed' OR airline_booking_id IS NOT NULL)
) STRICT;

CREATE INDEX flight_bookings_intent ON flight_bookings (intent);

-- The users stories (put-vs-post, api-studio-create-user). POST /users and POST /create-user make
-- a new user each call, under an id the server picks ('usr_<id>'); PUT /users/<ref> writes the
-- user under the id the client picked. No UNIQUE on email: naive must be able to show two users
-- for one sign-up; the upsert strategy claims its natural key in user_emails instead.
CREATE TABLE users (
  id                 INTEGER PRIMARY KEY,
  ref                TEXT    NOT NULL UNIQUE,      -- the id in /users/<ref>
  scope              TEXT    NOT NULL,             -- the client that created it
  name               TEXT    NOT NULL,
  email              TEXT    NOT NULL,
  via                TEXT    NOT NULL,             -- the request that created it: "POST /users", "PUT /users/123"
  request_id         TEXT,                         -- the caller's X-Request-Id: logged, never used to dedupe
  idempotency_key_id INTEGER REFERENCES idempotency_keys (id) ON DELETE SET NULL,
  writes             INTEGER NOT NULL DEFAULT 1,   -- how many requests wrote it: a repeated PUT rewrites it
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
) STRICT;

-- The upsert strategy's natural key for a sign-up: one user per (client, email), claimed with
-- ON CONFLICT before the user exists (user_id is set in the same transaction).
CREATE TABLE user_emails (
  scope      TEXT    NOT NULL,
  email      TEXT    NOT NULL,
  user_id    INTEGER REFERENCES users (id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (scope, email)
) STRICT;

-- The queue consumer's tables (queue-redelivery): an "order placed" message ships the order,
-- takes its item out of stock and queues the customer's email, in one transaction.
-- Deliberately no UNIQUE on the order: naive shows two shipments for one order.
CREATE TABLE shipments (
  id         INTEGER PRIMARY KEY,
  order_ref  TEXT    NOT NULL,               -- the order the message is about
  sku        TEXT    NOT NULL,
  qty        INTEGER NOT NULL CHECK (qty > 0),
  message_id TEXT    NOT NULL,               -- the producer's id for the message
  delivery   TEXT    NOT NULL,               -- what the broker said: receive count, redelivered, offset
  created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX shipments_order ON shipments (order_ref);

-- Units on hand per product; a product's first shipment finds the starting stock (100).
CREATE TABLE stock (
  sku     TEXT    PRIMARY KEY,
  on_hand INTEGER NOT NULL
) STRICT;
