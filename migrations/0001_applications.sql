-- The application outbox. A row is written before Greenhouse is called, so nothing is lost
-- if Greenhouse (or this worker) fails; `id` is the widget's submission id, which makes a
-- repeated submission a no-op. Personal data (`body`, files) is deleted once delivered.
CREATE TABLE applications (
  id TEXT PRIMARY KEY,
  board TEXT NOT NULL,
  job_id INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('sending', 'queued', 'delivered', 'failed')),
  body TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX applications_due ON applications (status, next_attempt_at);

-- Files of applications not yet delivered, base64 as Greenhouse's JSON API takes them.
CREATE TABLE application_files (
  application_id TEXT NOT NULL,
  field TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_base64 TEXT NOT NULL,
  PRIMARY KEY (application_id, field)
);
