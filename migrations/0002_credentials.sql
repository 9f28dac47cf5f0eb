-- An organisation's Greenhouse credentials, one row per kind (job_board, harvest_v3,
-- harvest_v1, ingestion). The secret parts exist only as AES-256-GCM ciphertext (nonce +
-- ciphertext, org and kind as associated data); `account` and `hint` are the non-secret
-- identifiers and the last four characters shown to owners.
CREATE TABLE credentials (
  org TEXT NOT NULL,
  kind TEXT NOT NULL,
  region TEXT NOT NULL,
  account TEXT NOT NULL,
  hint TEXT NOT NULL,
  nonce TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  health TEXT NOT NULL,
  permissions TEXT NOT NULL DEFAULT '[]',
  message TEXT,
  verified_at INTEGER,
  checked_at INTEGER,
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (org, kind)
);
CREATE INDEX credentials_board ON credentials (kind, account);
