-- When each board's tag was last sent to Cloudflare's purge API (ms), so that purges of one board
-- are at least PURGE_MIN_INTERVAL_SECONDS apart however often it changes: a change inside that
-- window is left in pending_purges, due when the window ends, and the cron sends it (one purge
-- then covers every change since). One row per board that changed; the cron deletes rows past
-- the window when it sends.
CREATE TABLE purge_sends (
  -- The canonical (lowercase) board token.
  board TEXT PRIMARY KEY,
  sent_at INTEGER NOT NULL
);
