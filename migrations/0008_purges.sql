-- Global purges of a board's cached responses (Cloudflare's purge API, by Cache-Tag) that have
-- not gone through yet. One row per board however many changes arrive (a later change only
-- moves `changed_at`: one purge of `board:{token}` covers them all). A row is written when a
-- board changes and deleted once Cloudflare confirms the purge; a failed attempt is retried by
-- the cron with the outbox's backoff, a bounded number of times. Only used when CF_ZONE_ID and
-- CF_PURGE_TOKEN are configured.
CREATE TABLE pending_purges (
  -- The canonical (lowercase) board token.
  board TEXT PRIMARY KEY,
  -- When the latest change the purge is for was recorded (ms): a successful purge that
  -- started before a newer change does not delete the row of that newer change.
  changed_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  -- When the next attempt is due (ms). An attempt under way holds it a little ahead, so the
  -- cron does not send the same purge at the same time.
  next_at INTEGER NOT NULL,
  -- Why the last attempt failed (a status or Cloudflare's error codes; never a message).
  last_error TEXT
);
CREATE INDEX pending_purges_due ON pending_purges (next_at);
