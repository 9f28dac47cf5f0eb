-- Owners manage their jobs: import mode, local fields, local jobs, and the host's callback
-- with its durable, ordered event outbox.

-- One row per org that changed anything about its jobs or registered a callback.
CREATE TABLE org_jobs (
  org TEXT PRIMARY KEY,
  mode TEXT NOT NULL DEFAULT 'automatic' CHECK (mode IN ('automatic', 'picker')),
  -- Milliseconds of the last change to the org's jobs: cached board copies carry it, and the
  -- newer decision wins in every cache layer.
  revision INTEGER NOT NULL DEFAULT 0,
  -- The picker's jobs and their statuses when an owner last looked ({"gh-1": "open", …}).
  seen TEXT,
  seen_at INTEGER,
  callback_url TEXT,
  callback_registered_at INTEGER,
  -- The signing secrets, sealed with the vault: {"current": "whsec_…", "previous": …}.
  callback_key_id TEXT,
  callback_nonce TEXT,
  callback_secret TEXT,
  previous_valid_until INTEGER,
  last_status INTEGER,
  last_attempt_at INTEGER
);

-- An owner's fields of one job, by key: gh-{Greenhouse job id}, post-{board job id},
-- local-{id}. Kept when the job closes in Greenhouse, so it returns with them.
CREATE TABLE job_fields (
  org TEXT NOT NULL,
  key TEXT NOT NULL,
  fields TEXT NOT NULL,
  -- The job's title when last seen on the board: shown for a job that has since closed.
  title TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (org, key)
);

-- Jobs made on the host. The visitor id is 10^15 + id.
CREATE TABLE local_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org TEXT NOT NULL,
  job TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX local_jobs_org ON local_jobs (org);

-- What the host was last told about each job on the org's visitor board.
CREATE TABLE job_log (
  org TEXT NOT NULL,
  job_id INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  digest TEXT NOT NULL,
  changed_at INTEGER NOT NULL,
  PRIMARY KEY (org, job_id)
);

-- Events for the host's callback, delivered in order per org (so per job), at least once.
CREATE TABLE host_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  org TEXT NOT NULL,
  -- The Standard Webhooks `webhook-id`: the same on every attempt.
  msg_id TEXT NOT NULL,
  type TEXT NOT NULL,
  job_id INTEGER,
  body TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'delivered', 'dropped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  claimed_until INTEGER,
  last_status INTEGER,
  created_at INTEGER NOT NULL,
  final_at INTEGER
);
CREATE INDEX host_events_queue ON host_events (org, state, seq);
CREATE INDEX host_events_final ON host_events (state, final_at);
