//! The host's registered list: people it wants re-matched against Greenhouse on a schedule
//! (`REMATCH_SECONDS`, daily by default), told only when the answer changes.
//!
//! Unlike a one-off match, the list has to be kept, so each profile is sealed with the vault
//! (bound to the org and the host's `ref`). Of each answer only its kind and a digest of its
//! summary are kept (Greenhouse ids, jobs, stages, statuses, recruiters: no contact data), and
//! a change goes to the host as a signed `candidate.match_changed` event that names the person
//! by the host's `ref`. Contacts and attachments are for a live match (`POST …/matches`).

use crate::cache::Layers;
use crate::db;
use crate::error::ApiError;
use crate::manage::{Client, Reach, RunClients};
use crate::vault::{Sealed, Vault};
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use shared::candidates::{Found, MatchInput, MatchResult, MatchedApplication, MatchedCandidate, WatchList, WatchStatus};
use worker::D1Database;

/// Profiles matched per cron run at most (each is one to five Harvest calls).
const PER_RUN: u32 = 10;
/// Of one org, per run.
const PER_ORG: u32 = 4;

fn aad(org: &str, reference: &str) -> String {
    format!("watch={org}/{reference}")
}

fn found_slug(f: Found) -> &'static str {
    match f {
        Found::NotFound => "not_found",
        Found::Prospect => "prospect",
        Found::Applicant => "applicant",
    }
}

/// What an event says of an answer, and what its digest covers: who in Greenhouse, on which
/// jobs, at which stage and status, with which recruiter. Last-activity times are sent but
/// not compared (every note would be a change).
pub fn summary(m: &MatchResult) -> (Value, String) {
    // In id order, so Harvest's list order is no change.
    let mut candidates: Vec<&MatchedCandidate> = m.candidates.iter().collect();
    candidates.sort_by_key(|c| c.id);
    let apps = |c: &MatchedCandidate| {
        let mut a: Vec<MatchedApplication> = c.applications.clone();
        a.sort_by_key(|a| a.id);
        a
    };
    let people: Vec<Value> = candidates
        .iter()
        .map(|c| {
            json!({
                "candidate_id": c.id,
                "profile_url": c.profile_url,
                "recruiter": c.recruiter,
                "applications": apps(c).iter().map(|a| json!({
                    "id": a.id, "job": a.job, "prospect": a.prospect, "stage": a.stage, "status": a.status, "recruiter": a.recruiter,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let digest = B64.encode(Sha256::digest(json!({"found": found_slug(m.found), "candidates": people}).to_string().as_bytes()));
    let mut shown = people;
    for (p, c) in shown.iter_mut().zip(&candidates) {
        p["last_activity_at"] = json!(c.last_activity_at);
        if let Some(list) = p["applications"].as_array_mut() {
            for (a, m) in list.iter_mut().zip(apps(c)) {
                a["last_activity_at"] = json!(m.last_activity_at);
            }
        }
    }
    (json!(shown), digest)
}

/// The digest of "not in Greenhouse": what a profile never matched counts as, so a person
/// who is not there sends nothing until they appear.
fn nobody() -> String {
    summary(&MatchResult { found: Found::NotFound, candidates: vec![] }).1
}

#[derive(Deserialize)]
struct Stored {
    #[serde(rename = "ref")]
    reference: String,
    profile: String,
    key_id: String,
    nonce: String,
}

fn open(vault: &Vault, org: &str, s: &Stored) -> Option<MatchInput> {
    let sealed = Sealed { key_id: s.key_id.clone(), nonce: s.nonce.clone(), ciphertext: s.profile.clone() };
    serde_json::from_slice(&vault.open_aad(&aad(org, &s.reference), &sealed).ok()?).ok()
}

/// Replaces the org's list. A profile kept unchanged under its ref keeps its place; a new or
/// changed one is matched on the next run, and a changed one is compared with the last answer
/// for its ref (the host's person is the same). Only the email is kept: it is all a match uses.
pub async fn replace(db: &D1Database, vault: &Vault, org: &str, list: &WatchList, now: u64) -> Result<(), ApiError> {
    let stored: Vec<Stored> = db::all(db, "SELECT ref, profile, key_id, nonce FROM match_watch WHERE org = ?1", &[org.into()]).await?;
    let mut statements = Vec::new();
    for s in &stored {
        if !list.profiles.iter().any(|p| p.reference.trim() == s.reference) {
            statements.push(db::stmt(db, "DELETE FROM match_watch WHERE org = ?1 AND ref = ?2", &[org.into(), s.reference.as_str().into()])?);
        }
    }
    for p in &list.profiles {
        let reference = p.reference.trim();
        let profile = MatchInput { email: p.profile.email.trim().to_string(), ..Default::default() };
        if stored.iter().find(|s| s.reference == reference).and_then(|s| open(vault, org, s)).is_some_and(|old| old == profile) {
            continue;
        }
        let plain = serde_json::to_vec(&profile).map_err(|e| ApiError::Internal(e.to_string()))?;
        let sealed = vault.seal_aad(&aad(org, reference), &plain).map_err(|e| ApiError::Internal(format!("watch: {e}")))?;
        statements.push(db::stmt(
            db,
            "INSERT INTO match_watch (org, ref, profile, key_id, nonce, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             ON CONFLICT (org, ref) DO UPDATE SET profile = ?3, key_id = ?4, nonce = ?5, checked_at = 0",
            &[org.into(), reference.into(), sealed.ciphertext.into(), sealed.key_id.into(), sealed.nonce.into(), db::num(now)],
        )?);
    }
    // D1 takes batches of this size comfortably; each batch is atomic on its own.
    let mut statements = statements.into_iter().peekable();
    while statements.peek().is_some() {
        db::batch(db, statements.by_ref().take(100).collect()).await?;
    }
    Ok(())
}

pub async fn clear(db: &D1Database, org: &str) -> Result<(), ApiError> {
    db::run(db, "DELETE FROM match_watch WHERE org = ?1", &[org.into()]).await?;
    Ok(())
}

pub async fn status(db: &D1Database, org: &str, interval_seconds: u64) -> Result<WatchStatus, ApiError> {
    #[derive(Deserialize)]
    struct Counts {
        count: f64,
        checked: Option<f64>,
    }
    let c: Option<Counts> = db::first(
        db,
        "SELECT COUNT(*) AS count, SUM(CASE WHEN answer IS NULL THEN 0 ELSE 1 END) AS checked FROM match_watch WHERE org = ?1",
        &[org.into()],
    )
    .await?;
    let (count, checked) = c.map_or((0, 0), |c| (c.count as u64, c.checked.unwrap_or(0.0) as u64));
    Ok(WatchStatus { count, checked, interval_seconds })
}

/// The cron's step: re-matches the profiles whose last match is older than the interval (a
/// few per run, oldest first) and queues an event for each answer that changed. Returns how
/// many changed.
pub async fn run_some(l: &Layers<'_>, db: &D1Database, vault: &Vault, now: u64) -> Result<usize, ApiError> {
    #[derive(Deserialize)]
    struct Due {
        org: String,
        #[serde(rename = "ref")]
        reference: String,
        profile: String,
        key_id: String,
        nonce: String,
        found: Option<String>,
        answer: Option<String>,
    }
    // Oldest first, and at most a few of one org per run, so a long new list does not hold
    // everyone else's back.
    let due: Vec<Due> = db::all(
        db,
        "SELECT org, ref, profile, key_id, nonce, found, answer FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY org ORDER BY checked_at) AS n \
         FROM match_watch WHERE checked_at <= ?1) WHERE n <= ?3 ORDER BY checked_at, org LIMIT ?2",
        &[db::num(now.saturating_sub(l.cfg.rematch_secs * 1000)), db::num(u64::from(PER_RUN)), db::num(u64::from(PER_ORG))],
    )
    .await?;
    let checked = |org: &str, reference: &str, found: Option<&str>, answer: Option<&str>| {
        db::stmt(
            db,
            "UPDATE match_watch SET checked_at = ?3, found = coalesce(?4, found), answer = coalesce(?5, answer) WHERE org = ?1 AND ref = ?2",
            &[org.into(), reference.into(), db::num(now), db::opt(found), db::opt(answer)],
        )
    };
    let mut clients = RunClients::default();
    let mut changed = 0;
    let no_links = |_: &str, _: &str| None;
    for d in due {
        let client = match clients.get(l, db, &d.org, now).await {
            Reach::Harvest(c) => c,
            Reach::Later => continue,
            Reach::Unconnected => {
                // No Harvest connection now: looked at again after the interval.
                db::batch(db, vec![checked(&d.org, &d.reference, None, None)?]).await?;
                continue;
            }
        };
        let stored = Stored { reference: d.reference.clone(), profile: d.profile, key_id: d.key_id, nonce: d.nonce };
        let Some(profile) = open(vault, &d.org, &stored) else {
            worker::console_warn!("watch {}: a profile could not be opened", d.org);
            db::batch(db, vec![checked(&d.org, &d.reference, None, None)?]).await?;
            continue;
        };
        let result = match client {
            Client::V3(h) => crate::matching::find(h, true, &profile.email, &no_links).await,
            Client::V1(h) => crate::matching::find(h, false, &profile.email, &no_links).await,
        };
        let m = match result {
            Ok(m) => m,
            Err(e @ ApiError::MissingPermission(_)) => {
                // The org's key cannot match: looked at again after the interval.
                worker::console_warn!("watch {}: {e}", d.org);
                db::batch(db, vec![checked(&d.org, &d.reference, None, None)?]).await?;
                continue;
            }
            Err(e) => {
                // Greenhouse is failing: this profile is looked at again after the interval (a
                // revoked key is not asked every minute), the org's others on the next run.
                worker::console_warn!("watch {}: {e}", d.org);
                db::batch(db, vec![checked(&d.org, &d.reference, None, None)?]).await?;
                clients.fail(&d.org);
                continue;
            }
        };
        let (shown, digest) = summary(&m);
        let found = found_slug(m.found);
        let mut told = true;
        if digest != d.answer.clone().unwrap_or_else(nobody) {
            let data = json!({
                "org": d.org,
                "ref": d.reference,
                "found": found,
                "previous_found": d.found.as_deref().unwrap_or("not_found"),
                "candidates": shown,
            });
            // Not queued (no callback yet, or a full queue): the answer is not taken as told,
            // so the change is sent on a later run.
            told = crate::events::enqueue(db, &d.org, "candidate.match_changed", None, data, now).await?;
            if told {
                changed += 1;
                crate::events::kick(l, &d.org);
            }
        }
        let (found, digest) = if told { (Some(found), Some(digest.as_str())) } else { (None, None) };
        db::batch(db, vec![checked(&d.org, &d.reference, found, digest)?]).await?;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applicant(stage: &str, activity: &str) -> MatchResult {
        MatchResult {
            found: Found::Applicant,
            candidates: vec![MatchedCandidate {
                id: 5,
                name: "Ada Lovelace".into(),
                company: None,
                title: None,
                emails: vec!["ada@example.com".into()],
                phones: vec!["555".into()],
                recruiter: Some("Dana Ruiz".into()),
                last_activity_at: Some(activity.into()),
                updated_at: None,
                profile_url: None,
                attachments: vec![],
                applications: vec![MatchedApplication {
                    id: 9,
                    job: Some("Engineer".into()),
                    prospect: false,
                    stage: Some(stage.into()),
                    status: "active".into(),
                    last_activity_at: Some(activity.into()),
                    recruiter: None,
                }],
            }],
        }
    }

    #[test]
    fn a_new_stage_is_a_change_and_activity_alone_is_not() {
        let (shown, a) = summary(&applicant("Phone Screen", "2026-11-01T00:00:00Z"));
        let (_, same) = summary(&applicant("Phone Screen", "2026-11-28T00:00:00Z"));
        let (_, moved) = summary(&applicant("Onsite Interview", "2026-11-28T00:00:00Z"));
        assert_eq!(a, same, "activity alone");
        assert_ne!(a, moved, "a new stage");
        assert_ne!(a, nobody());
        let mut two = applicant("Phone Screen", "2026-11-01T00:00:00Z");
        let mut other = two.candidates[0].clone();
        other.id = 4;
        two.candidates.push(other);
        let (_, d1) = summary(&two);
        two.candidates.reverse();
        assert_eq!(d1, summary(&two).1, "Harvest's order is no change");
        let text = shown.to_string();
        assert!(!text.contains("ada@example.com") && !text.contains("555") && !text.contains("Ada Lovelace"), "no contact data in events: {text}");
        assert!(text.contains("Phone Screen") && text.contains("2026-11-01"), "{text}");
    }
}
