//! schema.org `JobPosting` structured data for one job, from our own types. The widget puts
//! it in the host page's head on a job's detail view; the worker's crawlable pages embed it.
//! Google requires title, description, datePosted, hiringOrganization and jobLocation (or
//! `jobLocationType: TELECOMMUTE` with `applicantLocationRequirements`), and recommends
//! baseSalary, employmentType and validThrough: each is written whenever the job's data has
//! it, and left out (never guessed) when it does not.

use crate::api::{JobDetail, JobSummary, MetadataValue, PayRange};
use crate::board::{fold, workplace_of};
use serde::{Serialize, Serializer};

/// A schema.org `JobPosting`. Typed rather than built from JSON values so the widget can
/// serialise it through the browser's own JSON (no serde_json in the visitor bundle).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobPosting {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_posted: Option<String>,
    /// When applications close: the board's deadline, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_through: Option<String>,
    /// Google's values (`FULL_TIME`, `INTERN`, …) from an "Employment Type"-style custom field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub employment_type: Vec<&'static str>,
    pub hiring_organization: Typed<Named>,
    pub identifier: Typed<PropertyValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_location_type: Option<&'static str>,
    /// `Country` when the region names one, else `AdministrativeArea`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applicant_location_requirements: Option<Typed<Named>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub job_location: Vec<Typed<Place>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_salary: Option<Typed<MonetaryAmount>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub direct_apply: bool,
}

/// A schema.org object: its `@type` and its fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Typed<T> {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub fields: T,
}

fn typed<T>(kind: &'static str, fields: T) -> Typed<T> {
    Typed { kind, fields }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Named {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PropertyValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    pub address: Typed<PostalAddress>,
}

/// The parts of an address a job's location text names; at least one is set.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_locality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonetaryAmount {
    pub currency: String,
    pub value: Typed<QuantitativeValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuantitativeValue {
    /// The one amount, when the range is a single figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_value: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_value: Option<Amount>,
    /// `HOUR`, `DAY`, `WEEK`, `MONTH` or `YEAR`.
    pub unit_text: &'static str,
}

/// Money in cents, written as a JSON number of whole units (`25.5` for 2550 cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount(pub u64);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(100) {
            s.serialize_u64(self.0 / 100)
        } else {
            s.serialize_f64(self.0 as f64 / 100.0)
        }
    }
}

/// Whether a job is fully remote: its workplace type says so, or its location does.
pub fn is_remote(detail: &JobDetail) -> bool {
    workplace_of(&detail.job).is_some_and(|w| fold(&w) == "remote") || fold(&detail.job.location).starts_with("remote")
}

/// The `JobPosting` for a job. `url` is the page that shows it; `direct_apply` says whether
/// a visitor can apply right there.
pub fn job_posting(detail: &JobDetail, url: Option<&str>, direct_apply: bool) -> JobPosting {
    let job = &detail.job;
    let remote = is_remote(detail);
    JobPosting {
        context: "https://schema.org/",
        kind: "JobPosting",
        title: job.title.clone(),
        description: detail.content_html.clone(),
        date_posted: job.first_published.clone().or_else(|| job.updated_at.clone()),
        valid_through: job.application_deadline.clone().filter(|d| is_iso_date(d)),
        employment_type: employment_types(job),
        hiring_organization: typed("Organization", Named { name: detail.board.name.clone() }),
        identifier: typed("PropertyValue", PropertyValue { name: detail.board.name.clone(), value: job.id.to_string() }),
        job_location_type: remote.then_some("TELECOMMUTE"),
        applicant_location_requirements: remote.then(|| applicant_region(detail)),
        job_location: if remote { vec![] } else { places(detail) },
        base_salary: detail.pay_ranges.iter().find_map(base_salary),
        url: url.map(str::to_string),
        direct_apply,
    }
}

/// Where an on-site or hybrid job is: the places its location text names (one per `;` or
/// `|`), else its offices' locations, else its offices' names. A place that names no country
/// takes the country its offices agree on.
fn places(detail: &JobDetail) -> Vec<Typed<Place>> {
    let job = &detail.job;
    let multiple = matches!(fold(&job.location).as_str(), "multiple locations" | "various locations" | "multiple" | "various");
    let mut addresses: Vec<PostalAddress> = if multiple { vec![] } else { job.location.split([';', '|']).filter_map(postal_address).collect() };
    let office_addresses: Vec<PostalAddress> = detail.offices.iter().filter_map(|o| o.location.as_deref().and_then(postal_address)).collect();
    if addresses.is_empty() {
        addresses = office_addresses.clone();
    }
    if addresses.is_empty() {
        addresses = detail.offices.iter().filter_map(|o| postal_address(&o.name)).collect();
    }
    let mut countries = office_addresses.iter().filter_map(|a| a.address_country.as_deref());
    let office_country = countries.next().filter(|first| countries.all(|c| fold(c) == fold(first)));
    addresses.dedup();
    addresses
        .into_iter()
        .map(|mut a| {
            if a.address_country.is_none() {
                a.address_country = office_country.map(str::to_string);
            }
            typed("Place", Place { address: typed("PostalAddress", a) })
        })
        .collect()
}

/// The parts of one location as Greenhouse boards write them: "New York, NY, United States",
/// "Paris, France", "Charlotte, NC", "Coimbatore (Tamilnadu)", "Hybrid - London, UK",
/// "Singapore". The first part is the town and the last, when it names a country, the
/// country; whatever lies between (or a trailing part that is no country) is the region.
/// `None` for an empty or remote location.
pub fn postal_address(text: &str) -> Option<PostalAddress> {
    let text = strip_word(text.trim(), &["hybrid", "on-site", "onsite", "on site", "in-office", "in office"]);
    if text.is_empty() || fold(text).starts_with("remote") {
        return None;
    }
    // A part names something only if it has a letter or digit.
    let named = |p: &&str| p.chars().any(char::is_alphanumeric);
    let (main, bracket) = match (text.find('('), text.ends_with(')')) {
        (Some(open), true) => (&text[..open], Some(text[open + 1..text.len() - 1].trim()).filter(named)),
        _ => (text, None),
    };
    let parts: Vec<&str> = main.split(',').map(str::trim).filter(named).collect();
    let own = |s: &str| Some(s.to_string());
    let mut a = PostalAddress::default();
    match parts.as_slice() {
        [] => {}
        [one] if is_country(one) => {
            a.address_country = own(one);
            a.address_locality = CITY_STATES.contains(&fold(one).as_str()).then(|| one.to_string());
        }
        [one] => a.address_locality = own(one),
        [first, rest @ ..] => {
            a.address_locality = own(first);
            let (middle, last) = rest.split_at(rest.len() - 1);
            if is_country(last[0]) {
                a.address_country = own(last[0]);
                a.address_region = Some(middle.join(", ")).filter(|r| !r.is_empty());
            } else {
                a.address_region = Some(rest.join(", "));
            }
        }
    }
    match bracket {
        Some(b) if a.address_country.is_none() && is_country(b) => a.address_country = own(b),
        Some(b) if a.address_region.is_none() && a.address_locality.is_some() => a.address_region = own(b),
        _ => {}
    }
    (a != PostalAddress::default()).then_some(a)
}

/// `text` without a leading word from `words` (any case) and the separators after it.
fn strip_word<'a>(text: &'a str, words: &[&str]) -> &'a str {
    let lower = text.to_ascii_lowercase();
    for w in words {
        if lower.starts_with(w) && !text[w.len()..].starts_with(|c: char| c.is_alphanumeric()) {
            return text[w.len()..].trim_start_matches([' ', '-', '\u{2013}', '\u{2014}', ':', ',', '(', '/']).trim_end_matches(')').trim();
        }
    }
    text
}

/// Where a remote job's applicants may live: what its location says besides "Remote"
/// ("Remote - Canada", "Remote, EMEA", or just "Canada" when the workplace type says remote).
fn applicant_region(detail: &JobDetail) -> Typed<Named> {
    let region = strip_word(detail.job.location.trim(), &["remote"]);
    match region {
        "" => typed("AdministrativeArea", Named { name: "Worldwide".into() }),
        r if is_country(r) => typed("Country", Named { name: r.to_string() }),
        r => typed("AdministrativeArea", Named { name: r.to_string() }),
    }
}

/// Google's `employmentType` values for the job's "Employment Type"-style custom field
/// ("Full-Time: Experienced" → `FULL_TIME`, "Summer Internship" → `INTERN`); empty when the
/// board has no such field or its value names none of them.
pub fn employment_types(job: &JobSummary) -> Vec<&'static str> {
    let Some(field) = job.metadata.iter().find(|m| EMPLOYMENT_FIELDS.contains(&fold(&m.name).as_str())) else { return vec![] };
    let values: Vec<&str> = match &field.value {
        MetadataValue::Text(t) => vec![t.as_str()],
        MetadataValue::List(l) => l.iter().map(String::as_str).collect(),
        MetadataValue::Bool(_) | MetadataValue::Empty => vec![],
    };
    let mut out: Vec<&'static str> = Vec::new();
    for v in values {
        // Words only, padded, so " intern " never matches "International".
        let words: String = fold(v).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).fold(String::from(" "), |s, w| s + w + " ");
        for (kind, phrases) in EMPLOYMENT_WORDS.iter().copied() {
            if phrases.iter().any(|p| words.contains(&format!(" {p} "))) && !out.contains(&kind) {
                out.push(kind);
            }
        }
    }
    out
}

const EMPLOYMENT_FIELDS: [&str; 9] = [
    "employment type",
    "employment",
    "type of employment",
    "employment status",
    "job type",
    "time type",
    "worker type",
    "contract type",
    "position type",
];

const EMPLOYMENT_WORDS: [(&str, &[&str]); 7] = [
    ("FULL_TIME", &["full time", "fulltime", "permanent", "vollzeit", "regular full time"]),
    ("PART_TIME", &["part time", "parttime", "teilzeit"]),
    ("CONTRACTOR", &["contract", "contractor", "freelance", "freelancer"]),
    ("TEMPORARY", &["temporary", "temp", "fixed term", "seasonal", "befristet"]),
    ("INTERN", &["intern", "interns", "internship", "internships", "praktikum", "werkstudent", "co op"]),
    ("VOLUNTEER", &["volunteer"]),
    ("PER_DIEM", &["per diem"]),
];

/// A pay range as a `MonetaryAmount`, when it has a currency and at least one bound. The
/// unit comes from the range's title ("Hourly rate" → `HOUR`); Greenhouse's pay ranges are
/// annual unless they say otherwise.
fn base_salary(r: &PayRange) -> Option<Typed<MonetaryAmount>> {
    let currency = r.currency.clone().filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()))?.to_ascii_uppercase();
    let (min, max) = match (r.min_cents, r.max_cents) {
        (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
        (None, None) => return None,
        bounds => bounds,
    };
    let title = fold(r.title.as_deref().unwrap_or_default());
    let words: Vec<&str> = title.split(|c: char| !c.is_alphanumeric()).collect();
    let has = |ws: &[&str]| words.iter().any(|w| ws.contains(w));
    let unit_text = if has(&["hour", "hourly", "hr", "stunde", "stundenlohn"]) {
        "HOUR"
    } else if has(&["day", "daily", "tag", "tagessatz"]) {
        "DAY"
    } else if has(&["week", "weekly", "woche"]) {
        "WEEK"
    } else if has(&["month", "monthly", "monat", "monatlich"]) {
        "MONTH"
    } else {
        "YEAR"
    };
    let value = if min == max {
        QuantitativeValue { value: min.map(Amount), min_value: None, max_value: None, unit_text }
    } else {
        QuantitativeValue { value: None, min_value: min.map(Amount), max_value: max.map(Amount), unit_text }
    };
    Some(typed("MonetaryAmount", MonetaryAmount { currency, value: typed("QuantitativeValue", value) }))
}

/// Whether text starts with an ISO 8601 date (`2026-12-31`, `2026-12-31T23:59:59Z`).
pub fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'-') && digits(8..10) && (b.len() == 10 || b[10] == b'T')
}

/// Whether a location part names a country (in English, or a common short form).
pub fn is_country(text: &str) -> bool {
    let f = fold(text.trim().trim_end_matches('.'));
    COUNTRIES.split('|').any(|c| c == f)
}

/// Cities that are their own country: "Singapore" is a town too.
const CITY_STATES: [&str; 5] = ["singapore", "hong kong", "monaco", "macau", "macao"];

/// Countries and common short forms, folded. Georgia is left out: on US boards it is the state.
const COUNTRIES: &str = "afghanistan|albania|algeria|andorra|angola|antigua and barbuda|argentina|armenia|australia|austria|\
azerbaijan|bahamas|bahrain|bangladesh|barbados|belarus|belgium|belize|benin|bhutan|bolivia|bosnia and herzegovina|botswana|\
brazil|brasil|brunei|bulgaria|burkina faso|burundi|cabo verde|cape verde|cambodia|cameroon|canada|central african republic|chad|\
chile|china|colombia|comoros|congo|costa rica|cote d'ivoire|ivory coast|croatia|cuba|cyprus|czechia|czech republic|denmark|\
djibouti|dominica|dominican republic|ecuador|egypt|el salvador|equatorial guinea|eritrea|estonia|eswatini|ethiopia|fiji|finland|\
france|gabon|gambia|germany|deutschland|ghana|greece|grenada|guatemala|guinea|guinea-bissau|guyana|haiti|honduras|hong kong|\
hungary|iceland|india|indonesia|iran|iraq|ireland|israel|italy|jamaica|japan|jordan|kazakhstan|kenya|kiribati|kosovo|kuwait|\
kyrgyzstan|laos|latvia|lebanon|lesotho|liberia|libya|liechtenstein|lithuania|luxembourg|macau|macao|madagascar|malawi|malaysia|\
maldives|mali|malta|marshall islands|mauritania|mauritius|mexico|micronesia|moldova|monaco|mongolia|montenegro|morocco|\
mozambique|myanmar|namibia|nauru|nepal|netherlands|the netherlands|new zealand|nicaragua|niger|nigeria|north korea|\
north macedonia|norway|oman|pakistan|palau|palestine|panama|papua new guinea|paraguay|peru|philippines|poland|portugal|\
puerto rico|qatar|romania|russia|rwanda|saint lucia|samoa|san marino|saudi arabia|senegal|serbia|seychelles|sierra leone|\
singapore|slovakia|slovenia|solomon islands|somalia|south africa|south korea|korea|republic of korea|south sudan|spain|\
sri lanka|sudan|suriname|sweden|switzerland|syria|taiwan|tajikistan|tanzania|thailand|timor-leste|togo|tonga|\
trinidad and tobago|tunisia|turkey|turkiye|turkmenistan|tuvalu|uganda|ukraine|united arab emirates|uae|united kingdom|uk|\
great britain|england|scotland|wales|northern ireland|united states|united states of america|usa|us|u.s|u.s.a|uruguay|\
uzbekistan|vanuatu|vatican|venezuela|vietnam|viet nam|yemen|zambia|zimbabwe";

/// Makes serialised JSON safe inside `<script type="application/ld+json">`: `<` is escaped
/// so no job text can close the script element.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{BoardInfo, JobSummary, MetadataField, MetadataValue, Office, PayRange, API_VERSION};
    use serde_json::Value;

    fn json(p: &JobPosting) -> Value {
        serde_json::to_value(p).unwrap()
    }

    fn detail(location: &str, workplace: &str, offices: Vec<Office>) -> JobDetail {
        JobDetail {
            v: API_VERSION,
            board: BoardInfo { token: "acme".into(), name: "Acme".into(), hosted_url: String::new() },
            job: JobSummary {
                id: 4100000002,
                title: "Engineer".into(),
                location: location.into(),
                department_ids: vec![],
                office_ids: vec![],
                requisition_id: None,
                updated_at: Some("2026-11-01T09:30:00-05:00".into()),
                first_published: Some("2026-10-01T08:00:00-04:00".into()),
                absolute_url: None,
                language: None,
                metadata: vec![MetadataField { name: "Workplace Type".into(), value: MetadataValue::Text(workplace.into()) }],
                featured: false,
                position: None,
                tags: vec![],
                apply_url: None,
                application_deadline: None,
            },
            content_html: "<p>Build </script> things</p>".into(),
            intro_html: String::new(),
            departments: vec![],
            offices,
            pay_ranges: vec![PayRange { title: None, min_cents: Some(12_000_000), max_cents: Some(16_000_000), currency: Some("USD".into()) }],
            form: None,
        }
    }

    #[test]
    fn an_onsite_job_has_every_required_property() {
        let office = Office { id: 1, name: "Berlin".into(), location: Some("Berlin, Germany".into()), parent_id: None, child_ids: vec![] };
        let p = json(&job_posting(&detail("Berlin, Germany", "On-site", vec![office]), Some("https://acme.example/jobs?gh_jid=4100000002"), true));
        for key in ["title", "description", "datePosted", "hiringOrganization", "jobLocation", "identifier", "baseSalary", "directApply"] {
            assert!(p.get(key).is_some(), "{key} missing: {p}");
        }
        assert_eq!(p["datePosted"], "2026-10-01T08:00:00-04:00", "first_published wins over updated_at");
        assert_eq!(p["@type"], "JobPosting");
        assert_eq!(p["hiringOrganization"]["@type"], "Organization");
        assert_eq!(p["jobLocation"][0]["@type"], "Place");
        assert_eq!(
            p["jobLocation"][0]["address"],
            serde_json::json!({"@type": "PostalAddress", "addressLocality": "Berlin", "addressCountry": "Germany"})
        );
        assert_eq!(p["baseSalary"]["@type"], "MonetaryAmount");
        assert_eq!(p["baseSalary"]["currency"], "USD");
        assert_eq!(
            p["baseSalary"]["value"],
            serde_json::json!({"@type": "QuantitativeValue", "minValue": 120000, "maxValue": 160000, "unitText": "YEAR"})
        );
        assert_eq!(p["identifier"]["value"], "4100000002");
        assert!(p.get("jobLocationType").is_none());
    }

    #[test]
    fn a_remote_job_is_telecommute_with_a_region() {
        let p = json(&job_posting(&detail("Remote - Europe", "Remote", vec![]), None, false));
        assert_eq!(p["jobLocationType"], "TELECOMMUTE");
        assert_eq!(p["applicantLocationRequirements"], serde_json::json!({"@type": "AdministrativeArea", "name": "Europe"}));
        assert!(p.get("jobLocation").is_none(), "no street address for a remote job");
        let p = json(&job_posting(&detail("Canada", "Remote", vec![]), None, false));
        assert_eq!(p["applicantLocationRequirements"], serde_json::json!({"@type": "Country", "name": "Canada"}), "{p}");
        let p = json(&job_posting(&detail("Remote", "", vec![]), None, false));
        assert_eq!(p["applicantLocationRequirements"]["name"], "Worldwide");
    }

    fn address(text: &str) -> Option<(Option<String>, Option<String>, Option<String>)> {
        postal_address(text).map(|a| (a.address_locality, a.address_region, a.address_country))
    }

    #[test]
    fn locations_are_split_into_address_parts() {
        let s = |x: &str| Some(x.to_string());
        assert_eq!(address("New York, New York, United States"), Some((s("New York"), s("New York"), s("United States"))));
        assert_eq!(address("Mumbai, Maharashtra, India"), Some((s("Mumbai"), s("Maharashtra"), s("India"))));
        assert_eq!(address("Paris, France"), Some((s("Paris"), None, s("France"))));
        assert_eq!(address("Charlotte, NC"), Some((s("Charlotte"), s("NC"), None)), "a region, not a country");
        assert_eq!(address("Bengaluru, Karnataka"), Some((s("Bengaluru"), s("Karnataka"), None)));
        assert_eq!(address("Coimbatore (Tamilnadu)"), Some((s("Coimbatore"), s("Tamilnadu"), None)));
        assert_eq!(address("Hybrid - London, UK"), Some((s("London"), None, s("UK"))));
        assert_eq!(address("Canada"), Some((None, None, s("Canada"))));
        assert_eq!(address("Singapore"), Some((s("Singapore"), None, s("Singapore"))), "a city-state is a town too");
        assert_eq!(address("Atlanta, Georgia"), Some((s("Atlanta"), s("Georgia"), None)), "the US state");
        assert_eq!(address("Zürich, SCHWEIZ (CH)"), Some((s("Zürich"), s("SCHWEIZ"), None)));
        for nothing in ["", "  ", "Remote", "Remote - USA", "Hybrid", ",", "()", "(", ")"] {
            assert_eq!(address(nothing), None, "{nothing:?}");
        }
    }

    #[test]
    fn places_come_from_the_location_then_the_offices() {
        let office = |name: &str, location: Option<&str>| Office {
            id: 1,
            name: name.into(),
            location: location.map(Into::into),
            parent_id: None,
            child_ids: vec![],
        };
        let p = json(&job_posting(&detail("Bangalore", "", vec![office("PhonePe Limited", Some("Karnataka, India"))]), None, false));
        assert_eq!(
            p["jobLocation"][0]["address"],
            serde_json::json!({"@type": "PostalAddress", "addressLocality": "Bangalore", "addressCountry": "India"}),
            "the offices' country fills in"
        );
        let p = json(&job_posting(&detail("New York, NY; London, UK", "", vec![]), None, false));
        assert_eq!(p["jobLocation"].as_array().map(Vec::len), Some(2), "{p}");
        let p = json(&job_posting(
            &detail("Multiple Locations", "", vec![office("Berlin", Some("Berlin, Germany")), office("Paris", None)]),
            None,
            false,
        ));
        assert_eq!(p["jobLocation"].as_array().map(Vec::len), Some(1), "{p}");
        assert_eq!(p["jobLocation"][0]["address"]["addressLocality"], "Berlin");
        let p = json(&job_posting(&detail("", "", vec![office("Berlin", None)]), None, false));
        assert_eq!(p["jobLocation"][0]["address"]["addressLocality"], "Berlin", "an office's name as the last resort");
    }

    fn with_metadata(name: &str, value: MetadataValue) -> JobDetail {
        let mut d = detail("Berlin", "", vec![]);
        d.job.metadata.push(MetadataField { name: name.into(), value });
        d
    }

    #[test]
    fn employment_types_come_from_the_boards_field() {
        let kinds = |name: &str, v: &str| employment_types(&with_metadata(name, MetadataValue::Text(v.into())).job);
        assert_eq!(kinds("Employment Type", "Full-Time: Experienced"), ["FULL_TIME"]);
        assert_eq!(kinds("Employment Type", "Summer Internship"), ["INTERN"]);
        assert_eq!(kinds("employment type", "Part time"), ["PART_TIME"]);
        assert_eq!(kinds("Job Type", "Contract"), ["CONTRACTOR"]);
        assert_eq!(kinds("Employment Type", "Full-time, fixed term"), ["FULL_TIME", "TEMPORARY"]);
        assert!(kinds("Employment Type", "Full-Time: International").iter().all(|k| *k != "INTERN"), "international is no intern");
        assert!(kinds("Employment Type", "Experienced").is_empty(), "nothing guessed");
        assert!(kinds("Requisition Type", "Full-time").is_empty(), "only employment fields count");
        let list = with_metadata("Employment Type", MetadataValue::List(vec!["Full-time".into(), "Part-time".into()]));
        let p = json(&job_posting(&list, None, true));
        assert_eq!(p["employmentType"], serde_json::json!(["FULL_TIME", "PART_TIME"]));
        assert!(json(&job_posting(&detail("Berlin", "", vec![]), None, true)).get("employmentType").is_none());
    }

    #[test]
    fn pay_ranges_become_base_salary_with_their_unit() {
        let mut d = detail("Berlin", "", vec![]);
        let salary = |d: &JobDetail| json(&job_posting(d, None, true)).get("baseSalary").cloned();
        d.pay_ranges =
            vec![PayRange { title: Some("Hourly rate".into()), min_cents: Some(2550), max_cents: Some(3000), currency: Some("eur".into()) }];
        assert_eq!(
            salary(&d),
            Some(serde_json::json!({"@type": "MonetaryAmount", "currency": "EUR",
                "value": {"@type": "QuantitativeValue", "minValue": 25.5, "maxValue": 30, "unitText": "HOUR"}}))
        );
        d.pay_ranges[0].title = Some("Monthly salary".into());
        d.pay_ranges[0].max_cents = Some(2550);
        assert_eq!(salary(&d).unwrap()["value"], serde_json::json!({"@type": "QuantitativeValue", "value": 25.5, "unitText": "MONTH"}));
        d.pay_ranges[0].min_cents = None;
        d.pay_ranges[0].max_cents = None;
        assert_eq!(salary(&d), None, "no amount, no salary");
        d.pay_ranges = vec![PayRange { title: None, min_cents: Some(1), max_cents: None, currency: Some("dollars".into()) }];
        assert_eq!(salary(&d), None, "no currency code, no salary");
    }

    #[test]
    fn valid_through_is_the_deadline_when_it_is_a_date() {
        let mut d = detail("Berlin", "", vec![]);
        for (deadline, want) in
            [("2027-01-31", Some("2027-01-31")), ("2027-01-31T23:59:00Z", Some("2027-01-31T23:59:00Z")), ("soon", None), ("31/01/2027", None)]
        {
            d.job.application_deadline = Some(deadline.into());
            assert_eq!(json(&job_posting(&d, None, true)).get("validThrough").and_then(Value::as_str), want, "{deadline}");
        }
    }

    #[test]
    fn json_ld_cannot_break_out_of_its_script_element() {
        let text = script_safe(&serde_json::to_string(&job_posting(&detail("Berlin", "Hybrid", vec![]), None, true)).unwrap());
        assert!(!text.contains("</script"), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["description"], "<p>Build </script> things</p>");
    }
}
