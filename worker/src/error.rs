//! The worker's one error type, and the one place it becomes an HTTP status and JSON body.

use shared::api::ErrorBody;

/// What went wrong talking to Greenhouse.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum UpstreamError {
    #[error("Greenhouse has no such resource")]
    NotFound,
    #[error("Greenhouse answered with HTTP {0}")]
    Status(u16),
    #[error("Greenhouse could not be reached: {0}")]
    Network(String),
    #[error("Greenhouse did not answer within {0} ms")]
    Timeout(u64),
    #[error("Greenhouse sent a body we could not read: {0}")]
    Malformed(String),
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("There is no Greenhouse job board called \"{0}\".")]
    BoardNotFound(String),
    #[error("Job {job} is not on the \"{board}\" job board (it may have been closed).")]
    JobNotFound { board: String, job: String },
    #[error("{0}")]
    BadRequest(String),
    #[error("No such route.")]
    NotFound,
    #[error("Greenhouse is unavailable right now ({0}); please try again shortly.")]
    Upstream(UpstreamError),
    #[error("Please check the highlighted fields.")]
    Validation(Vec<shared::apply::FieldError>),
    /// A rate limit tripped; the message says whose (applications, web hooks, syncs).
    #[error("{0}")]
    RateLimited(&'static str),
    #[error("Please complete the check that you are not a robot, then send again.")]
    ChallengeFailed,
    #[error("The application is too large.")]
    PayloadTooLarge,
    #[error("Greenhouse did not accept the application: {0}")]
    Rejected(String),
    #[error("Applications for this board are not set up yet.")]
    NotConfigured,
    #[error("Sign in again: {0}.")]
    Unauthorized(crate::auth::AuthError),
    #[error("Greenhouse did not accept these credentials: {0}")]
    CredentialsInvalid(String),
    #[error("Please check the highlighted fields.")]
    InvalidInput(Vec<(&'static str, &'static str)>),
    #[error("This job board is already connected by another organisation.")]
    BoardAlreadyConnected,
    #[error("This submission id was already used for a different application.")]
    SubmissionConflict,
    #[error("Too many applications are waiting for this board; please try again later.")]
    Busy,
    #[error("Applications for this job go elsewhere: it is not connected to a Greenhouse job post.")]
    NotConnected,
    #[error("Greenhouse owns these fields; edit them in Greenhouse: {}.", .0.join(", "))]
    GreenhouseOwned(Vec<String>),
    #[error("Please check the highlighted fields.")]
    InvalidEdit(Vec<(&'static str, String)>),
    #[error("The Greenhouse credentials lack the \"{0}\" permission this needs.")]
    MissingPermission(&'static str),
    #[error("Internal error.")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            Self::BoardNotFound(_) | Self::JobNotFound { .. } | Self::NotFound => 404,
            Self::BadRequest(_) => 400,
            Self::Validation(_) => 422,
            Self::RateLimited(_) => 429,
            Self::ChallengeFailed => 403,
            Self::PayloadTooLarge => 413,
            Self::Rejected(_) => 502,
            Self::NotConfigured | Self::Busy => 503,
            Self::Unauthorized(crate::auth::AuthError::WrongOrg | crate::auth::AuthError::IssuerNotAllowed | crate::auth::AuthError::WrongScope) => {
                403
            }
            Self::Unauthorized(_) => 401,
            Self::CredentialsInvalid(_) | Self::InvalidInput(_) => 422,
            Self::Upstream(_) => 502,
            Self::BoardAlreadyConnected | Self::SubmissionConflict => 409,
            Self::NotConnected => 409,
            Self::GreenhouseOwned(_) | Self::InvalidEdit(_) => 422,
            Self::MissingPermission(_) => 403,
            Self::Internal(_) => 500,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BoardNotFound(_) => "board_not_found",
            Self::JobNotFound { .. } => "job_not_found",
            Self::BadRequest(_) => "bad_request",
            Self::NotFound => "not_found",
            Self::Upstream(_) => "upstream_unavailable",
            Self::Validation(_) => "validation_failed",
            Self::RateLimited(_) => "rate_limited",
            Self::ChallengeFailed => "challenge_failed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Rejected(_) => "application_rejected",
            Self::NotConfigured => "not_configured",
            Self::Unauthorized(crate::auth::AuthError::WrongOrg | crate::auth::AuthError::IssuerNotAllowed | crate::auth::AuthError::WrongScope) => {
                "forbidden"
            }
            Self::Unauthorized(_) => "unauthorized",
            Self::CredentialsInvalid(_) => "credentials_invalid",
            Self::InvalidInput(_) => "validation_failed",
            Self::BoardAlreadyConnected => "board_already_connected",
            Self::SubmissionConflict => "conflict",
            Self::Busy => "busy",
            Self::NotConnected => "job_not_connected",
            Self::GreenhouseOwned(_) => "greenhouse_owned",
            Self::InvalidEdit(_) => "validation_failed",
            Self::MissingPermission(_) => "missing_permission",
            Self::Internal(_) => "internal",
        }
    }

    /// The stable JSON body. Internal details are logged, never sent.
    pub fn body(&self) -> ErrorBody {
        let mut body = ErrorBody::new(self.code(), self.to_string());
        if let Self::Validation(fields) = self {
            body.fields = fields.clone();
        }
        if let Self::InvalidInput(fields) = self {
            body.fields = fields
                .iter()
                .map(|(f, m)| shared::apply::FieldError { field: (*f).into(), code: shared::apply::ErrorCode::Invalid, message: (*m).into() })
                .collect();
        }
        let field = |f: &str, m: &str| shared::apply::FieldError { field: f.into(), code: shared::apply::ErrorCode::Invalid, message: m.into() };
        if let Self::GreenhouseOwned(names) = self {
            body.fields = names.iter().map(|n| field(n, "Greenhouse owns this field: edit it in Greenhouse.")).collect();
        }
        if let Self::InvalidEdit(fields) = self {
            body.fields = fields.iter().map(|(f, m)| field(f, m)).collect();
        }
        body
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        Self::Internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_maps_to_a_status_and_stable_code() {
        let cases = [
            (ApiError::BoardNotFound("x".into()), 404, "board_not_found"),
            (ApiError::JobNotFound { board: "x".into(), job: "1".into() }, 404, "job_not_found"),
            (ApiError::BadRequest("bad".into()), 400, "bad_request"),
            (ApiError::NotFound, 404, "not_found"),
            (ApiError::Upstream(UpstreamError::Status(503)), 502, "upstream_unavailable"),
            (ApiError::Internal("secret detail".into()), 500, "internal"),
        ];
        for (err, status, code) in cases {
            assert_eq!(err.status(), status);
            assert_eq!(err.body().error.code, code);
        }
    }

    #[test]
    fn internal_details_stay_out_of_the_body() {
        let body = ApiError::Internal("db password=hunter2".into()).body();
        assert!(!body.error.message.contains("hunter2"));
    }
}
