//! The public Job Board API: one refresh gathers the jobs (with content, departments and
//! offices), the department and office trees, and the board's name, concurrently.

use super::get_json;
use crate::config::Config;
use crate::error::UpstreamError;
use crate::snapshot::Upstream;
use futures_util::future::join4;
use shared::greenhouse::job_board as gh;

pub async fn fetch_board(cfg: &Config, token: &str) -> Result<Upstream, UpstreamError> {
    let base = format!("{}/v1/boards/{token}", cfg.boards_api);
    let t = cfg.upstream_timeout_ms;
    let jobs_url = format!("{base}/jobs?content=true");
    let departments_url = format!("{base}/departments?render_as=tree");
    let offices_url = format!("{base}/offices?render_as=tree");
    let (jobs, departments, offices, board) = join4(
        get_json::<gh::JobList>(&jobs_url, t),
        get_json::<gh::DepartmentList>(&departments_url, t),
        get_json::<gh::OfficeList>(&offices_url, t),
        get_json::<gh::Board>(&base, t),
    )
    .await;
    // Only the job list is essential; the rest enriches it and may fail on its own.
    Ok(Upstream { jobs: jobs?, departments: departments.ok(), offices: offices.ok(), board: board.ok() })
}

/// One job with its application questions and pay ranges (`pay_transparency=true`), which
/// the list endpoint does not carry.
pub async fn fetch_job(cfg: &Config, token: &str, id: u64) -> Result<gh::Job, UpstreamError> {
    let url = format!("{}/v1/boards/{token}/jobs/{id}?questions=true&pay_transparency=true", cfg.boards_api);
    get_json::<gh::Job>(&url, cfg.upstream_timeout_ms).await
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
