-- Trust before breadth: applications are never lost or left unreadable, tenancy is strict,
-- secrets rotate.

-- Applications: new states, sealed bodies, a fingerprint for idempotency conflicts, and
-- when a final state was reached (retention). SQLite cannot change a CHECK: rebuild.
--   sending          claimed by a worker for one attempt
--   queued           waiting for its next attempt (Greenhouse down, rate limited)
--   needs_attention  Greenhouse refused our key (or none is set): kept until an owner fixes it
--   delivered        Greenhouse has it (body and files deleted at once)
--   failed           Greenhouse refused the application itself, or attempts ran out: kept,
--                    with its body, for owners to retry or export until they dismiss it
--   dismissed        an owner dismissed a failed one (body and files deleted)
CREATE TABLE applications_v2 (
  id TEXT PRIMARY KEY,
  board TEXT NOT NULL,
  -- The org that owned the board when the application arrived (NULL for boards whose key is
  -- configured by the operator): only that org's owners see, export, retry or dismiss it.
  org TEXT,
  job_id INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('sending', 'queued', 'needs_attention', 'delivered', 'failed', 'dismissed')),
  -- 'mapped': Greenhouse's JSON body; 'raw': the submission as sent (no copy of the job's
  -- questions existed), mapped to Greenhouse's body at delivery.
  body_kind TEXT NOT NULL DEFAULT 'mapped' CHECK (body_kind IN ('mapped', 'raw')),
  body TEXT,
  -- The vault key the body is sealed with; NULL for rows written before sealing existed.
  key_id TEXT,
  nonce TEXT,
  -- sha256 of what the candidate sent: the same submission id with another body is a conflict.
  fingerprint TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  final_at INTEGER
);
-- Board tokens are case-insensitive (as in Greenhouse's URLs) and stored lower-case from now on.
UPDATE credentials SET account = lower(account) WHERE kind = 'job_board';
INSERT INTO applications_v2 (id, board, org, job_id, status, body, attempts, next_attempt_at, last_error, created_at, updated_at, final_at)
  SELECT id, lower(board), (SELECT c.org FROM credentials c WHERE c.kind = 'job_board' AND c.account = lower(a.board)),
         job_id, status, body, attempts, next_attempt_at, last_error, created_at, updated_at,
         CASE WHEN status IN ('delivered', 'failed') THEN updated_at END
  FROM applications a;
DROP TABLE applications;
ALTER TABLE applications_v2 RENAME TO applications;
CREATE INDEX applications_due ON applications (status, next_attempt_at);
CREATE INDEX applications_board ON applications (board, status);
CREATE INDEX applications_org ON applications (org, status);
CREATE INDEX applications_final ON applications (final_at);

-- Files: sealed like bodies (key id and nonce per file; NULL for older plain rows).
ALTER TABLE application_files ADD COLUMN key_id TEXT;
ALTER TABLE application_files ADD COLUMN nonce TEXT;

-- Credentials: the vault key each row is sealed with (rows before rotation used `k0`).
ALTER TABLE credentials ADD COLUMN key_id TEXT NOT NULL DEFAULT 'k0';
-- One board, one org: a board token can be connected by one org only, in any letter case
-- (a deployment where two orgs connected one board stops here: resolve it by hand first).
CREATE UNIQUE INDEX credentials_one_org_per_board ON credentials (lower(account)) WHERE kind = 'job_board';

-- Sync status per org (and '' for boards synced only because SYNC_BOARDS lists them).
CREATE TABLE sync_status_v2 (
  org TEXT NOT NULL DEFAULT '',
  board TEXT NOT NULL,
  last_success_at INTEGER,
  last_error TEXT,
  last_error_at INTEGER,
  last_report TEXT,
  PRIMARY KEY (org, board)
);
INSERT OR IGNORE INTO sync_status_v2 (org, board, last_success_at, last_error, last_error_at, last_report)
  SELECT COALESCE((SELECT org FROM credentials c WHERE c.kind = 'job_board' AND c.account = lower(s.board)), ''),
         lower(board), last_success_at, last_error, last_error_at, last_report
  FROM sync_status s;
DROP TABLE sync_status;
ALTER TABLE sync_status_v2 RENAME TO sync_status;

-- Web hook deliveries, de-duplicated per org (one org cannot shadow another's event ids).
CREATE TABLE webhook_events_v2 (
  org TEXT NOT NULL,
  id TEXT NOT NULL,
  action TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (org, id)
);
INSERT INTO webhook_events_v2 (org, id, action, received_at) SELECT org, id, action, received_at FROM webhook_events;
DROP TABLE webhook_events;
ALTER TABLE webhook_events_v2 RENAME TO webhook_events;
CREATE INDEX webhook_events_received ON webhook_events (received_at);

-- Leases: one cron run at a time (and any other singleton job).
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until_ms INTEGER NOT NULL
);
