//! The form's words, English and German (the widget's language choice is passed in).

use shared::apply::ErrorCode;

pub struct Messages {
    pub apply_heading: &'static str,
    pub submit: &'static str,
    pub submitting: &'static str,
    pub received: &'static str,
    pub queued: &'static str,
    pub submit_failed: &'static str,
    pub fix_errors: &'static str,
    pub required_mark: &'static str,
    pub choose: &'static str,
    pub or_paste: &'static str,
    pub file_hint: &'static str,
    pub eeoc_heading: &'static str,
    pub consent_processing: &'static str,
    pub consent_retention: &'static str,
    pub consent_demographic: &'static str,
    pub consent_generic: &'static str,
    pub honeypot: &'static str,
    pub errors: [&'static str; 11],
}

impl Messages {
    pub fn pick(lang: &str) -> &'static Messages {
        if lang == "de" {
            &DE
        } else {
            &EN
        }
    }

    /// The catalogue's words for a validation error.
    pub fn error(&self, code: ErrorCode) -> &'static str {
        use ErrorCode::*;
        self.errors[match code {
            Required => 0,
            TooLong => 1,
            InvalidEmail => 2,
            ContainsUrl => 3,
            InvalidPhone => 4,
            InvalidOption => 5,
            FileType => 6,
            FileEmpty => 7,
            FileTooLarge => 8,
            ConsentRequired => 9,
            Invalid => 10,
        }]
    }
}

pub static EN: Messages = Messages {
    apply_heading: "Apply for this job",
    submit: "Submit application",
    submitting: "Sending…",
    received: "Thank you! Your application has been received.",
    queued: "Thank you! Your application is saved. Greenhouse cannot take it right this minute, so we will send it on \
             automatically as soon as it can, usually within the hour. You do not need to apply again.",
    submit_failed: "Your application could not be sent. Please try again in a moment.",
    fix_errors: "Please check the fields marked below.",
    required_mark: "required",
    choose: "Select…",
    or_paste: "or paste it here",
    file_hint: "PDF, DOC, DOCX, TXT or RTF, up to 1.4 MB",
    eeoc_heading: "Voluntary self-identification",
    consent_processing: "I agree that my data is processed for this application.",
    consent_retention: "I agree that my data is kept for future openings.",
    consent_demographic: "I agree that my demographic answers are processed.",
    consent_generic: "I agree to the processing of my data.",
    honeypot: "Leave this field empty",
    errors: [
        "This field is required.",
        "This is too long.",
        "Enter a valid email address.",
        "This field cannot contain a link.",
        "Enter a valid phone number.",
        "Choose one of the options given.",
        "Upload a PDF, DOC, DOCX, TXT or RTF file.",
        "The file is empty.",
        "The file is too large (1.4 MB at most).",
        "Your consent is required to apply.",
        "This value is not valid.",
    ],
};

pub static DE: Messages = Messages {
    apply_heading: "Jetzt bewerben",
    submit: "Bewerbung absenden",
    submitting: "Wird gesendet…",
    received: "Vielen Dank! Ihre Bewerbung ist eingegangen.",
    queued: "Vielen Dank! Ihre Bewerbung ist gespeichert. Greenhouse kann sie gerade nicht annehmen; wir leiten sie \
             automatisch weiter, sobald es möglich ist, meist innerhalb einer Stunde. Sie müssen sich nicht erneut bewerben.",
    submit_failed: "Ihre Bewerbung konnte nicht gesendet werden. Bitte versuchen Sie es gleich noch einmal.",
    fix_errors: "Bitte prüfen Sie die markierten Felder.",
    required_mark: "Pflichtfeld",
    choose: "Bitte wählen…",
    or_paste: "oder hier einfügen",
    file_hint: "PDF, DOC, DOCX, TXT oder RTF, bis 1,4 MB",
    eeoc_heading: "Freiwillige Angaben",
    consent_processing: "Ich bin einverstanden, dass meine Daten für diese Bewerbung verarbeitet werden.",
    consent_retention: "Ich bin einverstanden, dass meine Daten für künftige Stellen gespeichert werden.",
    consent_demographic: "Ich bin einverstanden, dass meine demografischen Angaben verarbeitet werden.",
    consent_generic: "Ich stimme der Verarbeitung meiner Daten zu.",
    honeypot: "Dieses Feld leer lassen",
    errors: [
        "Dieses Feld ist erforderlich.",
        "Die Eingabe ist zu lang.",
        "Bitte eine gültige E-Mail-Adresse eingeben.",
        "Dieses Feld darf keinen Link enthalten.",
        "Bitte eine gültige Telefonnummer eingeben.",
        "Bitte eine der angebotenen Optionen wählen.",
        "Bitte eine PDF-, DOC-, DOCX-, TXT- oder RTF-Datei hochladen.",
        "Die Datei ist leer.",
        "Die Datei ist zu groß (höchstens 1,4 MB).",
        "Ihre Zustimmung ist für die Bewerbung erforderlich.",
        "Dieser Wert ist ungültig.",
    ],
};
