//! Search and grouping over a [`BoardListing`]: the same code runs in the widget and in tests.

use crate::api::{BoardListing, JobSummary};
use std::collections::HashMap;

/// Folds text for matching: lower case, Latin diacritics removed, whitespace collapsed.
/// "Zürich", "ZURICH" and "zurich" all fold to "zurich".
pub fn fold(text: &str) -> String {
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
        for l in c.to_lowercase() {
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

/// A search index over one listing: each job's folded haystack, built once.
pub struct SearchIndex {
    haystacks: Vec<String>,
}

impl SearchIndex {
    pub fn new(listing: &BoardListing) -> Self {
        let dept: HashMap<u64, &str> = listing.departments.iter().map(|d| (d.id, d.name.as_str())).collect();
        let office: HashMap<u64, &str> = listing.offices.iter().map(|o| (o.id, o.name.as_str())).collect();
        let haystacks = listing
            .jobs
            .iter()
            .map(|j| {
                let mut h = String::new();
                h.push_str(&j.title);
                h.push('\n');
                h.push_str(&j.location);
                for id in &j.department_ids {
                    h.push('\n');
                    h.push_str(dept.get(id).copied().unwrap_or_default());
                }
                for id in &j.office_ids {
                    h.push('\n');
                    h.push_str(office.get(id).copied().unwrap_or_default());
                }
                if let Some(r) = &j.requisition_id {
                    h.push('\n');
                    h.push_str(r);
                }
                fold(&h)
            })
            .collect();
        Self { haystacks }
    }

    /// Indexes (into `listing.jobs`) of jobs matching every word of `query`, in listing order.
    pub fn search(&self, query: &str) -> Vec<usize> {
        let q = fold(query);
        let words: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
        (0..self.haystacks.len())
            .filter(|&i| words.iter().all(|w| self.haystacks[i].contains(w)))
            .collect()
    }
}

/// One group of jobs under a heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Group<'a> {
    /// `None` for the jobs that have no department.
    pub department_id: Option<u64>,
    pub name: &'a str,
    pub jobs: Vec<&'a JobSummary>,
}

/// Groups the selected jobs by their first department. Groups are ordered by name (the
/// department-less group last), jobs by title then id, so the order is stable across loads.
pub fn group_by_department<'a>(listing: &'a BoardListing, selected: &[usize], other_label: &'a str) -> Vec<Group<'a>> {
    let names: HashMap<u64, &str> = listing.departments.iter().map(|d| (d.id, d.name.as_str())).collect();
    let mut groups: Vec<Group<'a>> = Vec::new();
    let mut at: HashMap<Option<u64>, usize> = HashMap::new();
    for &i in selected {
        let Some(job) = listing.jobs.get(i) else { continue };
        let key = job.department_ids.first().copied().filter(|id| names.contains_key(id));
        let slot = *at.entry(key).or_insert_with(|| {
            let name = key.and_then(|id| names.get(&id).copied()).unwrap_or(other_label);
            groups.push(Group { department_id: key, name, jobs: Vec::new() });
            groups.len() - 1
        });
        groups[slot].jobs.push(job);
    }
    for g in &mut groups {
        g.jobs.sort_by(|a, b| fold(&a.title).cmp(&fold(&b.title)).then(a.id.cmp(&b.id)));
    }
    groups.sort_by(|a, b| {
        (a.department_id.is_none(), fold(a.name), a.department_id).cmp(&(b.department_id.is_none(), fold(b.name), b.department_id))
    });
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{BoardInfo, Department, JobSummary, Office, API_VERSION};

    fn job(id: u64, title: &str, location: &str, dept: &[u64], office: &[u64]) -> JobSummary {
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
            metadata: vec![],
        }
    }

    fn listing() -> BoardListing {
        BoardListing {
            v: API_VERSION,
            board: BoardInfo { token: "acme".into(), name: "Acme".into(), hosted_url: String::new() },
            jobs: vec![
                job(4000000003, "Site Reliability Engineer", "Zürich, Switzerland", &[2], &[10]),
                job(4000000001, "Backend Engineer", "Remote", &[2], &[]),
                job(4000000002, "Account Executive", "New York", &[1], &[11]),
                job(4000000004, "Office Manager", "Berlin", &[], &[]),
            ],
            departments: vec![
                Department { id: 1, name: "Sales".into(), parent_id: None, child_ids: vec![] },
                Department { id: 2, name: "Engineering".into(), parent_id: None, child_ids: vec![] },
            ],
            offices: vec![
                Office { id: 10, name: "Zurich HQ".into(), location: None, parent_id: None, child_ids: vec![] },
                Office { id: 11, name: "NYC".into(), location: None, parent_id: None, child_ids: vec![] },
            ],
        }
    }

    #[test]
    fn fold_ignores_case_accents_and_spacing() {
        assert_eq!(fold("  Zürich   OFFICE "), "zurich office");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Ingénieur·e"), "ingenieur·e");
    }

    #[test]
    fn search_matches_every_word_across_fields() {
        let l = listing();
        let idx = SearchIndex::new(&l);
        assert_eq!(idx.search(""), vec![0, 1, 2, 3]);
        assert_eq!(idx.search("zurich"), vec![0]);
        assert_eq!(idx.search("ENGINEER remote"), vec![1]);
        assert_eq!(idx.search("engineering"), vec![0, 1], "department names are searchable");
        assert_eq!(idx.search("nyc"), vec![2], "office names are searchable");
        assert_eq!(idx.search("req-4000000004"), vec![3], "requisition ids are searchable");
        assert!(idx.search("plumber").is_empty());
    }

    #[test]
    fn groups_are_sorted_with_the_departmentless_last() {
        let l = listing();
        let all: Vec<usize> = (0..l.jobs.len()).collect();
        let groups = group_by_department(&l, &all, "Other");
        let names: Vec<&str> = groups.iter().map(|g| g.name).collect();
        assert_eq!(names, vec!["Engineering", "Sales", "Other"]);
        let eng: Vec<&str> = groups[0].jobs.iter().map(|j| j.title.as_str()).collect();
        assert_eq!(eng, vec!["Backend Engineer", "Site Reliability Engineer"]);
    }

    #[test]
    fn grouping_only_includes_selected_jobs() {
        let l = listing();
        let groups = group_by_department(&l, &[2], "Other");
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].jobs[0].id, 4000000002);
    }
}
