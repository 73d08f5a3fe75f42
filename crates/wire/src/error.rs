//! What crosses the channel besides JSON values: the error every command returns and the
//! payload of [`crate::OPEN_TICKET`].

use serde::{Deserialize, Serialize};

/// What every command returns on failure: a stable code and a sentence for the owner (never a
/// Rust debug string).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// Payload of "deskbell:open-ticket".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenTicket {
    pub ticket_id: String,
}
