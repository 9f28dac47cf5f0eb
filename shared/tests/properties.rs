//! Property tests for the pure logic that faces untrusted input: the lenient Greenhouse
//! models (whatever Greenhouse, a proxy or an attacker sends must parse or fail, never
//! panic) and the apply validator (whatever a candidate or a bot posts).

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use shared::apply::{
    check_file, demographic_field, demographic_text_field, extension, valid_email, ApplyForm, Choice, Consent, Demographic, DemographicOption,
    DemographicQuestion, ErrorCode, Field, FieldKind, FileMeta, Question, Submission, FILE_TYPES, MAX_FILE_BYTES,
};
use shared::greenhouse::job_board as gh;

// ---------------------------------------------------------------------------------------
// Arbitrary JSON
// ---------------------------------------------------------------------------------------

/// Keys the models read, so random objects reach the nested deserialisers, plus any key.
const KEYS: &[&str] = &[
    "id",
    "jobs",
    "meta",
    "total",
    "name",
    "title",
    "content",
    "internal_job_id",
    "requisition_id",
    "updated_at",
    "first_published",
    "location",
    "absolute_url",
    "metadata",
    "value",
    "value_type",
    "departments",
    "offices",
    "children",
    "child_ids",
    "parent_id",
    "pay_input_ranges",
    "min_cents",
    "max_cents",
    "questions",
    "location_questions",
    "fields",
    "values",
    "label",
    "type",
    "required",
    "description",
    "compliance",
    "demographic_questions",
    "answer_options",
    "free_form",
    "data_compliance",
    "requires_consent",
    "retention_period",
    "header",
];

fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![4 => proptest::sample::select(KEYS).prop_map(str::to_string), 1 => ".{0,8}"]
}

/// Strings that look like ids, almost-ids and not-ids.
fn numberish_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        "[ \t]{0,2}[0-9]{0,25}[ \t]{0,2}",
        Just("18446744073709551616".to_string()), // u64::MAX + 1
        Just("-0".to_string()),
        Just("+7".to_string()),
        Just("1e3".to_string()),
        Just("NaN".to_string()),
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite, and read back exactly", exact_float),
        Just(json!(2147483648.0)),
        Just(json!(-1.5)),
        Just(json!(1e300)),
        numberish_string().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(arb_key(), inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// serde_json (without its `float_roundtrip` feature, which this workspace does not enable)
/// may read a float's text back one ulp off: `5.841280920310143e211` reads as
/// `…142e211`, and `1846094867782901.0` as `…900.8`. Only floats whose text reads back as
/// themselves are generated, so that `from_str` and `from_value` can be compared exactly.
fn exact_float(f: f64) -> Option<Value> {
    let n = serde_json::Number::from_f64(f)?;
    let back: f64 = serde_json::from_str(&n.to_string()).ok()?;
    (back == f).then_some(Value::Number(n))
}

/// An object with the shape of a job whose every field is either plausible or arbitrary.
fn job_shaped() -> impl Strategy<Value = Value> {
    let field = || prop_oneof![Just(None), arb_json().prop_map(Some)];
    (vec((proptest::sample::select(KEYS), field()), 0..24), arb_json()).prop_map(|(fields, id)| {
        let mut m = Map::new();
        m.insert("id".into(), id);
        for (k, v) in fields {
            if let Some(v) = v {
                m.insert(k.to_string(), v);
            }
        }
        Value::Object(m)
    })
}

/// Feeds `v` to every model, as a `Value` and as text. Both must agree and neither panic.
fn parse_everything(v: &Value) {
    macro_rules! each {
        ($($t:ty),* $(,)?) => {$(
            let a = serde_json::from_value::<$t>(v.clone()).ok();
            let b = serde_json::from_str::<$t>(&v.to_string()).ok();
            assert_eq!(a, b, "from_value and from_str disagree for {} on {v}", stringify!($t));
        )*};
    }
    each!(
        gh::JobList,
        gh::Job,
        gh::Board,
        gh::DepartmentList,
        gh::OfficeList,
        gh::Department,
        gh::Office,
        gh::Question,
        gh::DemographicQuestions,
        gh::DataCompliance,
        gh::Metadata,
        gh::PayRange,
        gh::ListMeta,
    );
}

proptest! {
    #[test]
    fn models_never_panic_on_arbitrary_json(v in arb_json()) {
        parse_everything(&v);
        parse_everything(&json!({ "jobs": [v.clone()], "departments": [v.clone()], "offices": [v] }));
    }

    #[test]
    fn models_never_panic_on_job_shaped_json(job in job_shaped()) {
        parse_everything(&job);
        parse_everything(&json!({ "jobs": [job] }));
    }

    #[test]
    fn models_never_panic_on_arbitrary_text(s in ".{0,200}") {
        let _ = serde_json::from_str::<gh::JobList>(&s);
        let _ = serde_json::from_str::<gh::Job>(&s);
        let _ = serde_json::from_str::<gh::DepartmentList>(&s);
        let _ = serde_json::from_str::<gh::OfficeList>(&s);
        let _ = serde_json::from_str::<gh::Board>(&s);
    }

    /// Truncated and corrupted real-looking bodies (what a dropped connection delivers).
    #[test]
    fn models_never_panic_on_damaged_job_lists(cut in 0usize..2_000, at in 0usize..2_000, byte in any::<u8>()) {
        let good = well_formed_sample().to_string();
        let mut bytes = good.as_bytes().to_vec();
        let at = at % bytes.len();
        bytes[at] = byte;
        bytes.truncate(cut.min(bytes.len()));
        let _ = serde_json::from_slice::<gh::JobList>(&bytes);
        let _ = serde_json::from_str::<gh::JobList>(&good[..good.floor_char_boundary_compat(cut)]);
    }

    /// Every odd id form Greenhouse sends (above 2³¹, as strings, padded, as integral floats,
    /// nulls where documented) parses to the right numbers.
    #[test]
    fn well_formed_jobs_with_odd_ids_parse(job in well_formed_job()) {
        let (value, want) = job;
        let parsed: gh::Job = serde_json::from_value(value.clone()).map_err(|e| TestCaseError::fail(format!("{e}: {value}")))?;
        prop_assert_eq!(parsed.id, want.id);
        prop_assert_eq!(parsed.internal_job_id, want.internal_job_id);
        prop_assert_eq!(&parsed.requisition_id, &want.requisition_id);
        prop_assert_eq!(parsed.departments.iter().map(|d| (d.id, d.parent_id)).collect::<Vec<_>>(), want.departments.clone());
        prop_assert_eq!(parsed.offices.iter().map(|o| (o.id, o.parent_id)).collect::<Vec<_>>(), want.offices.clone());
        prop_assert_eq!(parsed.metadata.iter().flatten().map(|m| m.id).collect::<Vec<_>>(), want.metadata.clone());
        prop_assert_eq!(parsed.pay_input_ranges.iter().map(|p| (p.min_cents, p.max_cents)).collect::<Vec<_>>(), want.pay.clone());
        prop_assert_eq!(parsed.demographic_questions.iter().flat_map(|d| &d.questions).map(|q| q.id).collect::<Vec<_>>(), want.demographic.clone());
        prop_assert_eq!(parsed.data_compliance.iter().map(|d| d.retention_period).collect::<Vec<_>>(), want.retention.clone());

        // The same job inside a list, as text, parses the same.
        let list = json!({ "jobs": [value.clone(), value], "meta": { "total": "2" } }).to_string();
        let list: gh::JobList = serde_json::from_str(&list).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(list.jobs.len(), 2);
        prop_assert_eq!(&list.jobs[0], &parsed);
        prop_assert_eq!(list.meta.and_then(|m| m.total), Some(2));

        // What we serialise (the snapshot cache) reads back as itself.
        let again: gh::Job = serde_json::from_value(serde_json::to_value(&parsed).unwrap()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(again, parsed);
    }

    /// The lenient id readers: numbers and numeric strings are ids, null and blanks are
    /// "none", and anything else is an error, never a panic or a silently wrong id.
    #[test]
    fn lenient_ids_accept_exactly_the_numeric_forms(v in arb_json()) {
        #[derive(serde::Deserialize, Debug)]
        struct Opt {
            #[serde(deserialize_with = "shared::greenhouse::lenient_opt_id")]
            v: Option<u64>,
        }
        let got = serde_json::from_value::<Opt>(json!({ "v": v.clone() })).map(|o| o.v).ok();
        let want = match &v {
            Value::Null => Some(None),
            Value::String(s) if s.trim().is_empty() => Some(None),
            Value::String(s) => s.trim().parse::<u64>().ok().map(Some),
            Value::Number(n) => match (n.as_u64(), n.as_f64()) {
                (Some(u), _) => Some(Some(u)),
                // Floats at or above 2⁶⁴ saturate to u64::MAX (`as` casts do): lenient,
                // never a panic.
                (None, Some(f)) if f >= 0.0 && f.fract() == 0.0 => Some(Some(f as u64)),
                _ => None,
            },
            _ => None,
        };
        prop_assert_eq!(got, want, "for {}", v);
    }
}

/// `str::floor_char_boundary` is unstable; this is the stable equivalent.
trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}

impl FloorCharBoundary for str {
    fn floor_char_boundary_compat(&self, i: usize) -> usize {
        let mut i = i.min(self.len());
        while !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

fn well_formed_sample() -> Value {
    json!({
        "jobs": [{
            "id": 4_285_367_007u64,
            "internal_job_id": null,
            "title": "Ingénieur — Zürich",
            "requisition_id": 1234,
            "location": { "name": "Zürich" },
            "metadata": [{ "id": "2147483649", "name": "Remote", "value": true, "value_type": "yes_no" }],
            "content": "&lt;p&gt;Hi&lt;/p&gt;",
            "departments": [{ "id": "4023463007", "name": "Eng", "parent_id": null, "child_ids": [], "jobs": [{ "id": 1, "title": "x" }] }],
            "offices": [{ "id": 4_294_967_296u64, "name": "HQ", "location": null }],
            "questions": null,
            "compliance": null,
            "data_compliance": [{ "type": "gdpr", "requires_consent": null, "retention_period": "" }]
        }],
        "meta": { "total": 1 }
    })
}

// ---------------------------------------------------------------------------------------
// Well-formed jobs with Greenhouse's oddities
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Want {
    id: u64,
    internal_job_id: Option<u64>,
    requisition_id: Option<String>,
    departments: Vec<(u64, Option<u64>)>,
    offices: Vec<(u64, Option<u64>)>,
    metadata: Vec<Option<u64>>,
    pay: Vec<(Option<u64>, Option<u64>)>,
    demographic: Vec<u64>,
    retention: Vec<Option<u64>>,
}

/// An id as Greenhouse may write it, with the id it means.
fn id_form() -> impl Strategy<Value = (Value, u64)> {
    let id = prop_oneof![1u64 << 31..=u64::MAX, 0u64..1 << 31, (1u64 << 31..1u64 << 53)];
    (id, 0..4u8).prop_map(|(id, form)| match form {
        0 => (json!(id), id),
        1 => (json!(id.to_string()), id),
        2 => (json!(format!(" {id}\t")), id),
        // Integral floats (`4285367007.0`). serde_json reads `X.0` exactly only while 10·X
        // stays below 2⁵³ (see `exact_float`); real ids are near 2³², far below that.
        _ => {
            let id = id % 100_000_000_000_000;
            (Value::Number(serde_json::Number::from_f64(id as f64).unwrap()), id)
        }
    })
}

fn opt_id_form() -> impl Strategy<Value = (Value, Option<u64>)> {
    prop_oneof![Just((Value::Null, None)), Just((json!(""), None)), Just((json!("  "), None)), id_form().prop_map(|(v, id)| (v, Some(id))),]
}

/// A field that real captures leave out or null: absent, null, or `v`.
fn nullable(v: impl Strategy<Value = Value>) -> impl Strategy<Value = Option<Value>> {
    prop_oneof![Just(None), Just(Some(Value::Null)), v.prop_map(Some)]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,16}", Just("&lt;p&gt;x&lt;/p&gt;".to_string()), Just("Ｓｏｆｔｗａｒｅ".to_string())]
}

fn well_formed_job() -> impl Strategy<Value = (Value, Want)> {
    let requisition = prop_oneof![
        Just((Value::Null, None)),
        text().prop_map(|s| (json!(s), Some(s))),
        any::<u64>().prop_map(|n| (json!(n), Some(n.to_string()))),
        any::<i64>().prop_map(|n| (json!(n), Some(n.to_string()))),
        any::<bool>().prop_map(|b| (json!(b), Some(b.to_string()))),
    ];
    let dept = (id_form(), opt_id_form(), text(), vec(any::<u64>(), 0..3));
    let office = (id_form(), opt_id_form(), text(), nullable(text().prop_map(Value::from)));
    let pay = (opt_id_form(), opt_id_form(), nullable(Just(json!("USD"))));
    let demo = (id_form(), vec((id_form(), nullable(any::<bool>().prop_map(Value::from))), 0..3));
    let gdpr = (opt_id_form(), nullable(any::<bool>().prop_map(Value::from)));
    (
        (id_form(), opt_id_form(), requisition, text(), nullable(text().prop_map(Value::from))),
        (vec(dept, 0..3), vec(office, 0..3), proptest::option::of(vec(meta_item(), 0..3))),
        (vec(pay, 0..2), prop::option::of(vec(demo, 0..3)), vec(gdpr, 0..2), nullable(Just(json!([])))),
        arb_json(),
    )
        .prop_map(|((id, internal, req, title, updated), (depts, offices, metadata), (pay, demo, gdpr, questions), unknown)| {
            let mut job = Map::new();
            job.insert("id".into(), id.0);
            job.insert("internal_job_id".into(), internal.0);
            job.insert("requisition_id".into(), req.0);
            job.insert("title".into(), json!(title));
            if let Some(u) = updated {
                job.insert("updated_at".into(), u);
            }
            job.insert("a_field_greenhouse_added_later".into(), unknown);
            job.insert(
                "departments".into(),
                Value::Array(
                    depts
                        .iter()
                        .map(|((id, _), (parent, _), name, kids)| json!({ "id": id, "parent_id": parent, "name": name, "child_ids": kids }))
                        .collect(),
                ),
            );
            job.insert(
                "offices".into(),
                Value::Array(
                    offices
                        .iter()
                        .map(|((id, _), (parent, _), name, loc)| {
                            let mut o = json!({ "id": id, "parent_id": parent, "name": name });
                            if let Some(l) = loc {
                                o["location"] = l.clone();
                            }
                            o
                        })
                        .collect(),
                ),
            );
            // `metadata` is null when a board has no custom fields.
            let metadata_ids = metadata.iter().flatten().map(|(_, id)| *id).collect();
            job.insert("metadata".into(), metadata.map_or(Value::Null, |m| Value::Array(m.into_iter().map(|(v, _)| v).collect())));
            job.insert(
                "pay_input_ranges".into(),
                Value::Array(
                    pay.iter()
                        .map(|((min, _), (max, _), cur)| json!({ "min_cents": min, "max_cents": max, "currency_type": cur.clone().unwrap_or(Value::Null) }))
                        .collect(),
                ),
            );
            if let Some(demo) = &demo {
                job.insert(
                    "demographic_questions".into(),
                    json!({
                        "header": null,
                        "questions": demo.iter().map(|((id, _), opts)| json!({
                            "id": id,
                            "required": null,
                            "answer_options": opts.iter().map(|((oid, _), free)| {
                                let mut o = json!({ "id": oid, "label": "x" });
                                if let Some(f) = free { o["free_form"] = f.clone(); }
                                o
                            }).collect::<Vec<_>>(),
                        })).collect::<Vec<_>>(),
                    }),
                );
            }
            job.insert(
                "data_compliance".into(),
                Value::Array(
                    gdpr.iter()
                        .map(|((ret, _), consent)| json!({ "type": "gdpr", "retention_period": ret, "requires_consent": consent.clone().unwrap_or(Value::Null) }))
                        .collect(),
                ),
            );
            if let Some(q) = questions {
                job.insert("questions".into(), q.clone());
                job.insert("location_questions".into(), q.clone());
                job.insert("compliance".into(), q);
            }
            let want = Want {
                id: id.1,
                internal_job_id: internal.1,
                requisition_id: req.1,
                departments: depts.iter().map(|((_, id), (_, parent), _, _)| (*id, *parent)).collect(),
                offices: offices.iter().map(|((_, id), (_, parent), _, _)| (*id, *parent)).collect(),
                metadata: metadata_ids,
                pay: pay.iter().map(|((_, min), (_, max), _)| (*min, *max)).collect(),
                demographic: demo.iter().flatten().map(|((_, id), _)| *id).collect(),
                retention: gdpr.iter().map(|((_, ret), _)| *ret).collect(),
            };
            (Value::Object(job), want)
        })
}

/// A metadata entry (polymorphic `value`) and the id it should parse to.
fn meta_item() -> impl Strategy<Value = (Value, Option<u64>)> {
    (opt_id_form(), text(), arb_json(), nullable(text().prop_map(Value::from))).prop_map(|((id, want), name, value, vt)| {
        let mut m = json!({ "id": id, "name": name, "value": value });
        if let Some(vt) = vt {
            m["value_type"] = vt;
        }
        (m, want)
    })
}

// ---------------------------------------------------------------------------------------
// The apply validator
// ---------------------------------------------------------------------------------------

/// Names real forms use, names that collide with our own fields, and odd ones.
const NAMES: &[&str] = &[
    "first_name",
    "last_name",
    "email",
    "phone",
    "resume",
    "resume_text",
    "cover_letter",
    "question_1",
    "question_2",
    "question_3",
    "gdpr_consent_given",
    "gdpr_processing_consent_given",
    "demographic_7",
    "demographic_7_71",
    "website_url",
    "_submission_id",
    "",
    " ",
    "é",
];

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![4 => proptest::sample::select(NAMES).prop_map(str::to_string), 1 => "[a-z_0-9]{0,10}", 1 => ".{0,6}"]
}

fn field_kind() -> impl Strategy<Value = FieldKind> {
    proptest::sample::select(vec![
        FieldKind::Text,
        FieldKind::Textarea,
        FieldKind::File,
        FieldKind::Hidden,
        FieldKind::SingleSelect,
        FieldKind::MultiSelect,
    ])
}

fn choice() -> impl Strategy<Value = Choice> {
    (prop_oneof![proptest::sample::select(vec!["0", "1", "11", "12", "yes", "", "true"]).prop_map(str::to_string), ".{0,6}"], ".{0,8}")
        .prop_map(|(value, label)| Choice { value, label })
}

/// A question as `snapshot::apply_form` builds them: at least one field (questions whose
/// fields were all dropped are dropped too).
fn question() -> impl Strategy<Value = Question> {
    (".{0,10}", any::<bool>(), vec((field_name(), field_kind(), vec(choice(), 0..4)), 1..4)).prop_map(|(label, required, fields)| Question {
        label,
        required,
        description: None,
        fields: fields.into_iter().map(|(name, kind, options)| Field { name, kind, options }).collect(),
    })
}

fn small_id() -> impl Strategy<Value = u64> {
    prop_oneof![3 => 0u64..100, 1 => any::<u64>()]
}

fn demographic() -> impl Strategy<Value = Demographic> {
    vec((small_id(), any::<bool>(), any::<bool>(), vec((small_id(), any::<bool>()), 0..4)), 0..3).prop_map(|qs| Demographic {
        header: None,
        description_html: None,
        questions: qs
            .into_iter()
            .map(|(id, required, multi, opts)| DemographicQuestion {
                id,
                label: "q".into(),
                required,
                multi,
                options: opts.into_iter().map(|(id, free_form)| DemographicOption { id, label: "o".into(), free_form }).collect(),
            })
            .collect(),
    })
}

fn consent() -> impl Strategy<Value = Consent> {
    (
        prop_oneof![
            proptest::sample::select(vec![
                "gdpr_processing_consent_given",
                "gdpr_retention_consent_given",
                "gdpr_demographic_data_consent_given",
                "gdpr_consent_given"
            ])
            .prop_map(str::to_string),
            field_name()
        ],
        any::<bool>(),
        proptest::option::of(any::<u64>()),
    )
        .prop_map(|(name, required, retention_days)| Consent { name, required, retention_days })
}

fn apply_form() -> impl Strategy<Value = ApplyForm> {
    (vec(question(), 0..6), vec(question(), 0..2), vec(question(), 0..2), proptest::option::of(demographic()), vec(consent(), 0..3)).prop_map(
        |(questions, location_questions, compliance, demographic, consents)| ApplyForm {
            questions,
            location_questions,
            compliance,
            compliance_html: None,
            demographic,
            consents,
        },
    )
}

/// Every name a form reads.
fn names_of(form: &ApplyForm) -> Vec<String> {
    let mut names: Vec<String> = form.all_questions().flat_map(|q| q.fields.iter().map(|f| f.name.clone())).collect();
    names.extend(form.consents.iter().map(|c| c.name.clone()));
    for q in form.demographic.iter().flat_map(|d| &d.questions) {
        names.push(demographic_field(q.id));
        names.extend(q.options.iter().map(|o| demographic_text_field(q.id, o.id)));
    }
    names
}

/// Values a candidate (or a bot) might type for any field of `form`.
fn answer(form: &ApplyForm) -> BoxedStrategy<String> {
    let mut known: Vec<String> = form.all_questions().flat_map(|q| &q.fields).flat_map(|f| f.options.iter().map(|o| o.value.clone())).collect();
    known.extend(form.demographic.iter().flat_map(|d| &d.questions).flat_map(|q| q.options.iter().map(|o| o.id.to_string())));
    known.push("true".into());
    let known = if known.is_empty() { Just(String::new()).boxed() } else { proptest::sample::select(known).boxed() };
    prop_oneof![
        3 => known,
        1 => Just(String::new()),
        1 => Just("   ".to_string()),
        1 => "[a-z]{1,8}@[a-z]{1,8}\\.[a-z]{2,3}",
        1 => "[+0-9 ()x/-]{0,24}",
        1 => Just("Ada https://spam.example".to_string()),
        1 => Just("<a href=x>www.example</a>".to_string()),
        1 => (0usize..3, prop_oneof![Just(254usize), Just(256), Just(2_001), Just(50_001)])
            .prop_map(|(c, n)| ["x", "é", "😀"][c].repeat(n)),
        2 => ".{0,40}",
    ]
    .boxed()
}

fn file_meta(names: Vec<String>) -> impl Strategy<Value = FileMeta> {
    let name = if names.is_empty() { field_name().boxed() } else { prop_oneof![3 => proptest::sample::select(names), 1 => field_name()].boxed() };
    let filename = prop_oneof!["[a-z]{0,5}(\\.(pdf|PDF|Docx|txt|rtf|exe|))?", ".{0,10}"];
    let size = prop_oneof![Just(0u64), 1..=MAX_FILE_BYTES, Just(MAX_FILE_BYTES), Just(MAX_FILE_BYTES + 1), any::<u64>()];
    (name, filename, size).prop_map(|(field, filename, size)| FileMeta { field, filename, size })
}

fn submission_for(form: &ApplyForm) -> impl Strategy<Value = Submission> {
    let names = names_of(form);
    let name =
        if names.is_empty() { field_name().boxed() } else { prop_oneof![4 => proptest::sample::select(names.clone()), 1 => field_name()].boxed() };
    (vec((name, answer(form)), 0..16), vec(file_meta(names), 0..3)).prop_map(|(values, files)| Submission { values, files })
}

fn form_and_submission() -> impl Strategy<Value = (ApplyForm, Submission)> {
    apply_form().prop_flat_map(|form| {
        let s = submission_for(&form);
        (Just(form), s)
    })
}

/// A form like a real job's (Greenhouse's standard fields, a select, a multi-select, an
/// EEOC question, a demographic question with a free-form option, a required consent).
fn fixture_form() -> ApplyForm {
    use FieldKind::*;
    let q = |label: &str, required: bool, fields: &[(&str, FieldKind, &[&str])]| Question {
        label: label.into(),
        required,
        description: None,
        fields: fields
            .iter()
            .map(|(n, k, o)| Field {
                name: (*n).into(),
                kind: *k,
                options: o.iter().map(|v| Choice { value: (*v).into(), label: (*v).into() }).collect(),
            })
            .collect(),
    };
    ApplyForm {
        questions: vec![
            q("First Name", true, &[("first_name", Text, &[])]),
            q("Last Name", true, &[("last_name", Text, &[])]),
            q("Email", true, &[("email", Text, &[])]),
            q("Phone", false, &[("phone", Text, &[])]),
            q("Resume", true, &[("resume", File, &[]), ("resume_text", Textarea, &[])]),
            q("Authorized?", true, &[("question_2", SingleSelect, &["1", "0"])]),
            q("Languages", false, &[("question_3", MultiSelect, &["11", "12"])]),
            q("Token", false, &[("question_4", Hidden, &[])]),
        ],
        location_questions: vec![],
        compliance: vec![q("Veteran status", false, &[("veteran_status", SingleSelect, &["1", "3"])])],
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

fn good_submission() -> Submission {
    Submission {
        values: [
            ("first_name", "Ada"),
            ("last_name", "Lovelace"),
            ("email", "ada@example.com"),
            ("phone", "+44 20 7946 0958"),
            ("question_2", "1"),
            ("question_3", "11"),
            ("gdpr_processing_consent_given", "true"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
        files: vec![FileMeta { field: "resume".into(), filename: "cv.pdf".into(), size: 1000 }],
    }
}

fn check_errors(form: &ApplyForm, s: &Submission) -> Result<Vec<(String, ErrorCode)>, TestCaseError> {
    let errors = form.validate(s);
    for e in &errors {
        // A file under a field that takes no files is refused under the name it was sent
        // with (the widget never sends one; a hand-made request learns why it failed).
        let refused_file = e.code == ErrorCode::Invalid && s.files.iter().any(|f| f.field == e.field);
        prop_assert!(form.knows(&e.field) || refused_file, "error names a field the form does not have: {:?}", e);
        if !refused_file {
            prop_assert_eq!(&e.message, e.code.message());
        }
    }
    Ok(errors.into_iter().map(|e| (e.field, e.code)).collect())
}

proptest! {
    /// Arbitrary forms and submissions: no panic, and every error names a field of the form
    /// (the widget shows it next to that field; an unknown name would be an invisible error).
    #[test]
    fn validator_errors_name_only_fields_the_form_has((form, s) in form_and_submission()) {
        check_errors(&form, &s)?;
    }

    /// Values under names the form does not know change nothing: they are neither read nor
    /// forwarded. Files under such names are refused, each under its own name.
    #[test]
    fn unknown_fields_are_ignored((form, s) in form_and_submission(), extra in vec((field_name(), ".{0,20}"), 0..6), files in vec(file_meta(vec![]), 0..3)) {
        let before = form.validate(&s);
        let mut more = s.clone();
        more.values.extend(extra.into_iter().filter(|(k, _)| !form.knows(k)));
        prop_assert_eq!(form.validate(&more), before.clone());
        let files: Vec<FileMeta> = files.into_iter().filter(|f| !form.knows(&f.field) && !s.files.iter().any(|g| g.field == f.field)).collect();
        more.files.extend(files.iter().cloned());
        let after = form.validate(&more);
        for f in &files {
            prop_assert!(after.iter().any(|e| e.field == f.field && e.code == ErrorCode::Invalid), "a stray file under {} was accepted", f.field);
        }
        prop_assert_eq!(after.len(), before.len() + files.iter().map(|f| &f.field).collect::<std::collections::BTreeSet<_>>().len());
    }

    /// A realistic form against arbitrary submissions.
    #[test]
    fn fixture_form_against_arbitrary_submissions(s in submission_for(&fixture_form())) {
        check_errors(&fixture_form(), &s)?;
    }

    /// A complete, valid application stays valid whatever junk rides along under unknown
    /// names, and breaking one required answer yields exactly that field's error.
    #[test]
    fn fixture_form_good_submission_with_noise(extra in vec(("[a-z_]{1,12}", ".{0,30}"), 0..8), drop in 0usize..4) {
        let form = fixture_form();
        let mut s = good_submission();
        s.values.extend(extra.into_iter().filter(|(k, _)| !form.knows(k)));
        prop_assert_eq!(check_errors(&form, &s)?, vec![]);
        let required = ["first_name", "last_name", "email", "question_2"][drop];
        s.values.retain(|(k, _)| k != required);
        prop_assert_eq!(check_errors(&form, &s)?, vec![(required.to_string(), ErrorCode::Required)]);
    }

    /// The file rule, stated independently: an allowed extension, not empty, not too big.
    #[test]
    fn file_checks_match_the_rule(f in file_meta(vec!["resume".into()])) {
        let ok = FILE_TYPES.contains(&extension(&f.filename).as_str()) && f.size > 0 && f.size <= MAX_FILE_BYTES;
        let got = check_file("resume", &f);
        prop_assert_eq!(got.is_none(), ok, "{:?} -> {:?}", f, got);
        if let Some(e) = got {
            prop_assert_eq!(e.field, "resume");
        }
    }

    #[test]
    fn email_check_never_panics_and_refuses_markup(s in ".{0,40}") {
        let ok = valid_email(&s);
        if ok {
            prop_assert!(s.contains('@') && !s.trim().chars().any(|c| c.is_whitespace() || "<>,".contains(c)), "{:?}", s);
        }
    }
}
