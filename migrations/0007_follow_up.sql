-- Applications made through the widget, followed in Greenhouse like exports. The Job Board API
-- answers without ids, so after delivery the worker asks Harvest for the person by email and
-- finds the application on the post it went to. The email is sealed (like the outbox's
-- answers) and deleted once the application is found, or after a day of not finding it; what
-- stays is ids only. Their stage and status then live in `candidate_status`, like exports'.
CREATE TABLE application_traces (
  -- The widget's submission id: the outbox row's id.
  id TEXT PRIMARY KEY,
  org TEXT NOT NULL,
  board TEXT NOT NULL,
  -- The board's job id (Greenhouse's job post id).
  job_id INTEGER NOT NULL,
  email TEXT,
  key_id TEXT,
  nonce TEXT,
  candidate_id INTEGER,
  application_id INTEGER,
  tries INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  found_at INTEGER
);
CREATE INDEX application_traces_due ON application_traces (next_at) WHERE email IS NOT NULL;
CREATE INDEX application_traces_found ON application_traces (org, application_id);

-- A status row is an export's (external_id) or a widget application's (submission_id; its
-- external_id is '').
ALTER TABLE candidate_status ADD COLUMN submission_id TEXT;

-- A host's registered list of people to re-match on a schedule. Each profile is sealed with
-- the vault (bound to the org and the host's ref); `answer` is a digest of the last answer's
-- summary (Greenhouse ids, stages, statuses; no personal data), and `found` its kind, so a run
-- sends only changes.
CREATE TABLE match_watch (
  org TEXT NOT NULL,
  ref TEXT NOT NULL,
  profile TEXT NOT NULL,
  key_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  found TEXT,
  answer TEXT,
  checked_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (org, ref)
);
CREATE INDEX match_watch_due ON match_watch (checked_at);
