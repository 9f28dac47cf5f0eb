-- Greenhouse web hook deliveries already processed, by their Greenhouse-Event-ID.
CREATE TABLE webhook_events (
  id TEXT PRIMARY KEY,
  org TEXT NOT NULL,
  action TEXT NOT NULL,
  received_at INTEGER NOT NULL
);

-- Each board's last sync: when it last worked, its last error, and what it changed.
CREATE TABLE sync_status (
  board TEXT PRIMARY KEY,
  last_success_at INTEGER,
  last_error TEXT,
  last_error_at INTEGER,
  last_report TEXT
);
