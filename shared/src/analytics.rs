//! Owner analytics: counts only, no trackers. What the worker counts (per board, job, day and
//! source), how a visitor's source is normalised, and the wire types of the owner route
//! (`GET /api/v1/orgs/{org}/analytics`), with its CSV. Pure: the worker counts and stores,
//! the console draws.
//!
//! Nothing here names a person: a count is keyed by board, job (0 for the board's list),
//! day (UTC) and source (`gh_src`, else `utm_source`, else `direct`), never by visitor.

use serde::{Deserialize, Serialize};

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A page load showing the board (one per widget per page load).
    ListView,
    /// A job opened in the widget (in place, or by a `gh_jid` deep link).
    JobView,
    /// A candidate started filling in the application form (first focus in it).
    Start,
    /// An application the worker accepted (recorded; a repeat of the same submission is not).
    Submitted,
    /// An application Greenhouse accepted (at once, or later from the outbox).
    Delivered,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::ListView, Kind::JobView, Kind::Start, Kind::Submitted, Kind::Delivered];

    pub fn slug(self) -> &'static str {
        match self {
            Kind::ListView => "list_view",
            Kind::JobView => "job_view",
            Kind::Start => "start",
            Kind::Submitted => "submitted",
            Kind::Delivered => "delivered",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == s)
    }

    /// The funnel's words for it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::ListView => "Views",
            Kind::JobView => "Job views",
            Kind::Start => "Application starts",
            Kind::Submitted => "Applications",
            Kind::Delivered => "Delivered",
        }
    }
}

/// The source of a visit without `gh_src` or `utm_source`.
pub const DIRECT: &str = "direct";
/// Where sources go once a board has [`MAX_SOURCES_PER_DAY`] on a day, or when one is unusable.
pub const OTHER: &str = "other";
/// A source is at most this many characters.
pub const MAX_SOURCE_LEN: usize = 64;
/// Distinct sources one board keeps per day; later ones count as [`OTHER`].
pub const MAX_SOURCES_PER_DAY: usize = 20;
/// The longest period the owner route answers for (and how long counts are kept).
pub const MAX_DAYS: u32 = 90;

/// A visit's source: `gh_src` first, else `utm_source`, else `direct`. Lower-cased and trimmed;
/// letters, digits, `-`, `_`, `.` kept, runs of anything else (spaces, `+`, `/`…) become one
/// `-`; at most [`MAX_SOURCE_LEN`] characters. A value with nothing usable left is `other`.
pub fn normalize_source(gh_src: Option<&str>, utm_source: Option<&str>) -> String {
    fn pick(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    let Some(raw) = pick(gh_src).or_else(|| pick(utm_source)) else { return DIRECT.into() };
    let mut out = String::new();
    let mut gap = false;
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
        if out.len() >= MAX_SOURCE_LEN {
            break;
        }
    }
    out.truncate(MAX_SOURCE_LEN);
    let out = out.trim_matches(['-', '.']).to_string();
    if out.is_empty() {
        OTHER.into()
    } else {
        out
    }
}

/// A day as the worker keys counts: whole days since 1970-01-01 (UTC).
pub fn day_of(ms: u64) -> u32 {
    (ms / 86_400_000) as u32
}

/// `YYYY-MM-DD` of a day number (the civil calendar, proleptic Gregorian).
pub fn date(day: u32) -> String {
    // Howard Hinnant's days-to-civil.
    let z = day as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Counts of each kind: the funnel of a day, a source, a job or everything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    pub list_views: u64,
    pub job_views: u64,
    pub starts: u64,
    pub submitted: u64,
    pub delivered: u64,
}

impl Funnel {
    pub fn get(&self, k: Kind) -> u64 {
        match k {
            Kind::ListView => self.list_views,
            Kind::JobView => self.job_views,
            Kind::Start => self.starts,
            Kind::Submitted => self.submitted,
            Kind::Delivered => self.delivered,
        }
    }

    pub fn add(&mut self, k: Kind, n: u64) {
        let v = match k {
            Kind::ListView => &mut self.list_views,
            Kind::JobView => &mut self.job_views,
            Kind::Start => &mut self.starts,
            Kind::Submitted => &mut self.submitted,
            Kind::Delivered => &mut self.delivered,
        };
        *v = v.saturating_add(n);
    }

    pub fn total(&self) -> u64 {
        Kind::ALL.iter().map(|k| self.get(*k)).sum()
    }
}

/// One stored count, as the worker reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub day: u32,
    pub source: String,
    /// 0: the board's list.
    pub job_id: u64,
    pub kind: Kind,
    pub n: u64,
}

/// A daily series: its totals over the period and one funnel per day of [`Report::days`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub totals: Funnel,
    pub daily: Vec<Funnel>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceSeries {
    pub source: String,
    #[serde(flatten)]
    pub series: Series,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobSeries {
    pub job_id: u64,
    /// The job's title on the board now (empty for a job no longer there).
    #[serde(default)]
    pub title: String,
    #[serde(flatten)]
    pub series: Series,
}

/// `GET /api/v1/orgs/{org}/analytics?days=N`: the org's board over the last N days (today
/// included, UTC).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub v: u32,
    pub org: String,
    /// The board the org connected (None: nothing to count yet).
    pub board: Option<String>,
    /// The days, oldest first, as `YYYY-MM-DD`.
    pub days: Vec<String>,
    /// The funnel over the whole period, and per day.
    #[serde(flatten)]
    pub all: Series,
    /// Per source, most list views first.
    pub sources: Vec<SourceSeries>,
    /// Per job (list views, which belong to no job, are not in these), most job views first.
    pub jobs: Vec<JobSeries>,
}

/// The days a report covers: `days` days ending with `today`.
pub fn period(today: u32, days: u32) -> (u32, u32) {
    let days = days.clamp(1, MAX_DAYS);
    (today.saturating_sub(days - 1), today)
}

/// The report of `rows` for the days `from..=to`; `title` names a job.
pub fn report(org: &str, board: Option<String>, from: u32, to: u32, rows: &[Row], title: &dyn Fn(u64) -> Option<String>) -> Report {
    let len = (to.saturating_sub(from) + 1) as usize;
    let empty = || Series { totals: Funnel::default(), daily: vec![Funnel::default(); len] };
    let mut all = empty();
    let mut sources: Vec<SourceSeries> = Vec::new();
    let mut jobs: Vec<JobSeries> = Vec::new();
    // Where each source's and job's series is: one lookup per row, however many there are.
    let mut source_at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut job_at: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for r in rows.iter().filter(|r| (from..=to).contains(&r.day)) {
        let i = (r.day - from) as usize;
        let put = |s: &mut Series| {
            s.totals.add(r.kind, r.n);
            s.daily[i].add(r.kind, r.n);
        };
        put(&mut all);
        let at = *source_at.entry(r.source.as_str()).or_insert_with(|| {
            sources.push(SourceSeries { source: r.source.clone(), series: empty() });
            sources.len() - 1
        });
        put(&mut sources[at].series);
        if r.job_id != 0 {
            let at = *job_at.entry(r.job_id).or_insert_with(|| {
                jobs.push(JobSeries { job_id: r.job_id, title: title(r.job_id).unwrap_or_default(), series: empty() });
                jobs.len() - 1
            });
            put(&mut jobs[at].series);
        }
    }
    sources.sort_by(|a, b| b.series.totals.list_views.cmp(&a.series.totals.list_views).then_with(|| a.source.cmp(&b.source)));
    jobs.sort_by(|a, b| b.series.totals.job_views.cmp(&a.series.totals.job_views).then_with(|| a.job_id.cmp(&b.job_id)));
    Report { v: crate::api::API_VERSION, org: org.into(), board, days: (from..=to).map(date).collect(), all, sources, jobs }
}

/// A CSV cell: quoted when it holds a comma, quote or line break, and a cell a spreadsheet
/// would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is
/// prefixed with `'`. Sources are chosen by whoever writes a link, so every text cell goes
/// through this.
pub fn csv_cell(s: &str) -> String {
    let mut v = String::with_capacity(s.len() + 2);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.push('\'');
    }
    v.push_str(s);
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// The header of [`csv`].
pub const CSV_HEADER: &str = "date,board,source,job_id,job_title,list_views,job_views,starts,submitted,delivered";

/// Every count of the period, one line per day, source and job (job 0: the board's list),
/// oldest first, with a header line. Lines end with CRLF (RFC 4180).
pub fn csv(board: &str, rows: &[Row], title: &dyn Fn(u64) -> Option<String>) -> String {
    // Sorted by key as they are built: one lookup per row, however many there are.
    let mut lines: std::collections::BTreeMap<(u32, String, u64), Funnel> = std::collections::BTreeMap::new();
    for r in rows {
        lines.entry((r.day, r.source.clone(), r.job_id)).or_default().add(r.kind, r.n);
    }
    let mut out = String::from(CSV_HEADER);
    out.push_str("\r\n");
    for ((day, source, job), f) in lines {
        let title = if job == 0 { String::new() } else { title(job).unwrap_or_default() };
        let cells = [
            date(day),
            csv_cell(board),
            csv_cell(&source),
            job.to_string(),
            csv_cell(&title),
            f.list_views.to_string(),
            f.job_views.to_string(),
            f.starts.to_string(),
            f.submitted.to_string(),
            f.delivered.to_string(),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_gh_src_first_then_utm_source_then_direct() {
        assert_eq!(normalize_source(Some("LinkedIn"), Some("newsletter")), "linkedin");
        assert_eq!(normalize_source(None, Some("  Newsletter ")), "newsletter");
        assert_eq!(normalize_source(Some("  "), Some("news")), "news", "a blank gh_src is absent");
        assert_eq!(normalize_source(None, None), DIRECT);
        assert_eq!(normalize_source(Some(""), Some("")), DIRECT);
    }

    #[test]
    fn sources_are_cleaned_and_capped() {
        assert_eq!(normalize_source(Some("Spring Fair 2026"), None), "spring-fair-2026");
        assert_eq!(normalize_source(Some("a//b++c"), None), "a-b-c");
        assert_eq!(normalize_source(Some("=HYPERLINK(\"x\")"), None), "hyperlink-x");
        assert_eq!(normalize_source(Some("<script>"), None), "script");
        assert_eq!(normalize_source(Some("Zürich"), None), "z-rich");
        assert_eq!(normalize_source(Some("!!!"), None), OTHER, "nothing usable left");
        assert_eq!(normalize_source(Some("-x-"), None), "x", "no leading '-' a spreadsheet could read as a formula");
        let long = "x".repeat(500);
        assert_eq!(normalize_source(Some(&long), None).len(), MAX_SOURCE_LEN);
        let s = normalize_source(Some(&"ab ".repeat(100)), None);
        assert!(s.len() <= MAX_SOURCE_LEN && !s.ends_with('-'), "{s}");
    }

    #[test]
    fn days_are_utc_calendar_dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(day_of(951_782_400_000)), "2000-02-29");
        assert_eq!(date(day_of(1_798_761_599_000)), "2026-12-31");
        assert_eq!(date(day_of(1_798_761_600_000)), "2027-01-01");
        assert_eq!(period(100, 30), (71, 100));
        assert_eq!(period(100, 0), (100, 100));
        assert_eq!(period(100, 10_000), (100 - MAX_DAYS + 1, 100));
    }

    fn row(day: u32, source: &str, job_id: u64, kind: Kind, n: u64) -> Row {
        Row { day, source: source.into(), job_id, kind, n }
    }

    #[test]
    fn a_report_has_the_funnel_and_series_per_day_source_and_job() {
        let rows = vec![
            row(10, "linkedin", 0, Kind::ListView, 3),
            row(11, "linkedin", 0, Kind::ListView, 2),
            row(11, "linkedin", 7, Kind::JobView, 2),
            row(11, "linkedin", 7, Kind::Start, 1),
            row(11, "linkedin", 7, Kind::Submitted, 1),
            row(12, "newsletter", 0, Kind::ListView, 9),
            row(12, "newsletter", 8, Kind::JobView, 1),
            row(12, "newsletter", 7, Kind::Delivered, 1),
            row(5, "old", 0, Kind::ListView, 100),
        ];
        let r = report("acme", Some("acme".into()), 10, 12, &rows, &|id| (id == 7).then(|| "Engineer".to_string()));
        assert_eq!(r.days, vec![date(10), date(11), date(12)]);
        assert_eq!(r.all.totals, Funnel { list_views: 14, job_views: 3, starts: 1, submitted: 1, delivered: 1 });
        assert_eq!(r.all.daily[1].list_views, 2);
        assert_eq!(r.sources.iter().map(|s| s.source.as_str()).collect::<Vec<_>>(), ["newsletter", "linkedin"], "most views first; 'old' is outside");
        assert_eq!(r.sources[1].series.totals.list_views, 5);
        assert_eq!(r.sources[1].series.daily[0].list_views, 3);
        assert_eq!(r.jobs.len(), 2);
        assert_eq!((r.jobs[0].job_id, r.jobs[0].title.as_str(), r.jobs[0].series.totals.job_views), (7, "Engineer", 2));
        assert_eq!(r.jobs[0].series.totals.delivered, 1);
        assert_eq!(r.jobs[1].title, "");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["totals"]["list_views"], 14);
        assert_eq!(json["sources"][0]["daily"].as_array().unwrap().len(), 3);
        let back: Report = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn csv_cells_cannot_become_formulas_or_break_the_line() {
        assert_eq!(csv_cell("linkedin"), "linkedin");
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("+cmd"), "'+cmd");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn csv_has_a_header_and_one_line_per_day_source_and_job() {
        let rows =
            vec![row(11, "linkedin", 7, Kind::JobView, 2), row(10, "linkedin", 0, Kind::ListView, 3), row(11, "linkedin", 7, Kind::Submitted, 1)];
        let text = csv("acme", &rows, &|_| Some("=Engineer, Senior".to_string()));
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(lines[1], format!("{},acme,linkedin,0,,3,0,0,0,0", date(10)));
        assert_eq!(lines[2], format!("{},acme,linkedin,7,\"'=Engineer, Senior\",0,2,0,1,0", date(11)));
        assert_eq!(lines.len(), 4, "and a final line break");
    }
}
