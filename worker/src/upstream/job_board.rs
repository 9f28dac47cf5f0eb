//! The public Job Board API: one refresh gathers the jobs (with content, departments and
//! offices), the department and office trees, and the board's name. Answers are checked here:
//! well-formed JSON that is not what was asked for is an error, never an empty board.

use super::{classify, send};
use crate::config::Config;
use crate::error::UpstreamError;
use crate::snapshot::Upstream;
use futures_util::future::{join3, join4};
use serde::Deserialize;
use shared::greenhouse::job_board as gh;

/// A status and body, before they are read.
type Raw = Result<(u16, String), UpstreamError>;

/// Fetches a board. For a board we already hold (`known`), the four calls run at once. For
/// one we do not, the job list goes first and the rest follow only if the board exists, so
/// a request for a token that is no board costs Greenhouse one call, not four.
/// `host` is the Job Board API of the board's region ([`Config::hosts`]).
pub async fn fetch_board(cfg: &Config, host: &str, token: &str, known: bool) -> Result<Upstream, UpstreamError> {
    let base = format!("{host}/v1/boards/{token}");
    let t = cfg.upstream_timeout_ms;
    let get = |url: String| async move { send(worker::Method::Get, &url, &[], None, t).await.map(|r| (r.status, r.body)) };
    let jobs_url = format!("{base}/jobs?content=true");
    let departments_url = format!("{base}/departments?render_as=tree");
    let offices_url = format!("{base}/offices?render_as=tree");
    if known {
        let (jobs, departments, offices, board) = join4(get(jobs_url), get(departments_url), get(offices_url), get(base.clone())).await;
        return upstream(jobs, departments, offices, board);
    }
    let jobs = job_list(get(jobs_url).await?)?;
    let (departments, offices, board) = join3(get(departments_url), get(offices_url), get(base)).await;
    Ok(enrich(jobs, departments, offices, board))
}

/// Reads one refresh's answers. Only the job list is essential; the rest enriches it and may
/// fail on its own (the snapshot then keeps those parts from the last good copy).
pub fn upstream(jobs: Raw, departments: Raw, offices: Raw, board: Raw) -> Result<Upstream, UpstreamError> {
    Ok(enrich(job_list(jobs?)?, departments, offices, board))
}

fn enrich(jobs: gh::JobList, departments: Raw, offices: Raw, board: Raw) -> Upstream {
    Upstream {
        jobs,
        departments: departments.and_then(department_list).ok(),
        offices: offices.and_then(office_list).ok(),
        board: board.and_then(board_info).ok(),
    }
}

// Greenhouse's types default missing fields, which is right for fields inside a job and
// wrong for the answer as a whole: `{}` or `{"error": …}` is not an empty board. These
// require the list itself.
#[derive(Deserialize)]
struct StrictJobList {
    jobs: Vec<gh::Job>,
    #[serde(default)]
    meta: Option<gh::ListMeta>,
}

#[derive(Deserialize)]
struct StrictDepartments {
    departments: Vec<gh::Department>,
}

#[derive(Deserialize)]
struct StrictOffices {
    offices: Vec<gh::Office>,
}

/// The job list, or why it is not one: a body without `jobs`, or no jobs while
/// `meta.total` says there are some.
pub fn job_list((status, body): (u16, String)) -> Result<gh::JobList, UpstreamError> {
    let list: StrictJobList = classify(status, &body)?;
    let total = list.meta.as_ref().and_then(|m| m.total).unwrap_or(0);
    if list.jobs.is_empty() && total > 0 {
        return Err(UpstreamError::Malformed(format!("no jobs in the list, but meta.total is {total}")));
    }
    Ok(gh::JobList { jobs: list.jobs, meta: list.meta })
}

pub fn department_list((status, body): (u16, String)) -> Result<gh::DepartmentList, UpstreamError> {
    classify::<StrictDepartments>(status, &body).map(|d| gh::DepartmentList { departments: d.departments })
}

pub fn office_list((status, body): (u16, String)) -> Result<gh::OfficeList, UpstreamError> {
    classify::<StrictOffices>(status, &body).map(|o| gh::OfficeList { offices: o.offices })
}

/// The board's own record; one without a name tells us nothing.
pub fn board_info((status, body): (u16, String)) -> Result<gh::Board, UpstreamError> {
    let b: gh::Board = classify(status, &body)?;
    if b.name.trim().is_empty() {
        return Err(UpstreamError::Malformed("the board has no name".into()));
    }
    Ok(b)
}

/// One job as the single-job endpoint answers; it must be the job asked for.
pub fn single_job((status, body): (u16, String), id: u64) -> Result<gh::Job, UpstreamError> {
    let job: gh::Job = classify(status, &body)?;
    if job.id != id {
        return Err(UpstreamError::Malformed(format!("asked for job {id}, got {}", job.id)));
    }
    Ok(job)
}

/// One job with its application questions and pay ranges (`pay_transparency=true`), which
/// the list endpoint does not carry.
pub async fn fetch_job(cfg: &Config, host: &str, token: &str, id: u64) -> Result<gh::Job, UpstreamError> {
    let url = format!("{host}/v1/boards/{token}/jobs/{id}?questions=true&pay_transparency=true");
    let r = send(worker::Method::Get, &url, &[], None, cfg.upstream_timeout_ms).await?;
    single_job((r.status, r.body), id)
}

/// POSTs an application (JSON body) with the board's Job Board API key as Basic auth.
/// Returns Greenhouse's status and body; the caller decides what they mean.
/// The board's region decides the host (an EU org's applications go to the EU host).
pub async fn submit_application(
    cfg: &Config,
    region: shared::owner::Region,
    token: &str,
    id: u64,
    key: &str,
    body: &str,
) -> Result<(u16, String), UpstreamError> {
    use base64::Engine;
    let url = format!("{}/v1/boards/{token}/jobs/{id}", cfg.hosts.boards(region));
    let auth = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{key}:")));
    super::post_json(&url, &auth, body, cfg.upstream_timeout_ms).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &str) -> Raw {
        Ok((200, body.to_string()))
    }

    const JOBS: &str = r#"{"jobs":[{"id":1,"title":"A"}],"meta":{"total":1}}"#;

    #[test]
    fn well_formed_answers_that_are_not_a_job_list_are_refused() {
        for body in
            ["{}", r#"{"error":"Internal server error"}"#, r#"{"jobs":null}"#, r#"{"jobs":[],"meta":{"total":44}}"#, r#"{"meta":{"total":3}}"#]
        {
            let e = job_list((200, body.into())).unwrap_err();
            assert!(matches!(e, UpstreamError::Malformed(_)), "{body}: {e:?}");
        }
        assert_eq!(job_list((200, r#"{"jobs":[],"meta":{"total":0}}"#.into())).unwrap().jobs.len(), 0, "an empty board is fine");
        assert_eq!(job_list((200, r#"{"jobs":[]}"#.into())).unwrap().jobs.len(), 0);
        assert_eq!(job_list((200, JOBS.into())).unwrap().jobs[0].id, 1);
        assert_eq!(job_list((404, String::new())).unwrap_err(), UpstreamError::NotFound);
    }

    #[test]
    fn only_the_job_list_is_essential_and_wrong_enrichments_count_as_missing() {
        let up = upstream(ok(JOBS), ok("{}"), ok(r#"{"error":"x"}"#), ok(r#"{"name":" "}"#)).unwrap();
        assert!(up.departments.is_none() && up.offices.is_none() && up.board.is_none());
        let up = upstream(ok(JOBS), ok(r#"{"departments":[]}"#), Err(UpstreamError::Timeout(1)), ok(r#"{"name":"Acme"}"#)).unwrap();
        assert_eq!(up.departments.map(|d| d.departments.len()), Some(0));
        assert!(up.offices.is_none());
        assert_eq!(up.board.map(|b| b.name).as_deref(), Some("Acme"));
        assert!(matches!(
            upstream(ok("{}"), ok(r#"{"departments":[]}"#), ok(r#"{"offices":[]}"#), ok(r#"{"name":"A"}"#)),
            Err(UpstreamError::Malformed(_))
        ));
        assert_eq!(upstream(Err(UpstreamError::NotFound), ok("{}"), ok("{}"), ok("{}")).err(), Some(UpstreamError::NotFound));
    }

    #[test]
    fn a_single_job_must_be_the_one_asked_for() {
        assert_eq!(single_job(ok(r#"{"id":7,"title":"x"}"#).unwrap(), 7).unwrap().id, 7);
        assert!(matches!(single_job(ok(r#"{"id":8}"#).unwrap(), 7), Err(UpstreamError::Malformed(_))));
        assert!(matches!(single_job(ok("{}").unwrap(), 7), Err(UpstreamError::Malformed(_))));
        assert!(matches!(single_job(ok(r#"{"error":"x"}"#).unwrap(), 7), Err(UpstreamError::Malformed(_))));
    }
}
