//! Every string the widget shows. One catalogue per language; English is the fallback.

pub struct Messages {
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub loading: &'static str,
    pub other_group: &'static str,
    pub no_jobs: &'static str,
    pub no_matches: &'static str,
    pub board_not_found: &'static str,
    pub unavailable: &'static str,
    pub see_hosted: &'static str,
    pub back: &'static str,
    pub apply: &'static str,
    pub job_not_found: &'static str,
    pub retry: &'static str,
}

pub const EN: Messages = Messages {
    search_label: "Search jobs",
    search_placeholder: "Search by title, team or location",
    loading: "Loading jobs…",
    other_group: "Other",
    no_jobs: "There are no open positions right now.",
    no_matches: "No jobs match your search.",
    board_not_found: "This job board could not be found.",
    unavailable: "Jobs could not be loaded right now.",
    see_hosted: "See all jobs on Greenhouse",
    back: "All jobs",
    apply: "Apply for this job",
    job_not_found: "This job is no longer open.",
    retry: "Try again",
};

/// "1 job" / "12 jobs".
pub fn count(n: usize) -> String {
    if n == 1 { "1 job".into() } else { format!("{n} jobs") }
}
