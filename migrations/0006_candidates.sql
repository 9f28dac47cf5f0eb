-- Candidates exported to Greenhouse ride the application outbox: the same sealed rows and
-- files, claims, backoff, states and retention. `kind` says which delivery a row is; owners'
-- lists of pending applications show applications only.
ALTER TABLE applications ADD COLUMN kind TEXT NOT NULL DEFAULT 'application' CHECK (kind IN ('application', 'export'));
CREATE INDEX applications_kind ON applications (org, kind, status);

-- One export per (org, the host's id for the person, job; 0 for a prospect): a repeat answers
-- the same Greenhouse ids. Progress is kept so a delivery that stopped half way (candidate
-- created, resume not yet attached) goes on where it stopped. No personal data here.
CREATE TABLE candidate_exports (
  org TEXT NOT NULL,
  external_id TEXT NOT NULL,
  job_id INTEGER NOT NULL,
  outbox_id TEXT NOT NULL,
  path TEXT CHECK (path IN ('ingestion', 'harvest_v3', 'harvest_v1')),
  candidate_id INTEGER,
  application_ids TEXT NOT NULL DEFAULT '[]',
  profile_url TEXT,
  -- When Greenhouse's asynchronous creation was seen finished.
  confirmed_at INTEGER,
  -- Whether the resume (if any) was attached to the candidate.
  resume_attached INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (org, external_id, job_id)
);
CREATE UNIQUE INDEX candidate_exports_outbox ON candidate_exports (outbox_id);

-- The current stage and status of each exported candidate's applications, from Greenhouse's
-- web hooks at once and from a poll as the safety net. Changes go to the host as
-- `candidate.status_changed` events.
CREATE TABLE candidate_status (
  org TEXT NOT NULL,
  application_id INTEGER NOT NULL,
  candidate_id INTEGER,
  external_id TEXT NOT NULL,
  job_id INTEGER NOT NULL,
  stage TEXT,
  status TEXT NOT NULL,
  last_activity_at TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (org, application_id)
);

-- When each org's exports were last polled.
CREATE TABLE candidate_polls (
  org TEXT PRIMARY KEY,
  polled_at INTEGER NOT NULL
);
