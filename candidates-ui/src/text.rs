//! What the components say, as plain functions of the wire types and the clock (milliseconds),
//! so they are tested natively and the bundle carries no date or formatting library.

use shared::candidates::{ExportState, Found, MatchResult, MatchedApplication, MatchedCandidate};

/// "3 days ago", counted by hand (30-day months, 365-day years: a badge, not a calendar).
pub fn ago(now_ms: f64, then_ms: f64) -> String {
    let secs = ((now_ms - then_ms) / 1000.0).max(0.0) as u64;
    let (n, unit) = match secs {
        0..=59 => return "just now".into(),
        60..=3_599 => (secs / 60, "minute"),
        3_600..=86_399 => (secs / 3_600, "hour"),
        86_400..=2_591_999 => (secs / 86_400, "day"),
        2_592_000..=31_535_999 => (secs / 2_592_000, "month"),
        _ => (secs / 31_536_000, "year"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// The application the badge speaks of: of the kind that was found (applications for an
/// applicant, prospect ones for a prospect), an active one first, then the latest activity
/// (ISO 8601 times compare as strings).
pub fn main_application(c: &MatchedCandidate, found: Found) -> Option<&MatchedApplication> {
    let prospect = found == Found::Prospect;
    c.applications
        .iter()
        .filter(|a| a.prospect == prospect)
        .max_by(|a, b| (a.status == "active", &a.last_activity_at).cmp(&(b.status == "active", &b.last_activity_at)))
}

/// The badge's one line: "In Greenhouse · applicant · Onsite Interview · active · updated 3
/// days ago · recruiter Dana Ruiz", or "Not in Greenhouse". `parse` reads an ISO time.
pub fn summary(r: &MatchResult, now_ms: f64, parse: impl Fn(&str) -> Option<f64>) -> String {
    let Some(c) = r.candidates.first().filter(|_| r.found != Found::NotFound) else {
        return "Not in Greenhouse".into();
    };
    let mut parts: Vec<String> = vec!["In Greenhouse".into(), found_label(r.found).into()];
    let app = main_application(c, r.found);
    if let Some(a) = app {
        parts.extend(a.stage.clone());
        parts.push(a.status.clone());
    }
    let when = c.last_activity_at.as_deref().or(c.updated_at.as_deref()).or(app.and_then(|a| a.last_activity_at.as_deref()));
    if let Some(ms) = when.and_then(parse) {
        parts.push(format!("updated {}", ago(now_ms, ms)));
    }
    if let Some(who) = c.recruiter.as_ref().or(app.and_then(|a| a.recruiter.as_ref())) {
        parts.push(format!("recruiter {who}"));
    }
    if r.candidates.len() > 1 {
        parts.push(format!("{} people with this email", r.candidates.len()));
    }
    parts.join(" · ")
}

pub fn found_label(f: Found) -> &'static str {
    match f {
        Found::NotFound => "not found",
        Found::Prospect => "prospect",
        Found::Applicant => "applicant",
    }
}

/// One application in the details: "Senior Backend Engineer — Onsite Interview · active".
pub fn application_line(a: &MatchedApplication) -> String {
    let job = a.job.as_deref().unwrap_or(if a.prospect { "Prospect, no job" } else { "Unknown job" });
    let mut rest: Vec<&str> = Vec::new();
    if a.prospect && a.job.is_some() {
        rest.push("prospect");
    }
    rest.extend(a.stage.as_deref());
    rest.push(&a.status);
    format!("{job} — {}", rest.join(" · "))
}

pub fn state_slug(s: ExportState) -> &'static str {
    match s {
        ExportState::Queued => "queued",
        ExportState::Creating => "creating",
        ExportState::Delivered => "delivered",
        ExportState::NeedsAttention => "needs_attention",
        ExportState::Failed => "failed",
    }
}

pub fn state_label(s: ExportState) -> &'static str {
    match s {
        ExportState::Queued => "Queued: sending to Greenhouse",
        ExportState::Creating => "Greenhouse is creating the candidate",
        ExportState::Delivered => "Delivered to Greenhouse",
        ExportState::NeedsAttention => "Needs attention: Greenhouse refused our credentials",
        ExportState::Failed => "Failed: Greenhouse refused the candidate",
    }
}

/// Whether an export can still change by itself (so the status is polled).
pub fn settled(s: ExportState) -> bool {
    matches!(s, ExportState::Delivered | ExportState::Failed)
}

/// Only web links become links (a `javascript:` URL from anywhere is shown as nothing).
pub fn web_link(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::candidates::MatchedAttachment;

    const DAY: f64 = 86_400_000.0;

    fn app(job: &str, prospect: bool, stage: &str, status: &str, at: &str) -> MatchedApplication {
        MatchedApplication {
            id: 1,
            job: Some(job.into()),
            prospect,
            stage: Some(stage.into()),
            status: status.into(),
            last_activity_at: Some(at.into()),
            recruiter: None,
        }
    }

    fn candidate(applications: Vec<MatchedApplication>) -> MatchedCandidate {
        MatchedCandidate {
            id: 7,
            name: "Ada Lovelace".into(),
            company: None,
            title: None,
            emails: vec!["applicant@northwind-candidates.example".into()],
            phones: vec![],
            recruiter: Some("Dana Ruiz".into()),
            last_activity_at: Some("2026-03-07T10:00:00Z".into()),
            updated_at: None,
            profile_url: None,
            attachments: vec![MatchedAttachment { filename: "cv.pdf".into(), kind: "resume".into(), url: "https://w/a".into(), expires_at: 1 }],
            applications,
        }
    }

    /// "2026-03-07T10:00:00Z" is day 10 of the test's clock.
    fn parse(s: &str) -> Option<f64> {
        (s == "2026-03-07T10:00:00Z").then_some(10.0 * DAY)
    }

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(ago(10_000.0, 0.0), "just now");
        assert_eq!(ago(60_000.0, 0.0), "1 minute ago");
        assert_eq!(ago(3.0 * 3_600_000.0, 0.0), "3 hours ago");
        assert_eq!(ago(3.0 * DAY + 5.0, 0.0), "3 days ago");
        assert_eq!(ago(65.0 * DAY, 0.0), "2 months ago");
        assert_eq!(ago(800.0 * DAY, 0.0), "2 years ago");
        assert_eq!(ago(0.0, DAY), "just now", "a clock behind Greenhouse's is not the future");
    }

    #[test]
    fn the_badge_line_names_the_active_application_and_the_recruiter() {
        let apps = vec![
            app("Old job", false, "Offer", "rejected", "2026-03-09T00:00:00Z"),
            app("Fleet API", false, "Onsite Interview", "active", "2026-03-01T00:00:00Z"),
            app("Pool", true, "Discussed", "active", "2026-03-08T00:00:00Z"),
        ];
        let r = MatchResult { found: Found::Applicant, candidates: vec![candidate(apps)] };
        assert_eq!(
            summary(&r, 13.0 * DAY, parse),
            "In Greenhouse · applicant · Onsite Interview · active · updated 3 days ago · recruiter Dana Ruiz"
        );
        let r = MatchResult { found: Found::Prospect, candidates: r.candidates };
        assert!(summary(&r, 13.0 * DAY, parse).starts_with("In Greenhouse · prospect · Discussed · active"));
        assert_eq!(summary(&MatchResult { found: Found::NotFound, candidates: vec![] }, 0.0, parse), "Not in Greenhouse");
        let two = MatchResult { found: Found::Applicant, candidates: vec![candidate(vec![]), candidate(vec![])] };
        assert_eq!(
            summary(&two, 13.0 * DAY, parse),
            "In Greenhouse · applicant · updated 3 days ago · recruiter Dana Ruiz · 2 people with this email"
        );
    }

    #[test]
    fn applications_and_states_have_words() {
        assert_eq!(application_line(&app("Fleet API", false, "Onsite Interview", "active", "")), "Fleet API — Onsite Interview · active");
        assert_eq!(application_line(&app("Platform", true, "Discussed", "active", "")), "Platform — prospect · Discussed · active");
        assert!(settled(ExportState::Delivered) && settled(ExportState::Failed) && !settled(ExportState::NeedsAttention));
        assert_eq!(state_slug(ExportState::NeedsAttention), "needs_attention");
        assert!(web_link("https://x.example/a") && !web_link("javascript:alert(1)"));
    }
}
