//! Search, composable filters with counts, grouping and URL state over a [`BoardListing`]:
//! the same code runs in the widget and in tests.

use crate::api::{BoardListing, JobSummary, MetadataValue};

/// Folds text for matching: lower case, Latin diacritics removed, whitespace collapsed.
/// "Zürich", "ZURICH" and "zurich" all fold to "zurich".
pub fn fold(text: &str) -> String {
    // In the browser (feature `js-fold`), JavaScript's `toLowerCase` lowers non-ASCII text,
    // so the widget does not carry Rust's Unicode case tables (about 11 KB). It is the same
    // full Unicode mapping, applied to the whole string before the loop below.
    #[cfg(all(feature = "js-fold", target_arch = "wasm32"))]
    let lowered: String;
    #[cfg(all(feature = "js-fold", target_arch = "wasm32"))]
    let text = if text.is_ascii() {
        text
    } else {
        lowered = js_sys::JsString::from(text).to_lower_case().into();
        lowered.as_str()
    };
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.chars() {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        last_space = false;
        #[cfg(all(feature = "js-fold", target_arch = "wasm32"))]
        let lower = [c.to_ascii_lowercase()];
        #[cfg(not(all(feature = "js-fold", target_arch = "wasm32")))]
        let lower = c.to_lowercase();
        for l in lower {
            match fold_latin(l) {
                Some(s) => out.push_str(s),
                None => out.push(l),
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Which facet a filter option belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facet {
    Department,
    Office,
    Location,
    Workplace,
}

/// What the visitor has chosen: a text query and, per facet, any of several options (OR
/// within a facet, AND across facets). Location and workplace options are folded keys.
/// Each set is a sorted `Vec` without duplicates (no B-tree code in the widget).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub query: String,
    pub departments: Vec<u64>,
    pub offices: Vec<u64>,
    pub locations: Vec<String>,
    pub workplace: Vec<String>,
}

/// Adds `v` to a sorted set; false when it was there already.
fn set_insert<T: Ord>(set: &mut Vec<T>, v: T) -> bool {
    match set.binary_search(&v) {
        Ok(_) => false,
        Err(at) => {
            set.insert(at, v);
            true
        }
    }
}

/// A sorted set from any values.
fn set_of<T: Ord>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for v in items {
        set_insert(&mut out, v);
    }
    out
}

/// Whether sorted `set` holds `v`.
fn set_has<T: Ord + ?Sized, U: std::borrow::Borrow<T> + Ord>(set: &[U], v: &T) -> bool {
    set.binary_search_by(|x| x.borrow().cmp(v)).is_ok()
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.query.trim().is_empty()
            && self.departments.is_empty()
            && self.offices.is_empty()
            && self.locations.is_empty()
            && self.workplace.is_empty()
    }

    /// Turns an option on or off. `key` is an id for departments and offices, a folded key
    /// for locations and workplace types.
    pub fn toggle(&mut self, facet: Facet, key: &str) {
        fn flip<T: Ord>(set: &mut Vec<T>, v: T) {
            match set.binary_search(&v) {
                Ok(at) => {
                    set.remove(at);
                }
                Err(at) => set.insert(at, v),
            }
        }
        match facet {
            Facet::Department => {
                if let Ok(id) = key.parse() {
                    flip(&mut self.departments, id)
                }
            }
            Facet::Office => {
                if let Ok(id) = key.parse() {
                    flip(&mut self.offices, id)
                }
            }
            Facet::Location => flip(&mut self.locations, key.to_string()),
            Facet::Workplace => flip(&mut self.workplace, key.to_string()),
        }
    }

    pub fn is_on(&self, facet: Facet, key: &str) -> bool {
        match facet {
            Facet::Department => key.parse().is_ok_and(|id| self.departments.contains(&id)),
            Facet::Office => key.parse().is_ok_and(|id| self.offices.contains(&id)),
            Facet::Location => set_has(&self.locations, key),
            Facet::Workplace => set_has(&self.workplace, key),
        }
    }

    /// The filters as URL query pairs, each name prefixed (`ghw_q`, `ghw_dept`, …) so the host
    /// page's own parameters survive. Empty filters write nothing.
    pub fn to_params(&self, prefix: &str) -> Vec<(String, String)> {
        let join_ids = |s: &[u64]| s.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
        let join = |s: &[String]| s.join("|");
        let mut out = Vec::new();
        let q = self.query.trim();
        if !q.is_empty() {
            out.push((format!("{prefix}q"), q.to_string()));
        }
        if !self.departments.is_empty() {
            out.push((format!("{prefix}dept"), join_ids(&self.departments)));
        }
        if !self.offices.is_empty() {
            out.push((format!("{prefix}office"), join_ids(&self.offices)));
        }
        if !self.locations.is_empty() {
            out.push((format!("{prefix}loc"), join(&self.locations)));
        }
        if !self.workplace.is_empty() {
            out.push((format!("{prefix}wp"), join(&self.workplace)));
        }
        out
    }

    /// The names [`Filters::to_params`] may write, for clearing them from a URL.
    pub fn param_names(prefix: &str) -> [String; 5] {
        ["q", "dept", "office", "loc", "wp"].map(|n| format!("{prefix}{n}"))
    }

    /// Reads filters back from URL query pairs; unknown or malformed values are ignored.
    pub fn from_params<'a>(prefix: &str, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut f = Filters::default();
        for (k, v) in pairs {
            let Some(name) = k.strip_prefix(prefix) else { continue };
            match name {
                "q" => f.query = v.chars().take(200).collect(),
                "dept" => f.departments = set_of(v.split(',').filter_map(|x| x.trim().parse().ok())),
                "office" => f.offices = set_of(v.split(',').filter_map(|x| x.trim().parse().ok())),
                "loc" => f.locations = set_of(v.split('|').map(fold).filter(|x| !x.is_empty())),
                "wp" => f.workplace = set_of(v.split('|').map(fold).filter(|x| !x.is_empty())),
                _ => {}
            }
        }
        f
    }
}

/// One choice in a facet, with how many jobs it would show given the other active filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetOption {
    pub key: String,
    pub label: String,
    pub count: usize,
    /// Nesting depth for departments and offices (0 = top level).
    pub depth: usize,
}

/// Metadata names that carry a job's workplace type ("Remote", "Hybrid", "On-site").
const WORKPLACE_FIELDS: [&str; 5] = ["workplace type", "workplace", "location type", "remote status", "work type"];

/// How jobs are grouped under headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupBy {
    #[default]
    Department,
    Office,
    None,
}

impl GroupBy {
    pub fn parse(s: &str) -> Self {
        match fold(s).as_str() {
            "office" | "offices" | "location" => Self::Office,
            "none" | "flat" => Self::None,
            _ => Self::Department,
        }
    }
}

struct Entry {
    haystack: String,
    /// The job's departments and all their ancestors.
    departments: Vec<u64>,
    offices: Vec<u64>,
    location: String,
    workplace: Option<String>,
}

/// Everything needed to search, filter, count and group one listing, built once per load.
pub struct BoardIndex {
    pub listing: BoardListing,
    entries: Vec<Entry>,
    /// Jobs the embed shows at all (its `data-departments` / `data-offices` scope).
    in_scope: Vec<usize>,
    /// (folded key, label), sorted by key.
    location_labels: Vec<(String, String)>,
    workplace_labels: Vec<(String, String)>,
}

/// Keeps the first label seen for each folded key, sorted by key.
fn add_label(labels: &mut Vec<(String, String)>, key: &str, label: impl FnOnce() -> String) {
    if let Err(at) = labels.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
        labels.insert(at, (key.to_string(), label()));
    }
}

/// Sorts `items` by a key of one shape, (rank, folded name, id): each key is computed once,
/// and every sort in this module shares one instantiation of the sort.
fn sort_by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> (u64, String, u64)) {
    let mut keyed: Vec<((u64, String, u64), usize)> = items.iter().enumerate().map(|(i, t)| (key(t), i)).collect();
    keyed.sort();
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(keyed.into_iter().filter_map(|(_, i)| slots[i].take()));
}

/// The parent of `id` in a list of (id, parent).
fn parent_of(parents: &[(u64, Option<u64>)], id: u64) -> Option<u64> {
    parents.iter().find(|p| p.0 == id).and_then(|p| p.1)
}

fn closure(ids: &[u64], parents: &[(u64, Option<u64>)]) -> Vec<u64> {
    let mut out = Vec::new();
    for &id in ids {
        let mut cur = Some(id);
        let mut guard = 0;
        while let Some(c) = cur {
            if out.contains(&c) || guard > 64 {
                break;
            }
            out.push(c);
            cur = parent_of(parents, c);
            guard += 1;
        }
    }
    out
}

/// Names or ids from an embed attribute (`"Engineering, 4010000009"`), resolved against a
/// list of (id, name).
pub fn resolve_scope<'a>(spec: &str, items: impl Iterator<Item = (u64, &'a str)> + Clone) -> Vec<u64> {
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Ok(id) = part.parse::<u64>() {
            set_insert(&mut out, id);
            continue;
        }
        let want = fold(part);
        for (id, _) in items.clone().filter(|(_, n)| fold(n) == want) {
            set_insert(&mut out, id);
        }
    }
    out
}

impl BoardIndex {
    /// `scope` restricts the board to some departments/offices (with their children), for
    /// embeds such as "one page per department"; an empty scope shows everything.
    pub fn new(listing: BoardListing, scope: &Filters) -> Self {
        let dept_parent: Vec<(u64, Option<u64>)> = listing.departments.iter().map(|d| (d.id, d.parent_id)).collect();
        let office_parent: Vec<(u64, Option<u64>)> = listing.offices.iter().map(|o| (o.id, o.parent_id)).collect();
        let dept_name = |id: &u64| listing.departments.iter().find(|d| d.id == *id).map_or("", |d| d.name.as_str());
        let office_name = |id: &u64| listing.offices.iter().find(|o| o.id == *id).map_or("", |o| o.name.as_str());
        let mut location_labels = Vec::new();
        let mut workplace_labels = Vec::new();
        let entries: Vec<Entry> = listing
            .jobs
            .iter()
            .map(|j| {
                let departments = closure(&j.department_ids, &dept_parent);
                let offices = closure(&j.office_ids, &office_parent);
                let mut h = String::with_capacity(j.title.len() + j.location.len() + 1);
                h.push_str(&j.title);
                h.push('\n');
                h.push_str(&j.location);
                for id in departments.iter() {
                    h.push('\n');
                    h.push_str(dept_name(id));
                }
                for id in offices.iter() {
                    h.push('\n');
                    h.push_str(office_name(id));
                }
                if let Some(r) = &j.requisition_id {
                    h.push('\n');
                    h.push_str(r);
                }
                let location = fold(&j.location);
                if !location.is_empty() {
                    add_label(&mut location_labels, &location, || j.location.trim().to_string());
                }
                let workplace = workplace_of(j).map(|label| {
                    let key = fold(&label);
                    add_label(&mut workplace_labels, &key, || label);
                    key
                });
                Entry { haystack: fold(&h), departments, offices, location, workplace }
            })
            .collect();
        let mut index = Self { listing, entries, in_scope: vec![], location_labels, workplace_labels };
        let scoped = Filters { query: String::new(), departments: scope.departments.clone(), offices: scope.offices.clone(), ..Default::default() };
        index.in_scope = (0..index.entries.len()).filter(|&i| index.matches(i, &scoped, None)).collect();
        index
    }

    fn matches(&self, i: usize, f: &Filters, except: Option<Facet>) -> bool {
        let e = &self.entries[i];
        let words = fold(&f.query);
        words.split(' ').filter(|w| !w.is_empty()).all(|w| e.haystack.contains(w))
            && (except == Some(Facet::Department) || f.departments.is_empty() || e.departments.iter().any(|d| f.departments.contains(d)))
            && (except == Some(Facet::Office) || f.offices.is_empty() || e.offices.iter().any(|o| f.offices.contains(o)))
            && (except == Some(Facet::Location) || f.locations.is_empty() || set_has(&f.locations, e.location.as_str()))
            && (except == Some(Facet::Workplace) || f.workplace.is_empty() || e.workplace.as_ref().is_some_and(|w| set_has(&f.workplace, w.as_str())))
    }

    /// Jobs in scope (indexes into `listing.jobs`).
    pub fn scope_len(&self) -> usize {
        self.in_scope.len()
    }

    /// Jobs matching every active filter, in listing order.
    pub fn select(&self, f: &Filters) -> Vec<usize> {
        self.in_scope.iter().copied().filter(|&i| self.matches(i, f, None)).collect()
    }

    fn count(&self, f: &Filters, facet: Facet, hit: impl Fn(&Entry) -> bool) -> usize {
        self.in_scope.iter().filter(|&&i| self.matches(i, f, Some(facet)) && hit(&self.entries[i])).count()
    }

    /// The options of one facet with counts that respect every *other* active filter, so a
    /// visitor sees what each choice would give. Options with no jobs in scope are left out;
    /// departments and offices come in tree order with their depth.
    pub fn facet(&self, facet: Facet, f: &Filters) -> Vec<FacetOption> {
        let present = |pred: &dyn Fn(&Entry) -> bool| self.in_scope.iter().any(|&i| pred(&self.entries[i]));
        match facet {
            Facet::Department | Facet::Office => {
                let nodes: Vec<(u64, &str, Option<u64>)> = if facet == Facet::Department {
                    self.listing.departments.iter().map(|d| (d.id, d.name.as_str(), d.parent_id)).collect()
                } else {
                    self.listing.offices.iter().map(|o| (o.id, o.name.as_str(), o.parent_id)).collect()
                };
                let ids: Vec<u64> = nodes.iter().map(|n| n.0).collect();
                let ids_of = |e: &Entry| if facet == Facet::Department { e.departments.clone() } else { e.offices.clone() };
                let mut out = Vec::new();
                fn walk<'n>(
                    parent: Option<u64>,
                    depth: usize,
                    nodes: &[(u64, &'n str, Option<u64>)],
                    ids: &[u64],
                    out: &mut Vec<(u64, &'n str, usize)>,
                ) {
                    let mut kids: Vec<&(u64, &str, Option<u64>)> = nodes
                        .iter()
                        .filter(|n| match parent {
                            None => n.2.is_none() || !ids.contains(&n.2.unwrap_or_default()),
                            Some(p) => n.2 == Some(p),
                        })
                        .collect();
                    sort_by_key(&mut kids, |k| (0, fold(k.1), k.0));
                    for k in kids {
                        if out.iter().any(|o| o.0 == k.0) || depth > 16 {
                            continue;
                        }
                        out.push((k.0, k.1, depth));
                        walk(Some(k.0), depth + 1, nodes, ids, out);
                    }
                }
                let mut ordered = Vec::new();
                walk(None, 0, &nodes, &ids, &mut ordered);
                for (id, name, depth) in ordered {
                    if !present(&|e| ids_of(e).contains(&id)) {
                        continue;
                    }
                    let count = self.count(f, facet, |e| ids_of(e).contains(&id));
                    out.push(FacetOption { key: id.to_string(), label: name.to_string(), count, depth });
                }
                out
            }
            Facet::Location => self
                .location_labels
                .iter()
                .filter(|(k, _)| present(&|e| &e.location == k))
                .map(|(k, label)| FacetOption { key: k.clone(), label: label.clone(), count: self.count(f, facet, |e| &e.location == k), depth: 0 })
                .collect(),
            Facet::Workplace => self
                .workplace_labels
                .iter()
                .filter(|(k, _)| present(&|e| e.workplace.as_ref() == Some(k)))
                .map(|(k, label)| FacetOption {
                    key: k.clone(),
                    label: label.clone(),
                    count: self.count(f, facet, |e| e.workplace.as_ref() == Some(k)),
                    depth: 0,
                })
                .collect(),
        }
    }

    /// Groups the selected jobs under headings. Groups are ordered by name (the group of jobs
    /// without one last), jobs in an owner's order (featured, then by position), then by title
    /// and id, so the order is stable across loads.
    pub fn group<'a>(&'a self, selected: &[usize], by: GroupBy, other_label: &'a str) -> Vec<Group<'a>> {
        let listing = &self.listing;
        let names: Vec<(u64, &str)> = match by {
            GroupBy::Department => listing.departments.iter().map(|d| (d.id, d.name.as_str())).collect(),
            GroupBy::Office => listing.offices.iter().map(|o| (o.id, o.name.as_str())).collect(),
            GroupBy::None => Vec::new(),
        };
        let name_of = |id: u64| names.iter().find(|n| n.0 == id).map(|n| n.1);
        let mut groups: Vec<Group<'a>> = Vec::new();
        for &i in selected {
            let Some(job) = listing.jobs.get(i) else { continue };
            let key = match by {
                GroupBy::Department => job.department_ids.first().copied(),
                GroupBy::Office => job.office_ids.first().copied(),
                GroupBy::None => None,
            }
            .filter(|id| name_of(*id).is_some());
            let slot = match groups.iter().position(|g| g.department_id == key) {
                Some(slot) => slot,
                None => {
                    let name = key.and_then(name_of).unwrap_or(if by == GroupBy::None { "" } else { other_label });
                    groups.push(Group { department_id: key, name, jobs: Vec::new() });
                    groups.len() - 1
                }
            };
            groups[slot].jobs.push(job);
        }
        for g in &mut groups {
            // An owner's order first (featured, then by position), then by title.
            sort_by_key(&mut g.jobs, |j| {
                let rank =
                    ((!j.featured as u64) << 33) | ((j.position.is_none() as u64) << 32) | (j.position.unwrap_or(0) as u32 ^ 0x8000_0000) as u64;
                (rank, fold(&j.title), j.id)
            });
        }
        // By name, the group without one last (its id is None, the only such group).
        sort_by_key(&mut groups, |g| (g.department_id.is_none() as u64, fold(g.name), g.department_id.unwrap_or(0)));
        groups
    }
}

/// A job's workplace type from its metadata, if the board exposes one.
pub fn workplace_of(job: &JobSummary) -> Option<String> {
    job.metadata.iter().find(|m| WORKPLACE_FIELDS.contains(&fold(&m.name).as_str())).and_then(|m| match &m.value {
        MetadataValue::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        MetadataValue::List(l) => l.first().cloned(),
        _ => None,
    })
}

/// One group of jobs under a heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Group<'a> {
    /// The department's or office's id; `None` for the jobs without one.
    pub department_id: Option<u64>,
    pub name: &'a str,
    pub jobs: Vec<&'a JobSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{BoardInfo, Department, MetadataField, Office, API_VERSION};

    fn job(id: u64, title: &str, location: &str, dept: &[u64], office: &[u64], workplace: &str) -> JobSummary {
        JobSummary {
            id,
            title: title.into(),
            location: location.into(),
            department_ids: dept.to_vec(),
            office_ids: office.to_vec(),
            requisition_id: Some(format!("REQ-{id}")),
            updated_at: None,
            first_published: None,
            absolute_url: None,
            language: None,
            metadata: vec![MetadataField { name: "Workplace Type".into(), value: MetadataValue::Text(workplace.into()) }],
            featured: false,
            position: None,
            tags: vec![],
            apply_url: None,
            application_deadline: None,
        }
    }

    fn dept(id: u64, name: &str, parent: Option<u64>) -> Department {
        Department { id, name: name.into(), parent_id: parent, child_ids: vec![] }
    }

    fn office(id: u64, name: &str, parent: Option<u64>) -> Office {
        Office { id, name: name.into(), location: None, parent_id: parent, child_ids: vec![] }
    }

    /// Engineering (2) has a child Platform (3); EMEA (20) has Zurich (10) and Berlin (12).
    fn listing() -> BoardListing {
        BoardListing {
            v: API_VERSION,
            board: BoardInfo { token: "acme".into(), name: "Acme".into(), hosted_url: String::new() },
            jobs: vec![
                job(4000000003, "Site Reliability Engineer", "Zürich, Switzerland", &[3], &[10], "Hybrid"),
                job(4000000001, "Backend Engineer", "Remote", &[2], &[], "Remote"),
                job(4000000002, "Account Executive", "New York", &[1], &[11], "On-site"),
                job(4000000004, "Office Manager", "Berlin", &[], &[12], "On-site"),
            ],
            departments: vec![dept(1, "Sales", None), dept(2, "Engineering", None), dept(3, "Platform", Some(2))],
            offices: vec![office(20, "EMEA", None), office(10, "Zurich HQ", Some(20)), office(11, "NYC", None), office(12, "Berlin", Some(20))],
        }
    }

    fn index() -> BoardIndex {
        BoardIndex::new(listing(), &Filters::default())
    }

    fn q(query: &str) -> Filters {
        Filters { query: query.into(), ..Default::default() }
    }

    #[test]
    fn fold_ignores_case_accents_and_spacing() {
        assert_eq!(fold("  Zürich   OFFICE "), "zurich office");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Ingénieur·e"), "ingenieur·e");
    }

    #[test]
    fn search_matches_every_word_across_fields() {
        let idx = index();
        assert_eq!(idx.select(&q("")), vec![0, 1, 2, 3]);
        assert_eq!(idx.select(&q("zurich")), vec![0]);
        assert_eq!(idx.select(&q("ENGINEER remote")), vec![1]);
        assert_eq!(idx.select(&q("engineering")), vec![0, 1], "department names, parents included");
        assert_eq!(idx.select(&q("nyc")), vec![2], "office names are searchable");
        assert_eq!(idx.select(&q("req-4000000004")), vec![3], "requisition ids are searchable");
        assert!(idx.select(&q("plumber")).is_empty());
    }

    #[test]
    fn a_parent_department_includes_its_children() {
        let idx = index();
        let mut f = Filters::default();
        f.toggle(Facet::Department, "2");
        assert_eq!(idx.select(&f), vec![0, 1], "Engineering includes Platform");
        f.toggle(Facet::Department, "1");
        assert_eq!(idx.select(&f), vec![0, 1, 2], "OR within a facet");
        f.toggle(Facet::Department, "2");
        assert_eq!(idx.select(&f), vec![2], "toggling again removes it");
    }

    #[test]
    fn filters_compose_across_facets_and_with_search() {
        let idx = index();
        let mut f = Filters::default();
        f.toggle(Facet::Office, "20");
        assert_eq!(idx.select(&f), vec![0, 3], "EMEA includes Zurich and Berlin");
        f.toggle(Facet::Workplace, "on-site");
        assert_eq!(idx.select(&f), vec![3], "AND across facets");
        f.query = "engineer".into();
        assert!(idx.select(&f).is_empty());
        let mut g = Filters::default();
        g.toggle(Facet::Location, &fold("Zürich, Switzerland"));
        g.query = "reliability".into();
        assert_eq!(idx.select(&g), vec![0]);
    }

    #[test]
    fn facet_counts_respect_the_other_filters_only() {
        let idx = index();
        let mut f = Filters::default();
        f.toggle(Facet::Workplace, "on-site");
        let depts = idx.facet(Facet::Department, &f);
        let by_label: Vec<(&str, usize, usize)> = depts.iter().map(|o| (o.label.as_str(), o.count, o.depth)).collect();
        assert_eq!(by_label, vec![("Engineering", 0, 0), ("Platform", 0, 1), ("Sales", 1, 0)], "tree order with depth");
        let wp: Vec<(String, usize)> = idx.facet(Facet::Workplace, &f).into_iter().map(|o| (o.label, o.count)).collect();
        assert_eq!(wp, vec![("Hybrid".into(), 1), ("On-site".into(), 2), ("Remote".into(), 1)], "own facet ignored");
        let offices: Vec<String> = idx.facet(Facet::Office, &Filters::default()).into_iter().map(|o| o.label).collect();
        assert_eq!(offices, vec!["EMEA", "Berlin", "Zurich HQ", "NYC"]);
    }

    #[test]
    fn scope_limits_the_board_to_some_departments() {
        let l = listing();
        let scope =
            Filters { departments: resolve_scope("engineering", l.departments.iter().map(|d| (d.id, d.name.as_str()))), ..Default::default() };
        let idx = BoardIndex::new(l, &scope);
        assert_eq!(idx.scope_len(), 2);
        assert_eq!(idx.select(&Filters::default()), vec![0, 1]);
        assert!(idx.facet(Facet::Department, &Filters::default()).iter().all(|o| o.label != "Sales"));
        assert_eq!(resolve_scope("99, 1, 99", std::iter::empty()), vec![1, 99]);
    }

    #[test]
    fn filters_round_trip_through_prefixed_url_params() {
        let mut f = Filters { query: "rust dev".into(), ..Default::default() };
        f.toggle(Facet::Department, "2");
        f.toggle(Facet::Department, "3");
        f.toggle(Facet::Location, "zurich, switzerland");
        f.toggle(Facet::Workplace, "remote");
        let params = f.to_params("ghw_");
        assert_eq!(params[0], ("ghw_q".to_string(), "rust dev".to_string()));
        assert_eq!(params[1], ("ghw_dept".to_string(), "2,3".to_string()));
        let mut pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        pairs.push(("utm_source", "x"));
        pairs.push(("ghw2_q", "other widget"));
        assert_eq!(Filters::from_params("ghw_", pairs), f);
        assert!(Filters::default().to_params("ghw_").is_empty());
        let junk = Filters::from_params("ghw_", [("ghw_dept", "x,,7"), ("ghw_office", "-1")]);
        assert_eq!(junk.departments, vec![7]);
        assert!(junk.offices.is_empty());
    }

    #[test]
    fn groups_by_department_or_office_with_the_ungrouped_last() {
        let idx = index();
        let all = idx.select(&Filters::default());
        let names: Vec<&str> = idx.group(&all, GroupBy::Department, "Other").iter().map(|g| g.name).collect();
        assert_eq!(names, vec!["Engineering", "Platform", "Sales", "Other"]);
        let names: Vec<&str> = idx.group(&all, GroupBy::Office, "Other").iter().map(|g| g.name).collect();
        assert_eq!(names, vec!["Berlin", "NYC", "Zurich HQ", "Other"]);
        let flat = idx.group(&all, GroupBy::None, "Other");
        assert_eq!(flat.len(), 1);
        let titles: Vec<&str> = flat[0].jobs.iter().map(|j| j.title.as_str()).collect();
        assert_eq!(titles, vec!["Account Executive", "Backend Engineer", "Office Manager", "Site Reliability Engineer"]);
        assert_eq!(GroupBy::parse("Office"), GroupBy::Office);
        assert_eq!(GroupBy::parse("whatever"), GroupBy::Department);
    }

    #[test]
    fn an_owners_order_comes_before_titles_in_every_group() {
        let mut l = listing();
        for j in &mut l.jobs {
            match j.title.as_str() {
                "Site Reliability Engineer" => j.featured = true,
                "Office Manager" => j.position = Some(1),
                _ => {}
            }
        }
        let idx = BoardIndex::new(l, &Filters::default());
        let all = idx.select(&Filters::default());
        let flat = idx.group(&all, GroupBy::None, "Other");
        let titles: Vec<&str> = flat[0].jobs.iter().map(|j| j.title.as_str()).collect();
        assert_eq!(titles, vec!["Site Reliability Engineer", "Office Manager", "Account Executive", "Backend Engineer"]);
    }
}
