//! Harvest's jobs, job posts and openings (v1 and v3), as far as owners' job management reads
//! them. v1 embeds departments, offices and openings in a job; v3 lists openings apart.

use super::lenient::{lenient_id, lenient_opt_id};
use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Named {
    #[serde(deserialize_with = "lenient_id")]
    pub id: u64,
    #[serde(default, deserialize_with = "null_string")]
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Opening {
    #[serde(default, deserialize_with = "lenient_opt_id")]
    pub job_id: Option<u64>,
    #[serde(default, deserialize_with = "null_string")]
    pub status: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Job {
    #[serde(deserialize_with = "lenient_id")]
    pub id: u64,
    #[serde(default, deserialize_with = "null_string")]
    pub name: String,
    /// `open`, `closed` or `draft`.
    #[serde(default, deserialize_with = "null_string")]
    pub status: String,
    #[serde(default, deserialize_with = "null_vec")]
    pub departments: Vec<Named>,
    #[serde(default, deserialize_with = "null_vec")]
    pub offices: Vec<Named>,
    /// v1 only; `None` when the job does not say (v3).
    #[serde(default)]
    pub openings: Option<Vec<Opening>>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct JobPost {
    #[serde(deserialize_with = "lenient_id")]
    pub id: u64,
    #[serde(default, deserialize_with = "null_string")]
    pub title: String,
    #[serde(default, deserialize_with = "location")]
    pub location: String,
    #[serde(default)]
    pub internal: Option<bool>,
    #[serde(default)]
    pub external: Option<bool>,
    #[serde(default)]
    pub live: Option<bool>,
    /// `false` means deleted.
    #[serde(default)]
    pub active: Option<bool>,
    /// `None`: a prospect post.
    #[serde(default, deserialize_with = "lenient_opt_id")]
    pub job_id: Option<u64>,
}

impl JobPost {
    /// A post candidates from a host site may apply to: external, live, not deleted.
    pub fn open_to_candidates(&self) -> bool {
        self.live == Some(true) && self.active != Some(false) && self.internal != Some(true) && self.external != Some(false)
    }
}

fn null_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

fn null_vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// `{"name": "…"}` (v1, v3) or a bare string.
fn location<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum L {
        Text(String),
        Obj {
            #[serde(default)]
            name: Option<String>,
        },
        Other(serde::de::IgnoredAny),
    }
    Ok(match Option::<L>::deserialize(d)? {
        Some(L::Text(s)) => s,
        Some(L::Obj { name }) => name.unwrap_or_default(),
        _ => String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_and_v3_shapes_read_alike() {
        let v1: Job = serde_json::from_str(
            r#"{"id": 4200000001, "name": "Engineer", "status": "open", "departments": [{"id": 1, "name": "Eng", "parent_id": null}],
                "offices": [{"id": "2", "name": "Berlin", "location": {"name": "Berlin"}}], "openings": [{"id": 9, "status": "open"}]}"#,
        )
        .unwrap();
        assert_eq!(v1.offices[0].id, 2);
        assert_eq!(v1.openings.as_ref().map(Vec::len), Some(1));
        let v3: Job = serde_json::from_str(r#"{"id": "4200000001", "name": null, "status": "draft", "departments": null}"#).unwrap();
        assert_eq!((v3.id, v3.name.as_str(), v3.openings.is_none()), (4200000001, "", true));
        let post: JobPost = serde_json::from_str(
            r#"{"id": 7, "title": "Engineer", "location": {"name": "Remote"}, "internal": false, "live": true, "job_id": 4200000001}"#,
        )
        .unwrap();
        assert!(post.open_to_candidates());
        assert_eq!(post.location, "Remote");
        let internal: JobPost = serde_json::from_str(r#"{"id": 8, "location": "HQ", "internal": true, "live": true, "job_id": null}"#).unwrap();
        assert!(!internal.open_to_candidates());
        assert_eq!(internal.location, "HQ");
    }
}
