//! Applications: the form a job asks for (mapped from Greenhouse's `questions=true`), and the
//! one rule set that both the widget (inline, as the candidate types) and the worker (before
//! anything reaches Greenhouse) run. Greenhouse itself does not enforce required fields.

use serde::{Deserialize, Serialize};

/// Largest file we accept: the outbox keeps files base64-encoded in D1, whose values are
/// limited to 2 MB.
pub const MAX_FILE_BYTES: u64 = 1_400_000;
/// Largest whole application body the worker reads.
pub const MAX_BODY_BYTES: u64 = 4_000_000;
/// File types Greenhouse accepts.
pub const FILE_TYPES: [&str; 5] = ["pdf", "doc", "docx", "txt", "rtf"];
/// The honeypot field: hidden from people, filled in by naive bots.
pub const HONEYPOT: &str = "website_url";
/// Our own form fields that are not Greenhouse questions.
pub const IDEMPOTENCY_KEY: &str = "_submission_id";
pub const SOURCE_TOKEN: &str = "_gh_src";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplyForm {
    pub questions: Vec<Question>,
    pub location_questions: Vec<Question>,
    /// EEOC questions, with their section's sanitised description.
    pub compliance: Vec<Question>,
    pub compliance_html: Option<String>,
    pub demographic: Option<Demographic>,
    pub consents: Vec<Consent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub label: String,
    pub required: bool,
    pub description: Option<String>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub kind: FieldKind,
    pub options: Vec<Choice>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Textarea,
    File,
    Hidden,
    SingleSelect,
    MultiSelect,
}

impl FieldKind {
    pub fn from_greenhouse(t: &str) -> Option<Self> {
        Some(match t {
            "input_text" => Self::Text,
            "textarea" => Self::Textarea,
            "input_file" => Self::File,
            "input_hidden" => Self::Hidden,
            "multi_value_single_select" => Self::SingleSelect,
            "multi_value_multi_select" => Self::MultiSelect,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Demographic {
    pub header: Option<String>,
    pub description_html: Option<String>,
    pub questions: Vec<DemographicQuestion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemographicQuestion {
    pub id: u64,
    pub label: String,
    pub required: bool,
    pub multi: bool,
    pub options: Vec<DemographicOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemographicOption {
    pub id: u64,
    pub label: String,
    pub free_form: bool,
}

/// A GDPR consent the candidate must (or may) give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consent {
    /// The Greenhouse flag it sets: `gdpr_processing_consent_given`, `gdpr_retention_consent_given`,
    /// `gdpr_demographic_data_consent_given` or `gdpr_consent_given`.
    pub name: String,
    pub required: bool,
    pub retention_days: Option<u64>,
}

/// The form field carrying a demographic answer: `demographic_{question}` holds option ids,
/// `demographic_{question}_{option}` the free text for a free-form option.
pub fn demographic_field(question: u64) -> String {
    format!("demographic_{question}")
}

pub fn demographic_text_field(question: u64, option: u64) -> String {
    format!("demographic_{question}_{option}")
}

/// An uploaded file as the validator sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileMeta {
    pub field: String,
    pub filename: String,
    pub size: u64,
}

/// What a candidate sent: every text value by field name (several for multi-selects) and
/// every file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub values: Vec<(String, String)>,
    pub files: Vec<FileMeta>,
}

impl Submission {
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.values.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn first<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.all(name).map(str::trim).find(|v| !v.is_empty())
    }

    pub fn file(&self, name: &str) -> Option<&FileMeta> {
        self.files.iter().find(|f| f.field == name)
    }

    fn has(&self, name: &str) -> bool {
        self.first(name).is_some() || self.file(name).is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Required,
    TooLong,
    InvalidEmail,
    ContainsUrl,
    InvalidPhone,
    InvalidOption,
    FileType,
    FileEmpty,
    FileTooLarge,
    ConsentRequired,
    /// A value that is not valid for its field (the message says why).
    Invalid,
}

impl ErrorCode {
    /// English text; the widget shows its own catalogue's words for the same code.
    pub fn message(self) -> &'static str {
        match self {
            Self::Required => "This field is required.",
            Self::TooLong => "This is too long.",
            Self::InvalidEmail => "Enter a valid email address.",
            Self::ContainsUrl => "This field cannot contain a link.",
            Self::InvalidPhone => "Enter a valid phone number.",
            Self::InvalidOption => "Choose one of the options given.",
            Self::FileType => "Upload a PDF, DOC, DOCX, TXT or RTF file.",
            Self::FileEmpty => "The file is empty.",
            Self::FileTooLarge => "The file is too large (1.4 MB at most).",
            Self::ConsentRequired => "Your consent is required to apply.",
            Self::Invalid => "This value is not valid.",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
    pub message: String,
}

fn err(field: &str, code: ErrorCode) -> FieldError {
    FieldError { field: field.to_string(), code, message: code.message().to_string() }
}

fn has_url(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    l.contains("://") || l.contains("www.") || l.contains("<a ")
}

pub fn valid_email(v: &str) -> bool {
    let v = v.trim();
    let Some((local, domain)) = v.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
}

fn valid_phone(v: &str) -> bool {
    let digits = v.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits) && v.chars().all(|c| c.is_ascii_digit() || " +-().x/".contains(c))
}

/// The extension of a file name, lower-cased.
pub fn extension(name: &str) -> String {
    name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()
}

/// Checks one uploaded file against the type and size rules.
pub fn check_file(field: &str, f: &FileMeta) -> Option<FieldError> {
    if !FILE_TYPES.contains(&extension(&f.filename).as_str()) {
        Some(err(field, ErrorCode::FileType))
    } else if f.size == 0 {
        Some(err(field, ErrorCode::FileEmpty))
    } else if f.size > MAX_FILE_BYTES {
        Some(err(field, ErrorCode::FileTooLarge))
    } else {
        None
    }
}

impl ApplyForm {
    /// Every question, in the order the form shows them.
    pub fn all_questions(&self) -> impl Iterator<Item = &Question> {
        self.questions.iter().chain(&self.location_questions).chain(&self.compliance)
    }

    /// Every field name the form knows (values under other names are not forwarded).
    pub fn knows(&self, name: &str) -> bool {
        self.all_questions().flat_map(|q| &q.fields).any(|f| f.name == name)
            || self.consents.iter().any(|c| c.name == name)
            || self
                .demographic
                .iter()
                .flat_map(|d| &d.questions)
                .any(|q| name == demographic_field(q.id) || q.options.iter().any(|o| name == demographic_text_field(q.id, o.id)))
    }

    /// Validates a submission; an empty list means it may go to Greenhouse.
    pub fn validate(&self, s: &Submission) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for q in self.all_questions() {
            let first = q.fields.first().map(|f| f.name.as_str()).unwrap_or_default();
            if q.required && !q.fields.iter().filter(|f| f.kind != FieldKind::Hidden || q.fields.len() == 1).any(|f| s.has(&f.name)) {
                errors.push(err(first, ErrorCode::Required));
                continue;
            }
            for f in &q.fields {
                errors.extend(self.check_field(f, s));
            }
        }
        // A file is accepted only under a field that takes files.
        let mut refused: Vec<&str> = Vec::new();
        for f in &s.files {
            let takes_files = self.all_questions().flat_map(|q| &q.fields).any(|x| x.name == f.field && x.kind == FieldKind::File);
            if !takes_files && !refused.contains(&f.field.as_str()) {
                refused.push(&f.field);
                errors.push(FieldError { field: f.field.clone(), code: ErrorCode::Invalid, message: "A file cannot be sent here.".into() });
            }
        }
        for c in self.consents.iter().filter(|c| c.required) {
            if s.first(&c.name) != Some("true") {
                errors.push(err(&c.name, ErrorCode::ConsentRequired));
            }
        }
        for q in self.demographic.iter().flat_map(|d| &d.questions) {
            let name = demographic_field(q.id);
            let chosen: Vec<&str> = s.all(&name).filter(|v| !v.is_empty()).collect();
            if q.required && chosen.is_empty() {
                errors.push(err(&name, ErrorCode::Required));
            }
            if (!q.multi && chosen.len() > 1) || chosen.iter().any(|v| !q.options.iter().any(|o| o.id.to_string() == *v)) {
                errors.push(err(&name, ErrorCode::InvalidOption));
                continue;
            }
            for o in q.options.iter().filter(|o| o.free_form && chosen.contains(&o.id.to_string().as_str())) {
                let text = demographic_text_field(q.id, o.id);
                match s.first(&text) {
                    None => errors.push(err(&text, ErrorCode::Required)),
                    Some(t) if t.chars().count() > 255 => errors.push(err(&text, ErrorCode::TooLong)),
                    _ => {}
                }
            }
        }
        errors
    }

    fn check_field(&self, f: &Field, s: &Submission) -> Vec<FieldError> {
        let mut out = Vec::new();
        let name = f.name.as_str();
        match f.kind {
            FieldKind::File => {
                // Every file of the field is checked, and a field takes one file.
                let files: Vec<&FileMeta> = s.files.iter().filter(|f| f.field == name).collect();
                if files.len() > 1 {
                    out.push(FieldError { field: name.into(), code: ErrorCode::Invalid, message: "Attach one file here.".into() });
                }
                if let Some(e) = files.iter().find_map(|file| check_file(name, file)) {
                    out.push(e);
                }
            }
            FieldKind::SingleSelect | FieldKind::MultiSelect => {
                let chosen: Vec<&str> = s.all(name).filter(|v| !v.is_empty()).collect();
                let allowed = |v: &&str| f.options.iter().any(|o| o.value == *v);
                if (f.kind == FieldKind::SingleSelect && chosen.len() > 1) || !chosen.iter().all(allowed) {
                    out.push(err(name, ErrorCode::InvalidOption));
                }
            }
            FieldKind::Text | FieldKind::Textarea | FieldKind::Hidden => {
                let Some(v) = s.first(name) else { return out };
                let limit = match (name, f.kind) {
                    ("first_name" | "last_name" | "email" | "phone", _) => 255,
                    (_, FieldKind::Textarea) => 50_000,
                    _ => 2_000,
                };
                if v.chars().count() > limit {
                    out.push(err(name, ErrorCode::TooLong));
                } else if name == "email" && !valid_email(v) {
                    out.push(err(name, ErrorCode::InvalidEmail));
                } else if matches!(name, "first_name" | "last_name" | "phone") && has_url(v) {
                    out.push(err(name, ErrorCode::ContainsUrl));
                } else if name == "phone" && !valid_phone(v) {
                    out.push(err(name, ErrorCode::InvalidPhone));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_a_field_is_checked_and_files_elsewhere_are_refused() {
        let form = ApplyForm {
            questions: vec![q("Resume", true, &[("resume", FieldKind::File, &[])]), q("Why us?", false, &[("question_1", FieldKind::Textarea, &[])])],
            ..Default::default()
        };
        let meta = |field: &str, name: &str, size| FileMeta { field: field.into(), filename: name.into(), size };
        let sub = |files: Vec<FileMeta>| Submission { values: vec![], files };
        let codes = |s: &Submission| form.validate(s).into_iter().map(|e| (e.field, e.code)).collect::<Vec<_>>();
        assert!(codes(&sub(vec![meta("resume", "cv.pdf", 10)])).is_empty());
        // A good first file no longer hides a bad second one.
        assert_eq!(
            codes(&sub(vec![meta("resume", "cv.pdf", 10), meta("resume", "evil.exe", 10)])),
            vec![("resume".to_string(), ErrorCode::Invalid), ("resume".to_string(), ErrorCode::FileType)]
        );
        assert_eq!(
            codes(&sub(vec![meta("resume", "cv.pdf", 10), meta("question_1", "notes.pdf", 10)])),
            vec![("question_1".to_string(), ErrorCode::Invalid)],
            "a file under a text field"
        );
    }

    /// A field for the test forms: name, kind, and (value, label) options.
    type FieldSpec<'a> = (&'a str, FieldKind, &'a [(&'a str, &'a str)]);

    fn q(label: &str, required: bool, fields: &[FieldSpec]) -> Question {
        Question {
            label: label.into(),
            required,
            description: None,
            fields: fields
                .iter()
                .map(|(n, k, o)| Field {
                    name: (*n).into(),
                    kind: *k,
                    options: o.iter().map(|(v, l)| Choice { value: (*v).into(), label: (*l).into() }).collect(),
                })
                .collect(),
        }
    }

    fn form() -> ApplyForm {
        use FieldKind::*;
        ApplyForm {
            questions: vec![
                q("First Name", true, &[("first_name", Text, &[])]),
                q("Last Name", true, &[("last_name", Text, &[])]),
                q("Email", true, &[("email", Text, &[])]),
                q("Phone", false, &[("phone", Text, &[])]),
                q("Resume", true, &[("resume", File, &[]), ("resume_text", Textarea, &[])]),
                q("Authorized?", true, &[("question_2", SingleSelect, &[("1", "Yes"), ("0", "No")])]),
                q("Languages", false, &[("question_3", MultiSelect, &[("11", "Rust"), ("12", "Go")])]),
            ],
            location_questions: vec![],
            compliance: vec![q("Veteran status", false, &[("veteran_status", SingleSelect, &[("1", "No"), ("3", "Decline")])])],
            compliance_html: None,
            demographic: Some(Demographic {
                header: None,
                description_html: None,
                questions: vec![DemographicQuestion {
                    id: 7,
                    label: "Pronouns".into(),
                    required: false,
                    multi: true,
                    options: vec![
                        DemographicOption { id: 70, label: "she/her".into(), free_form: false },
                        DemographicOption { id: 71, label: "Let me type".into(), free_form: true },
                    ],
                }],
            }),
            consents: vec![Consent { name: "gdpr_processing_consent_given".into(), required: true, retention_days: None }],
        }
    }

    fn good() -> Submission {
        Submission {
            values: [
                ("first_name", "Ada"),
                ("last_name", "Lovelace"),
                ("email", "ada@example.com"),
                ("phone", "+44 20 7946 0958"),
                ("question_2", "1"),
                ("question_3", "11"),
                ("question_3", "12"),
                ("gdpr_processing_consent_given", "true"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            files: vec![FileMeta { field: "resume".into(), filename: "cv.PDF".into(), size: 1000 }],
        }
    }

    fn codes(s: &Submission) -> Vec<(String, ErrorCode)> {
        form().validate(s).into_iter().map(|e| (e.field, e.code)).collect()
    }

    fn with(mut s: Submission, name: &str, value: &str) -> Submission {
        s.values.retain(|(k, _)| k != name);
        s.values.push((name.into(), value.into()));
        s
    }

    #[test]
    fn a_complete_application_passes() {
        assert!(codes(&good()).is_empty(), "{:?}", codes(&good()));
    }

    #[test]
    fn required_fields_and_either_resume_field() {
        let mut s = good();
        s.values.retain(|(k, _)| k != "last_name" && k != "question_2");
        s.files.clear();
        assert_eq!(
            codes(&s),
            vec![("last_name".into(), ErrorCode::Required), ("resume".into(), ErrorCode::Required), ("question_2".into(), ErrorCode::Required)]
        );
        let pasted = with(good(), "resume_text", "I wrote the first program.");
        let mut pasted = pasted;
        pasted.files.clear();
        assert!(codes(&pasted).is_empty(), "resume_text satisfies the resume question");
        assert_eq!(codes(&with(good(), "first_name", "   ")), vec![("first_name".into(), ErrorCode::Required)]);
    }

    #[test]
    fn names_email_and_phone_rules() {
        assert_eq!(codes(&with(good(), "email", "ada@")), vec![("email".into(), ErrorCode::InvalidEmail)]);
        assert_eq!(codes(&with(good(), "email", "a b@x.io")), vec![("email".into(), ErrorCode::InvalidEmail)]);
        assert_eq!(codes(&with(good(), "first_name", "Ada https://spam.example")), vec![("first_name".into(), ErrorCode::ContainsUrl)]);
        assert_eq!(codes(&with(good(), "last_name", &"x".repeat(256))), vec![("last_name".into(), ErrorCode::TooLong)]);
        assert!(codes(&with(good(), "last_name", &"é".repeat(255))).is_empty(), "255 characters, not bytes");
        assert_eq!(codes(&with(good(), "phone", "www.call-me.example")), vec![("phone".into(), ErrorCode::ContainsUrl)]);
        assert_eq!(codes(&with(good(), "phone", "call me")), vec![("phone".into(), ErrorCode::InvalidPhone)]);
    }

    #[test]
    fn answers_must_be_among_the_options() {
        assert_eq!(codes(&with(good(), "question_2", "7")), vec![("question_2".into(), ErrorCode::InvalidOption)]);
        assert_eq!(codes(&with(good(), "question_3", "99")), vec![("question_3".into(), ErrorCode::InvalidOption)]);
        let mut two = good();
        two.values.push(("question_2".into(), "0".into()));
        assert_eq!(codes(&two), vec![("question_2".into(), ErrorCode::InvalidOption)], "one answer for a single select");
        assert_eq!(codes(&with(good(), "veteran_status", "2")), vec![("veteran_status".into(), ErrorCode::InvalidOption)]);
    }

    #[test]
    fn file_type_emptiness_and_size() {
        let file = |name: &str, size| {
            let mut s = good();
            s.files = vec![FileMeta { field: "resume".into(), filename: name.into(), size }];
            codes(&s)
        };
        assert_eq!(file("cv.exe", 10), vec![("resume".into(), ErrorCode::FileType)]);
        assert_eq!(file("cv", 10), vec![("resume".into(), ErrorCode::FileType)]);
        assert_eq!(file("cv.docx", 0), vec![("resume".into(), ErrorCode::FileEmpty)]);
        assert_eq!(file("cv.rtf", MAX_FILE_BYTES + 1), vec![("resume".into(), ErrorCode::FileTooLarge)]);
        assert!(file("cv.txt", MAX_FILE_BYTES).is_empty());
    }

    #[test]
    fn consent_and_demographic_rules() {
        assert_eq!(
            codes(&with(good(), "gdpr_processing_consent_given", "false")),
            vec![("gdpr_processing_consent_given".into(), ErrorCode::ConsentRequired)]
        );
        assert!(codes(&with(good(), "demographic_7", "70")).is_empty());
        assert_eq!(codes(&with(good(), "demographic_7", "71")), vec![("demographic_7_71".into(), ErrorCode::Required)], "free-form needs text");
        assert!(codes(&with(with(good(), "demographic_7", "71"), "demographic_7_71", "they/them")).is_empty());
        assert_eq!(codes(&with(good(), "demographic_7", "5")), vec![("demographic_7".into(), ErrorCode::InvalidOption)]);
    }

    #[test]
    fn the_form_knows_only_its_own_fields() {
        let f = form();
        assert!(f.knows("question_3") && f.knows("demographic_7") && f.knows("demographic_7_71") && f.knows("gdpr_processing_consent_given"));
        assert!(!f.knows("question_999") && !f.knows("applicant_ip") && !f.knows("mapped_url_token"));
    }
}
