//! Capacity on paper: what 10,000 connected boards and 1,000 visitor requests per second
//! cost per day, from costs the benchmark measures per operation (the worker's own counters,
//! read through its debug statistics route), set against Cloudflare's published limits.

use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Counters per operation: upstream calls, KV reads and puts, Cache API reads and puts,
/// D1 statements.
pub type Cost = BTreeMap<String, f64>;

/// The counters that matter for the plan, in the worker's names.
pub const RESOURCES: [&str; 8] =
    ["upstream_calls", "kv_reads", "kv_puts", "edge_reads", "edge_puts", "d1_statements", "d1_rows_read", "d1_rows_written"];

/// What changed between two statistics snapshots (`ops`), divided by `n` operations.
pub fn per_op(before: &Value, after: &Value, n: f64) -> Cost {
    RESOURCES
        .iter()
        .map(|r| {
            let d = after["ops"][r].as_f64().unwrap_or(0.0) - before["ops"][r].as_f64().unwrap_or(0.0);
            (r.to_string(), d / n.max(1.0))
        })
        .collect()
}

/// The scenario the README's table answers.
pub struct Scenario {
    pub boards: f64,
    pub requests_per_sec: f64,
    pub fresh_secs: f64,
    pub applications_per_day: f64,
    pub cron_runs_per_day: f64,
    /// Places (data centres, isolates) that each take a board's newer copy from the slower
    /// layers once per freshness window (memory answers the rest): the cross-isolate refill.
    /// 1,000 requests/s over 10,000 boards is 30 requests per board per 5-minute window;
    /// we assume they land in 10 places.
    pub isolates: f64,
}

pub const SCENARIO: Scenario = Scenario {
    boards: 10_000.0,
    requests_per_sec: 1_000.0,
    fresh_secs: 300.0,
    applications_per_day: 10_000.0,
    cron_runs_per_day: 1_440.0,
    isolates: 10.0,
};

/// Measured costs per operation.
pub struct Measured {
    /// A visitor request answered from a fresh memory copy.
    pub hot_request: Cost,
    /// A refresh from Greenhouse (a visitor's miss or a background refresh), all layers written.
    pub refresh: Cost,
    /// An isolate taking a newer copy from the slower layers (Cache API, then KV).
    pub refill: Cost,
    /// One cron run with nothing to do (lease, outbox, candidates, health, purge).
    pub cron_idle: Cost,
    /// What each connected board adds to every cron run (its row in the candidates query).
    pub cron_per_board: Cost,
    /// One application delivered at once.
    pub application: Cost,
}

/// Operations per day in the scenario, per kind.
pub fn volumes(s: &Scenario) -> [(&'static str, f64); 6] {
    let requests = s.requests_per_sec * 86_400.0;
    let windows = 86_400.0 / s.fresh_secs;
    // Every board refreshed once per window at most (the cross-isolate lock), whether by a
    // visitor, a web hook or the cron: the upper bound.
    let refreshes = s.boards * windows;
    // Each isolate refills a board it serves at most once per window, and never more often
    // than it is asked: bounded by both.
    let refills = (s.isolates * s.boards * windows).min(requests);
    [
        ("hot_request", requests),
        ("refresh", refreshes),
        ("refill", refills),
        ("cron_idle", s.cron_runs_per_day),
        ("cron_per_board", s.cron_runs_per_day * s.boards),
        ("application", s.applications_per_day),
    ]
}

/// Per-day totals per resource.
pub fn per_day(m: &Measured, s: &Scenario) -> BTreeMap<String, f64> {
    let mut total: BTreeMap<String, f64> = RESOURCES.iter().map(|r| (r.to_string(), 0.0)).collect();
    for (kind, n) in volumes(s) {
        let cost = match kind {
            "hot_request" => &m.hot_request,
            "refresh" => &m.refresh,
            "refill" => &m.refill,
            "cron_idle" => &m.cron_idle,
            "cron_per_board" => &m.cron_per_board,
            _ => &m.application,
        };
        for (r, c) in cost {
            *total.entry(r.clone()).or_default() += c * n;
        }
    }
    total.insert("requests".into(), s.requests_per_sec * 86_400.0);
    total
}

/// One published figure: the Free plan's daily limit, and what Workers Paid includes per
/// day (a month's inclusion / 30) before it bills, at what price per million.
pub struct Limit {
    pub resource: &'static str,
    pub what: &'static str,
    pub free_per_day: f64,
    pub paid_included_per_day: f64,
    pub paid_usd_per_million: f64,
}

/// Cloudflare's published Workers, KV and D1 pricing and limits (2026).
pub const LIMITS: [Limit; 5] = [
    Limit { resource: "requests", what: "Workers requests", free_per_day: 100_000.0, paid_included_per_day: 10e6 / 30.0, paid_usd_per_million: 0.30 },
    Limit { resource: "kv_reads", what: "KV reads", free_per_day: 100_000.0, paid_included_per_day: 10e6 / 30.0, paid_usd_per_million: 0.50 },
    Limit { resource: "kv_puts", what: "KV writes", free_per_day: 1_000.0, paid_included_per_day: 1e6 / 30.0, paid_usd_per_million: 5.00 },
    Limit { resource: "d1_rows_read", what: "D1 rows read", free_per_day: 5e6, paid_included_per_day: 25e9 / 30.0, paid_usd_per_million: 0.001 },
    Limit {
        resource: "d1_rows_written",
        what: "D1 rows written",
        free_per_day: 100_000.0,
        paid_included_per_day: 50e6 / 30.0,
        paid_usd_per_million: 1.00,
    },
];

/// The report: a row per resource with the per-day figure, the Free plan's limit and the
/// Paid plan's inclusion and cost, and the first limit the scenario reaches on each plan
/// (on Free: the hard limit passed by the largest factor; on Paid, whose quotas are billed
/// rather than enforced: the inclusion passed by the largest factor).
pub fn report(m: &Measured, s: &Scenario) -> Value {
    let day = per_day(m, s);
    let mut rows = Vec::new();
    let mut first_free: Option<(f64, &str)> = None;
    let mut first_paid: Option<(f64, &str)> = None;
    let mut usd = 0.0;
    for l in LIMITS {
        let v = day.get(l.resource).copied().unwrap_or(0.0);
        let (uf, up) = (v / l.free_per_day, v / l.paid_included_per_day);
        if uf >= 1.0 && first_free.is_none_or(|(u, _)| uf > u) {
            first_free = Some((uf, l.what));
        }
        if up >= 1.0 && first_paid.is_none_or(|(u, _)| up > u) {
            first_paid = Some((up, l.what));
        }
        let cost = (v - l.paid_included_per_day).max(0.0) / 1e6 * l.paid_usd_per_million;
        usd += cost;
        rows.push(json!({"resource": l.resource, "what": l.what, "per_day": v, "free_limit_per_day": l.free_per_day,
                         "paid_included_per_day": l.paid_included_per_day, "paid_usd_per_day": cost}));
    }
    json!({
        "scenario": {"boards": s.boards, "requests_per_sec": s.requests_per_sec, "fresh_secs": s.fresh_secs,
                     "applications_per_day": s.applications_per_day, "cron_runs_per_day": s.cron_runs_per_day, "isolates": s.isolates},
        "per_day": day, "limits": rows, "paid_usd_per_day": usd,
        "first_limit_free": first_free.map(|(_, w)| w), "first_quota_paid": first_paid.map(|(_, w)| w),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(pairs: &[(&str, f64)]) -> Cost {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn per_day_multiplies_measured_costs_by_volumes() {
        let m = Measured {
            hot_request: cost(&[]),
            refresh: cost(&[("upstream_calls", 4.0), ("kv_puts", 1.0)]),
            refill: cost(&[("kv_reads", 1.0)]),
            cron_idle: cost(&[("d1_statements", 6.0)]),
            cron_per_board: cost(&[("d1_rows_read", 2.0)]),
            application: cost(&[("d1_statements", 3.0), ("upstream_calls", 1.0)]),
        };
        let s =
            Scenario { boards: 10.0, requests_per_sec: 1.0, fresh_secs: 86_400.0, applications_per_day: 2.0, cron_runs_per_day: 10.0, isolates: 3.0 };
        let d = per_day(&m, &s);
        assert_eq!(d["upstream_calls"], 10.0 * 4.0 + 2.0, "one refresh per board per window, plus applications");
        assert_eq!(d["kv_reads"], 30.0, "isolates × boards × windows, below the request count");
        assert_eq!(d["d1_statements"], 60.0 + 6.0);
        assert_eq!(d["d1_rows_read"], 2.0 * 10.0 * 10.0, "every run reads every connected board's row");
        assert_eq!(d["requests"], 86_400.0);
        let r = report(&m, &s);
        assert_eq!(r["first_limit_free"], Value::Null, "86,400 requests a day fit the free plan");
    }

    #[test]
    fn the_scenario_names_the_free_plans_request_limit_first() {
        let zero = Measured {
            hot_request: cost(&[]),
            refresh: cost(&[]),
            refill: cost(&[]),
            cron_idle: cost(&[]),
            cron_per_board: cost(&[]),
            application: cost(&[]),
        };
        let r = report(&zero, &SCENARIO);
        assert_eq!(r["first_limit_free"], "Workers requests");
        assert_eq!(r["first_quota_paid"], "Workers requests", "86.4 M requests a day pass the included 10 M a month");
        let d = per_op(&json!({"ops": {"kv_reads": 10}}), &json!({"ops": {"kv_reads": 30}}), 4.0);
        assert_eq!(d["kv_reads"], 5.0);
    }
}
