//! Every way a request can be refused, mapped to a status and a JSON body
//! `{ "error": code, "message": …, "fields"?: {…} }`. Internals never reach the client.

use super::body::BodyError;
use crate::domain::validate::FieldErrors;
use crate::inbox::InboxError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("not found")]
    NotFound,
    #[error("this website's origin is not allowed to post tickets")]
    OriginRefused,
    #[error("too many requests")]
    RateLimited(Duration),
    #[error("send application/json or application/x-www-form-urlencoded")]
    UnsupportedMediaType,
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the request body did not arrive in time")]
    BodyTimeout,
    #[error("cannot read the request body")]
    Malformed(#[source] BodyError),
    #[error("unknown or missing bot_token")]
    UnknownToken,
    #[error("Idempotency-Key must be 1 to 128 visible characters")]
    BadIdempotencyKey,
    #[error("probe must be 16 to 64 characters: letters, digits, - and _")]
    BadProbe,
    #[error("some fields are not valid")]
    InvalidFields(FieldErrors),
    #[error("cannot store the ticket")]
    Inbox(#[from] InboxError),
}

impl IntakeError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            Self::OriginRefused => (StatusCode::FORBIDDEN, "origin_not_allowed"),
            Self::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            Self::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            Self::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
            Self::BodyTimeout => (StatusCode::REQUEST_TIMEOUT, "body_timeout"),
            Self::Malformed(_) => (StatusCode::BAD_REQUEST, "malformed_body"),
            Self::UnknownToken => (StatusCode::UNAUTHORIZED, "unknown_bot_token"),
            Self::BadIdempotencyKey => (StatusCode::BAD_REQUEST, "bad_idempotency_key"),
            Self::BadProbe => (StatusCode::BAD_REQUEST, "bad_probe"),
            Self::InvalidFields(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields"),
            Self::Inbox(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        }
    }
}

impl IntoResponse for IntakeError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            Self::Malformed(e) => format!("cannot read the request body: {e}"),
            Self::Inbox(e) => {
                tracing::error!(error = ?e, "cannot store a ticket");
                "the ticket could not be stored right now; please try again".to_string()
            }
            other => other.to_string(),
        };
        let mut body = serde_json::json!({ "error": code, "message": message });
        if let Self::InvalidFields(fields) = &self {
            body["fields"] = serde_json::json!(fields);
        }
        let mut resp = (status, Json(body)).into_response();
        if let Self::BodyTimeout = self {
            // The rest of the body may still be on its way; this connection is done.
            resp.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if let Self::RateLimited(wait) = self {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        resp
    }
}
