//! Configuration from the worker's environment, with production defaults.

/// Where Greenhouse's public Job Board API lives in production.
pub const DEFAULT_BOARDS_API: &str = "https://boards-api.greenhouse.io";

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Base URL of the Job Board API, without a trailing slash (`GREENHOUSE_BOARDS_API`).
    pub boards_api: String,
    /// How long a cached board counts as fresh (`CACHE_FRESH_SECONDS`, default 300).
    pub fresh_secs: u64,
    /// Upper bound on one upstream call (`UPSTREAM_TIMEOUT_MS`, default 8000).
    pub upstream_timeout_ms: u64,
}

impl Config {
    /// Builds the configuration from a lookup of variables; bad values fall back to defaults
    /// rather than taking the site down.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let num = |name: &str, default: u64, range: std::ops::RangeInclusive<u64>| {
            get(name).and_then(|v| v.trim().parse::<u64>().ok()).filter(|v| range.contains(v)).unwrap_or(default)
        };
        let boards_api = get("GREENHOUSE_BOARDS_API")
            .map(|s| s.trim().trim_end_matches('/').to_string())
            .filter(|s| s.starts_with("https://") || s.starts_with("http://"))
            .unwrap_or_else(|| DEFAULT_BOARDS_API.to_string());
        Self {
            boards_api,
            fresh_secs: num("CACHE_FRESH_SECONDS", 300, 0..=86_400),
            upstream_timeout_ms: num("UPSTREAM_TIMEOUT_MS", 8_000, 100..=60_000),
        }
    }

    pub fn from_env(env: &worker::Env) -> Self {
        Self::from_lookup(|name| env.var(name).ok().map(|v| v.to_string()))
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
    }

    #[test]
    fn upstream_is_configurable_and_normalised() {
        let c = cfg(&[("GREENHOUSE_BOARDS_API", " http://127.0.0.1:9999/ "), ("CACHE_FRESH_SECONDS", "5")]);
        assert_eq!(c.boards_api, "http://127.0.0.1:9999");
        assert_eq!(c.fresh_secs, 5);
    }

    #[test]
    fn nonsense_values_fall_back_to_defaults() {
        let c = cfg(&[("GREENHOUSE_BOARDS_API", "ftp://x"), ("CACHE_FRESH_SECONDS", "-1"), ("UPSTREAM_TIMEOUT_MS", "1")]);
        assert_eq!(c, cfg(&[]));
    }
}
