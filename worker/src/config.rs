//! Configuration from the worker's environment, with production defaults.

/// Where Greenhouse's public Job Board API lives in production.
pub const DEFAULT_BOARDS_API: &str = "https://boards-api.greenhouse.io";

/// A value that must never be printed: `Debug` shows only that it is there.
#[derive(Clone, Default, PartialEq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(v: T) -> Self {
        Self(v)
    }
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Greenhouse hosts per region. Credentials are only ever sent to these.
#[derive(Debug, Clone, PartialEq)]
pub struct Hosts {
    pub boards_eu: String,
    pub harvest: [String; 2],
    pub auth: [String; 2],
    pub ingestion: [String; 2],
    boards_us: String,
}

impl Hosts {
    fn at(pair: &[String; 2], r: shared::owner::Region) -> &str {
        match r {
            shared::owner::Region::Us => &pair[0],
            shared::owner::Region::Eu => &pair[1],
        }
    }
    pub fn boards(&self, r: shared::owner::Region) -> &str {
        match r {
            shared::owner::Region::Us => &self.boards_us,
            shared::owner::Region::Eu => &self.boards_eu,
        }
    }
    pub fn harvest(&self, r: shared::owner::Region) -> &str {
        Self::at(&self.harvest, r)
    }
    pub fn auth(&self, r: shared::owner::Region) -> &str {
        Self::at(&self.auth, r)
    }
    pub fn ingestion(&self, r: shared::owner::Region) -> &str {
        Self::at(&self.ingestion, r)
    }
}

/// The vault's keys: id → base64 key, and the id new records are sealed with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VaultKeys {
    pub active: String,
    pub keys: std::collections::HashMap<String, String>,
}

impl VaultKeys {
    /// `VAULT_KEYS` (`{"active": "id", "keys": {"id": "base64", …}}`) plus the single
    /// `VAULT_KEY` as id `k0` (active when `VAULT_KEYS` does not name one).
    pub fn parse(keys: Option<&str>, single: Option<&str>) -> Self {
        #[derive(serde::Deserialize)]
        struct Keys {
            active: String,
            keys: std::collections::HashMap<String, String>,
        }
        let mut out = VaultKeys::default();
        if let Some(k) = keys.and_then(|j| serde_json::from_str::<Keys>(j).ok()) {
            out.active = k.active;
            out.keys = k.keys;
        }
        if let Some(s) = single.map(str::trim).filter(|s| !s.is_empty()) {
            out.keys.entry(crate::vault::LEGACY_KEY_ID.to_string()).or_insert_with(|| s.to_string());
            if out.active.is_empty() {
                out.active = crate::vault::LEGACY_KEY_ID.to_string();
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Base URL of the Job Board API, without a trailing slash (`GREENHOUSE_BOARDS_API`).
    pub boards_api: String,
    /// How long a cached board counts as fresh (`CACHE_FRESH_SECONDS`, default 300).
    pub fresh_secs: u64,
    /// Per-board overrides (`CACHE_FRESH_SECONDS_PER_BOARD`, `{"board": seconds}`).
    pub fresh_per_board: std::collections::HashMap<String, u64>,
    /// How long past freshness a copy is still served while it refreshes in the background
    /// (`CACHE_STALE_SECONDS`, default 86400).
    pub stale_secs: u64,
    /// Upper bound on one upstream call (`UPSTREAM_TIMEOUT_MS`, default 8000).
    pub upstream_timeout_ms: u64,
    /// Job Board API keys per board token (`JOB_BOARD_API_KEYS`, a secret holding a JSON
    /// object). Used only as Basic auth on application POSTs to `boards_api`.
    pub job_board_keys: Secret<std::collections::HashMap<String, String>>,
    /// First retry delay of the application outbox (`OUTBOX_BACKOFF_SECONDS`, default 60).
    pub outbox_backoff_secs: u64,
    /// The shortest time between two purges of one board (`PURGE_MIN_INTERVAL_SECONDS`,
    /// default 30): changes inside it are purged together when it ends.
    pub purge_min_interval_secs: u64,
    /// The authenticated APIs' hosts, US and EU (`GREENHOUSE_HARVEST_API[_EU]`,
    /// `GREENHOUSE_AUTH_API[_EU]`, `GREENHOUSE_INGESTION_API[_EU]`, `GREENHOUSE_BOARDS_API_EU`).
    pub hosts: Hosts,
    /// Owner-token signers per issuing host site, with the orgs each may act for
    /// (`OWNER_TOKEN_SECRETS`, a JSON secret; see [`crate::auth::parse_signers`]).
    pub owner_secrets: Secret<std::collections::HashMap<String, crate::auth::Signer>>,
    /// The audience owner tokens must name (`OWNER_TOKEN_AUDIENCE`).
    pub owner_audience: String,
    /// The vault's keys by id and the active one (`VAULT_KEYS`, and `VAULT_KEY` as id `k0`).
    pub vault_keys: Secret<VaultKeys>,
    /// When set, applications need a valid Cloudflare Turnstile token (`TURNSTILE_SECRET`).
    pub turnstile_secret: Secret<String>,
    /// Where Turnstile tokens are verified (`TURNSTILE_VERIFY_URL`).
    pub turnstile_verify_url: String,
    /// Boards the cron refreshes besides connected ones (`SYNC_BOARDS`, comma-separated).
    pub sync_boards: Vec<String>,
    /// Page size for Harvest lists (`HARVEST_PER_PAGE`, default 100, at most 500).
    pub harvest_per_page: u32,
    /// Harvest's rate-limit window in seconds (`HARVEST_WINDOW_SECONDS`, default 10).
    pub harvest_window_secs: u64,
    /// Days an application (and a web hook event id) is kept after its final state
    /// (`RETENTION_DAYS`, default 30).
    pub retention_days: u64,
    /// A board's web hooks refresh it at most once per this many seconds, however many
    /// deliveries (or replays) arrive (`WEBHOOK_REFRESH_SECONDS`, default 10).
    pub webhook_refresh_secs: u64,
    /// The read path's negative cache, memory bounds and statistics switch (`cache.rs`).
    pub cache: crate::cache::Settings,
    /// URL prefixes a callback may use although they are not public `https` (development
    /// receivers: `CALLBACK_ALLOW`, comma-separated, e.g. `http://127.0.0.1:`). Empty in
    /// production.
    pub callback_allow: Vec<String>,
    /// How often the cron asks Harvest about exported candidates' applications
    /// (`STATUS_POLL_SECONDS`, default 900).
    pub status_poll_secs: u64,
    /// How long a match's attachment link works (`ATTACHMENT_LINK_SECONDS`, default 600).
    pub attachment_link_secs: u64,
    /// How often each profile of a host's watch list is matched again (`REMATCH_SECONDS`,
    /// default 86,400: daily).
    pub rematch_secs: u64,
    /// The global purge through Cloudflare's API (`CF_ZONE_ID`, the secret `CF_PURGE_TOKEN`,
    /// `CF_API_BASE`); `None` (no purge, as before) unless the zone and the token are both set.
    pub purge: Option<crate::purge::Settings>,
}

impl Config {
    /// Builds the configuration from a lookup of variables; bad values fall back to defaults
    /// rather than taking the site down.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let num = |name: &str, default: u64, range: std::ops::RangeInclusive<u64>| {
            get(name).and_then(|v| v.trim().parse::<u64>().ok()).filter(|v| range.contains(v)).unwrap_or(default)
        };
        let url = |name: &str, default: &str| {
            get(name)
                .map(|s| s.trim().trim_end_matches('/').to_string())
                .filter(|s| s.starts_with("https://") || s.starts_with("http://"))
                .unwrap_or_else(|| default.to_string())
        };
        let boards_api = get("GREENHOUSE_BOARDS_API")
            .map(|s| s.trim().trim_end_matches('/').to_string())
            .filter(|s| s.starts_with("https://") || s.starts_with("http://"))
            .unwrap_or_else(|| DEFAULT_BOARDS_API.to_string());
        Self {
            boards_api,
            fresh_secs: num("CACHE_FRESH_SECONDS", 300, 0..=86_400),
            stale_secs: num("CACHE_STALE_SECONDS", 86_400, 0..=30 * 86_400),
            fresh_per_board: get("CACHE_FRESH_SECONDS_PER_BOARD")
                .and_then(|j| serde_json::from_str::<std::collections::HashMap<String, u64>>(&j).ok())
                .map(|m| m.into_iter().filter(|(_, v)| *v <= 86_400).map(|(k, v)| (k.to_ascii_lowercase(), v)).collect())
                .unwrap_or_default(),
            upstream_timeout_ms: num("UPSTREAM_TIMEOUT_MS", 8_000, 100..=60_000),
            // Board tokens are case-insensitive (as in Greenhouse's URLs): keys are looked up lower-cased.
            job_board_keys: Secret::new(
                get("JOB_BOARD_API_KEYS")
                    .and_then(|j| serde_json::from_str::<std::collections::HashMap<String, String>>(&j).ok())
                    .map(|m| m.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect())
                    .unwrap_or_default(),
            ),
            outbox_backoff_secs: num("OUTBOX_BACKOFF_SECONDS", 60, 0..=86_400),
            purge_min_interval_secs: num("PURGE_MIN_INTERVAL_SECONDS", 30, 0..=3_600),
            hosts: Hosts {
                boards_us: String::new(),
                boards_eu: url("GREENHOUSE_BOARDS_API_EU", "https://boards-api.eu.greenhouse.io"),
                harvest: [
                    url("GREENHOUSE_HARVEST_API", "https://harvest.greenhouse.io"),
                    url("GREENHOUSE_HARVEST_API_EU", "https://harvest.eu.greenhouse.io"),
                ],
                auth: [url("GREENHOUSE_AUTH_API", "https://auth.greenhouse.io"), url("GREENHOUSE_AUTH_API_EU", "https://auth.eu.greenhouse.io")],
                ingestion: [
                    url("GREENHOUSE_INGESTION_API", "https://api.greenhouse.io"),
                    url("GREENHOUSE_INGESTION_API_EU", "https://api.eu.greenhouse.io"),
                ],
            },
            owner_secrets: Secret::new(get("OWNER_TOKEN_SECRETS").map(|j| crate::auth::parse_signers(&j)).unwrap_or_default()),
            owner_audience: get("OWNER_TOKEN_AUDIENCE").filter(|a| !a.trim().is_empty()).unwrap_or_else(|| crate::auth::DEFAULT_AUDIENCE.into()),
            vault_keys: Secret::new(VaultKeys::parse(get("VAULT_KEYS").as_deref(), get("VAULT_KEY").as_deref())),
            turnstile_secret: Secret::new(get("TURNSTILE_SECRET").unwrap_or_default()),
            turnstile_verify_url: url("TURNSTILE_VERIFY_URL", "https://challenges.cloudflare.com/turnstile/v0/siteverify"),
            sync_boards: get("SYNC_BOARDS")
                .map(|s| s.split(',').map(str::trim).filter(|b| shared::api::valid_board_token(b)).map(str::to_string).collect())
                .unwrap_or_default(),
            harvest_per_page: num("HARVEST_PER_PAGE", 100, 1..=500) as u32,
            harvest_window_secs: num("HARVEST_WINDOW_SECONDS", 10, 1..=60),
            retention_days: num("RETENTION_DAYS", 30, 1..=3650),
            webhook_refresh_secs: num("WEBHOOK_REFRESH_SECONDS", 10, 0..=3600),
            cache: crate::cache::Settings::from_lookup(&get),
            status_poll_secs: num("STATUS_POLL_SECONDS", 900, 0..=86_400),
            attachment_link_secs: num("ATTACHMENT_LINK_SECONDS", 600, 1..=3_600),
            rematch_secs: num("REMATCH_SECONDS", 86_400, 0..=30 * 86_400),
            callback_allow: get("CALLBACK_ALLOW")
                .map(|s| s.split(',').map(str::trim).filter(|p| p.starts_with("http://") || p.starts_with("https://")).map(str::to_string).collect())
                .unwrap_or_default(),
            purge: crate::purge::Settings::parse(
                get("CF_ZONE_ID").as_deref(),
                get("CF_PURGE_TOKEN").as_deref(),
                &url("CF_API_BASE", crate::purge::DEFAULT_API_BASE),
            ),
        }
        .with_boards_us()
    }

    fn with_boards_us(mut self) -> Self {
        self.hosts.boards_us = self.boards_api.clone();
        self
    }

    /// Reads vars and secrets alike (a secret wins over a var of the same name).
    pub fn from_env(env: &worker::Env) -> Self {
        Self::from_lookup(|name| env.secret(name).ok().map(|v| v.to_string()).or_else(|| env.var(name).ok().map(|v| v.to_string())))
    }

    /// How long `board`'s cached copy counts as fresh.
    pub fn fresh_for(&self, board: &str) -> u64 {
        self.fresh_per_board.get(&board.to_ascii_lowercase()).copied().unwrap_or(self.fresh_secs)
    }

    /// The Job Board API key for a board, if one is configured.
    pub fn job_board_key(&self, board: &str) -> Option<&str> {
        self.job_board_keys.expose().get(&board.to_ascii_lowercase()).map(String::as_str).filter(|k| !k.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Config {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn defaults_point_at_production_greenhouse() {
        let c = cfg(&[]);
        assert_eq!(c.boards_api, "https://boards-api.greenhouse.io");
        assert_eq!(c.fresh_secs, 300);
        assert_eq!(c.upstream_timeout_ms, 8000);
        assert_eq!(c.hosts.harvest(shared::owner::Region::Eu), "https://harvest.eu.greenhouse.io");
        assert_eq!(c.hosts.boards(shared::owner::Region::Us), "https://boards-api.greenhouse.io");
        assert_eq!(c.owner_audience, "greenhouse-edge");
    }

    #[test]
    fn upstream_is_configurable_and_normalised() {
        let c = cfg(&[("GREENHOUSE_BOARDS_API", " http://127.0.0.1:9999/ "), ("CACHE_FRESH_SECONDS", "5")]);
        assert_eq!(c.boards_api, "http://127.0.0.1:9999");
        assert_eq!(c.fresh_secs, 5);
    }

    #[test]
    fn job_board_keys_are_read_but_never_printed() {
        let c = cfg(&[("JOB_BOARD_API_KEYS", r#"{"acme":"0d031d8227eafa61dc375a6c2e067e24"}"#)]);
        assert_eq!(c.job_board_key("acme"), Some("0d031d8227eafa61dc375a6c2e067e24"));
        assert_eq!(c.job_board_key("other"), None);
        assert_eq!(c.job_board_key("ACME"), Some("0d031d8227eafa61dc375a6c2e067e24"), "board tokens are case-insensitive");
        assert!(!format!("{c:?}").contains("0d031d82"), "Debug redacts the keys");
        let c = cfg(&[("VAULT_KEY", "c2VjcmV0LXZhdWx0LWtleQ=="), ("OWNER_TOKEN_SECRETS", r#"{"site":"host-secret-xyz"}"#)]);
        let d = format!("{c:?}");
        assert!(!d.contains("c2VjcmV0") && !d.contains("host-secret-xyz"), "{d}");
    }

    #[test]
    fn vault_keys_combine_the_old_single_key_and_the_rotation_set() {
        let single = VaultKeys::parse(None, Some("AAAA"));
        assert_eq!((single.active.as_str(), single.keys.len()), ("k0", 1));
        let both = VaultKeys::parse(Some(r#"{"active":"2026-11","keys":{"2026-11":"BBBB"}}"#), Some("AAAA"));
        assert_eq!(both.active, "2026-11");
        assert_eq!(both.keys.get("k0").map(String::as_str), Some("AAAA"), "old rows stay readable");
        assert_eq!(VaultKeys::parse(Some("nonsense"), None), VaultKeys::default());
    }

    #[test]
    fn freshness_can_be_set_per_board() {
        let c = cfg(&[("CACHE_FRESH_SECONDS", "60"), ("CACHE_FRESH_SECONDS_PER_BOARD", r#"{"busy": 15, "huge": 999999}"#)]);
        assert_eq!(c.fresh_for("busy"), 15);
        assert_eq!(c.fresh_for("other"), 60);
        assert_eq!(c.fresh_for("huge"), 60, "out-of-range overrides are ignored");
    }

    #[test]
    fn the_purge_needs_a_zone_and_a_token_and_never_prints_the_token() {
        assert_eq!(cfg(&[]).purge, None, "off by default: behaviour as before");
        let zone = ("CF_ZONE_ID", "0123456789abcdef0123456789abcdef");
        assert_eq!(cfg(&[zone]).purge, None, "a zone without a token");
        assert_eq!(cfg(&[("CF_PURGE_TOKEN", "cf-token-7f3e")]).purge, None, "a token without a zone");
        let c = cfg(&[zone, ("CF_PURGE_TOKEN", "cf-token-7f3e")]);
        let p = c.purge.as_ref().unwrap();
        assert_eq!(p.api_base, "https://api.cloudflare.com/client/v4");
        assert!(!format!("{c:?}").contains("cf-token-7f3e"), "Debug redacts the token");
        let c = cfg(&[zone, ("CF_PURGE_TOKEN", "cf-token-7f3e"), ("CF_API_BASE", "http://127.0.0.1:9/")]);
        assert_eq!(c.purge.unwrap().url(), "http://127.0.0.1:9/zones/0123456789abcdef0123456789abcdef/purge_cache");
        // One board's purges at least 30 s apart unless set; out of range falls back.
        assert_eq!(cfg(&[]).purge_min_interval_secs, 30);
        assert_eq!(cfg(&[("PURGE_MIN_INTERVAL_SECONDS", "0")]).purge_min_interval_secs, 0);
        assert_eq!(cfg(&[("PURGE_MIN_INTERVAL_SECONDS", "86400")]).purge_min_interval_secs, 30);
    }

    #[test]
    fn nonsense_values_fall_back_to_defaults() {
        let c = cfg(&[("GREENHOUSE_BOARDS_API", "ftp://x"), ("CACHE_FRESH_SECONDS", "-1"), ("UPSTREAM_TIMEOUT_MS", "1")]);
        assert_eq!(c, cfg(&[]));
    }
}
