//! Every string the widget shows, one catalogue per language (English is the fallback): the
//! same catalogue renders the worker's first-paint fragment, so both say the same words.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    /// From `data-lang` or the page's `lang` ("de", "de-CH", …).
    pub fn pick(tag: Option<&str>) -> Self {
        match tag.map(|t| t.trim().to_ascii_lowercase()) {
            Some(t) if t == "de" || t.starts_with("de-") => Lang::De,
            _ => Lang::En,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    pub fn t(self) -> &'static Messages {
        match self {
            Lang::En => &EN,
            Lang::De => &DE,
        }
    }
}

pub struct Messages {
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub filters: &'static str,
    pub department: &'static str,
    pub office: &'static str,
    pub location: &'static str,
    pub workplace: &'static str,
    pub clear_all: &'static str,
    pub loading: &'static str,
    pub other_group: &'static str,
    pub all_jobs_group: &'static str,
    pub no_jobs: &'static str,
    pub no_matches: &'static str,
    pub board_not_found: &'static str,
    pub unavailable: &'static str,
    pub see_hosted: &'static str,
    pub back: &'static str,
    pub apply: &'static str,
    pub job_not_found: &'static str,
    pub retry: &'static str,
    pub posted: &'static str,
    pub pay: &'static str,
    pub show_more: &'static str,
    pub featured: &'static str,
    pub stale: &'static str,
    pub job_list: &'static str,
    one_job: &'static str,
    many_jobs: &'static str,
}

impl Messages {
    /// "1 job" / "12 jobs".
    pub fn count(&self, n: usize) -> String {
        if n == 1 {
            self.one_job.to_string()
        } else {
            self.many_jobs.replace("{n}", &n.to_string())
        }
    }
}

pub static EN: Messages = Messages {
    search_label: "Search jobs",
    search_placeholder: "Search by title, team or location",
    filters: "Filters",
    department: "Department",
    office: "Office",
    location: "Location",
    workplace: "Workplace",
    clear_all: "Clear all",
    loading: "Loading jobs…",
    other_group: "Other",
    all_jobs_group: "All jobs",
    no_jobs: "There are no open positions right now.",
    no_matches: "No jobs match your search.",
    board_not_found: "This job board could not be found.",
    unavailable: "Jobs could not be loaded right now.",
    see_hosted: "See all jobs on Greenhouse",
    back: "All jobs",
    apply: "Apply for this job",
    job_not_found: "This job is no longer open.",
    retry: "Try again",
    posted: "Posted",
    pay: "Pay",
    show_more: "Show more jobs",
    featured: "Featured",
    stale: "These listings may be out of date; we could not reach our job board just now.",
    job_list: "Open positions",
    one_job: "1 job",
    many_jobs: "{n} jobs",
};

pub static DE: Messages = Messages {
    search_label: "Stellen durchsuchen",
    search_placeholder: "Nach Titel, Team oder Ort suchen",
    filters: "Filter",
    department: "Abteilung",
    office: "Standort",
    location: "Ort",
    workplace: "Arbeitsmodell",
    clear_all: "Alle zurücksetzen",
    loading: "Stellen werden geladen…",
    other_group: "Weitere",
    all_jobs_group: "Alle Stellen",
    no_jobs: "Derzeit gibt es keine offenen Stellen.",
    no_matches: "Keine Stellen passen zu Ihrer Suche.",
    board_not_found: "Diese Stellenbörse wurde nicht gefunden.",
    unavailable: "Die Stellen konnten gerade nicht geladen werden.",
    see_hosted: "Alle Stellen auf Greenhouse ansehen",
    back: "Alle Stellen",
    apply: "Auf diese Stelle bewerben",
    job_not_found: "Diese Stelle ist nicht mehr offen.",
    retry: "Erneut versuchen",
    posted: "Veröffentlicht",
    pay: "Gehalt",
    show_more: "Weitere Stellen anzeigen",
    featured: "Hervorgehoben",
    stale: "Diese Liste ist möglicherweise nicht aktuell; unsere Stellenbörse war gerade nicht erreichbar.",
    job_list: "Offene Stellen",
    one_job: "1 Stelle",
    many_jobs: "{n} Stellen",
};
