//! Syncing a board: refresh it now in every cache layer, report what changed, count the
//! org's Harvest jobs when Harvest is connected, and remember how it went. Run by the cron
//! (every connected board), by an owner's "sync now", and by Greenhouse's job web hooks.

use crate::cache::{self, Layers};
use crate::error::ApiError;
use crate::manage::Client;
use crate::snapshot::diff;
use crate::upstream::greenhouse_api::count_all;
use serde::Deserialize;
use shared::owner::{SyncReport, SyncStatus};
use worker::D1Database;

use crate::db;

/// How many jobs Harvest lists for the org (v3 first, v1 as legacy), if Harvest is connected.
async fn harvest_jobs(l: &Layers<'_>, db: &D1Database, org: &str, now: u64) -> Result<Option<usize>, ApiError> {
    let p = crate::manage::paging(l);
    let n = match crate::manage::harvest_client(l, db, org, now).await? {
        Some((Client::V3(h), _)) => count_all(&h, "jobs", &p).await,
        Some((Client::V1(h), _)) => count_all(&h, "jobs", &p).await,
        None => return Ok(None),
    };
    Ok(Some(n.map_err(ApiError::Upstream)?))
}

/// What asked for a sync: it decides whether Harvest's jobs are counted (an owner's "sync
/// now") and whether the board is purged everywhere without a visible difference (a web hook
/// or an owner says it changed; the cron purges only what its refresh found changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Cron,
    WebHook,
    Owner,
}

impl Trigger {
    /// Whether whoever asked says the board changed.
    pub fn announces_change(self) -> bool {
        matches!(self, Self::WebHook | Self::Owner)
    }
}

/// An owner's "sync now": syncs one board, counts its org's Harvest jobs, and records the
/// outcome under the org (`None`: a board only `SYNC_BOARDS` lists).
pub async fn board(l: &Layers<'_>, db: &D1Database, board: &str, org: Option<&str>, now: u64) -> Result<SyncReport, ApiError> {
    board_with(l, db, board, org, Trigger::Owner, now).await
}

pub async fn board_with(l: &Layers<'_>, db: &D1Database, board: &str, org: Option<&str>, trigger: Trigger, now: u64) -> Result<SyncReport, ApiError> {
    let count_harvest = trigger == Trigger::Owner && org.is_some();
    let result: Result<SyncReport, ApiError> = async {
        let (before, after) = cache::refresh_now(l, board, now).await?;
        let (added, updated, removed) = match &before {
            Some(b) => diff(b.view(), after.view()),
            None => (after.view().listing.jobs.iter().map(|j| j.id).collect(), vec![], vec![]),
        };
        // Every data centre's cached responses of the board go (nothing without the purge
        // configured): now, in the background when the request can keep working; the cron's
        // own changes in one request after its refreshes.
        let jobs_changed = !(added.is_empty() && updated.is_empty() && removed.is_empty());
        if crate::purge::should_purge(trigger.announces_change(), before.as_ref().map(|b| b.listing_etag.as_str()), &after.listing_etag, jobs_changed)
        {
            match trigger {
                Trigger::Cron => crate::purge::queue(l.cfg, db, board, now).await,
                Trigger::WebHook | Trigger::Owner => crate::purge::board_changed(l, board, now).await,
            }
        }
        // The host hears of what changed for its visitors (nothing without a callback).
        if let Some(o) = org {
            crate::events::observe(db, o, board, after.view(), before.as_ref().map(|b| b.view()), now).await?;
            crate::events::kick(l, o);
        }
        let harvest_jobs = match org.filter(|_| count_harvest) {
            Some(o) => harvest_jobs(l, db, o, now).await?,
            None => None,
        };
        Ok(SyncReport { board: board.to_string(), added, updated, removed, jobs: after.view().listing.jobs.len(), harvest_jobs, at: now })
    }
    .await;
    let now_js = db::num(now);
    match &result {
        Ok(report) => {
            db::run(
                db,
                "INSERT INTO sync_status (org, board, last_success_at, last_report) VALUES (?4, ?1, ?2, ?3) \
                 ON CONFLICT (org, board) DO UPDATE SET last_success_at = ?2, last_report = ?3",
                &[board.into(), now_js, serde_json::to_string(report).unwrap_or_default().into(), org.unwrap_or_default().into()],
            )
            .await?
        }
        Err(e) => {
            db::run(
                db,
                "INSERT INTO sync_status (org, board, last_error, last_error_at) VALUES (?4, ?1, ?2, ?3) \
                 ON CONFLICT (org, board) DO UPDATE SET last_error = ?2, last_error_at = ?3",
                &[board.into(), e.to_string().into(), now_js, org.unwrap_or_default().into()],
            )
            .await?
        }
    };
    result
}

#[derive(Deserialize)]
struct StatusRow {
    board: String,
    last_success_at: Option<f64>,
    last_error: Option<String>,
    last_error_at: Option<f64>,
    last_report: Option<String>,
}

/// How `org`'s syncs of `board` went (another org's syncs of a board are not shown).
pub async fn status(db: &D1Database, org: &str, board: &str) -> Result<Option<SyncStatus>, ApiError> {
    let row: Option<StatusRow> = db::first(
        db,
        "SELECT board, last_success_at, last_error, last_error_at, last_report FROM sync_status WHERE org = ?1 AND board = ?2",
        &[org.into(), board.into()],
    )
    .await?;
    Ok(row.map(|r| SyncStatus {
        board: r.board,
        last_success_at: r.last_success_at.map(|v| v as u64),
        last_error: r.last_error,
        last_error_at: r.last_error_at.map(|v| v as u64),
        last_report: r.last_report.and_then(|t| serde_json::from_str(&t).ok()),
    }))
}

/// At most this many boards are refreshed by one cron run, and at most twice as many
/// looked at: a run stays far inside a Worker's subrequest and time limits however many
/// boards are connected (10,000 boards at 100 a minute is a full pass every 100 minutes;
/// visitors' own stale-while-revalidate and web hooks keep busy boards fresher than that).
pub const CRON_BATCH: usize = 100;

/// The boards the cron should look at first: connected boards (and `SYNC_BOARDS`) whose
/// last known read from Greenhouse is oldest. Pure, so the order is tested natively.
pub fn cron_order(mut boards: Vec<(String, Option<String>, u64)>, sync_boards: &[String], now: u64, fresh_ms: u64) -> Vec<(String, Option<String>)> {
    for b in sync_boards {
        if !boards.iter().any(|(t, _, _)| t.eq_ignore_ascii_case(b)) {
            boards.push((b.to_ascii_lowercase(), None, 0));
        }
    }
    boards.retain(|(_, _, at)| now.saturating_sub(*at) >= fresh_ms);
    boards.sort_by_key(|(_, _, at)| *at);
    boards.into_iter().take(CRON_BATCH * 2).map(|(t, o, _)| (t, o)).collect()
}

/// The cron: the connected boards (and `SYNC_BOARDS`) whose copy is older than their
/// freshness window, oldest first, a bounded batch per run. A board that visitors keep
/// fresh costs one look (its copy's age is recorded, so it sinks in the order).
pub async fn all(l: &Layers<'_>, db: &D1Database, now: u64) -> Result<usize, ApiError> {
    #[derive(Deserialize)]
    struct Connected {
        org: String,
        account: String,
        last_success_at: Option<f64>,
    }
    let rows: Vec<Connected> = db::all(
        db,
        "SELECT c.org, c.account, s.last_success_at FROM credentials c \
         LEFT JOIN sync_status s ON s.org = c.org AND s.board = c.account WHERE c.kind = 'job_board'",
        &[],
    )
    .await?;
    let boards = rows.into_iter().map(|r| (r.account, Some(r.org), r.last_success_at.unwrap_or(0.0) as u64)).collect();
    let mut refreshed = 0;
    for (token, org) in cron_order(boards, &l.cfg.sync_boards, now, l.cfg.fresh_secs * 1000) {
        if refreshed == CRON_BATCH {
            break;
        }
        if let Some(at) = cache::fresh_copy_at(l, &token, now).await {
            // Fresh already (a visitor's refresh, a web hook): remember how fresh.
            db::run(
                db,
                "INSERT INTO sync_status (org, board, last_success_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (org, board) DO UPDATE SET last_success_at = MAX(COALESCE(last_success_at, 0), ?3)",
                &[org.clone().unwrap_or_default().into(), token.as_str().into(), db::num(at)],
            )
            .await?;
            continue;
        }
        refreshed += 1;
        if let Err(e) = board_with(l, db, &token, org.as_deref(), Trigger::Cron, now).await {
            worker::console_warn!("sync of {token}: {e}");
        }
    }
    Ok(refreshed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cron_looks_at_the_stalest_boards_first_and_a_bounded_number() {
        let now = 10_000_000;
        let boards = vec![
            ("fresh".to_string(), Some("a".to_string()), now - 1_000),
            ("old".to_string(), Some("b".to_string()), now - 900_000),
            ("never".to_string(), Some("c".to_string()), 0),
        ];
        let order: Vec<String> = cron_order(boards, &["listed".into(), "OLD".into()], now, 300_000).into_iter().map(|(t, _)| t).collect();
        assert_eq!(order, vec!["never", "listed", "old"], "fresh boards are skipped; SYNC_BOARDS are not listed twice");
        let many: Vec<_> = (0..1000).map(|i| (format!("b{i}"), None, i as u64)).collect();
        assert_eq!(cron_order(many, &[], now, 300_000).len(), CRON_BATCH * 2);
    }
}
