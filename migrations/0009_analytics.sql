-- Owner analytics: counts only. One row per board, day (days since 1970-01-01, UTC), source,
-- kind and job (0: the board's list). Nothing about a visitor: no cookie, IP address or user
-- agent is ever stored. The worker adds to these from its isolates' in-memory counts in
-- batches (`n = n + excluded.n`), never once per view.
CREATE TABLE analytics (
  board TEXT NOT NULL,
  day INTEGER NOT NULL,
  source TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('list_view', 'job_view', 'start', 'submitted', 'delivered')),
  job_id INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (board, day, source, kind, job_id)
) WITHOUT ROWID;

-- The sources a board has on a day, at most 20 (later ones are counted as 'other'), so
-- links with made-up sources cannot grow the table without bound.
CREATE TABLE analytics_sources (
  board TEXT NOT NULL,
  day INTEGER NOT NULL,
  source TEXT NOT NULL,
  PRIMARY KEY (board, day, source)
) WITHOUT ROWID;

-- Where a widget application came from, to count it as delivered under the same source and
-- job when the outbox delivers it (NULL: not counted, such as a bot's or an export).
ALTER TABLE applications ADD COLUMN analytics_source TEXT;
ALTER TABLE applications ADD COLUMN analytics_job INTEGER;

-- The cron deletes counts older than 90 days by day.
CREATE INDEX analytics_by_day ON analytics (day);
CREATE INDEX analytics_sources_by_day ON analytics_sources (day);
