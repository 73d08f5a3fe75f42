//! The one error of the use cases: what the front ends show and map to HTTP codes. The
//! store's own not-found and conflict answers become the caller's; every other store failure
//! stays a store failure, with its cause as the source.

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error("cannot reach the store")]
    Store(#[source] StoreError),
    #[error("cannot write {path}")]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl From<StoreError> for InboxError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(format!("{what} not found")),
            StoreError::Conflict(what) => Self::Conflict(what),
            other => Self::Store(other),
        }
    }
}

impl InboxError {
    /// A stable machine-readable code for HTTP bodies and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "not_found",
            Self::Invalid(_) => "invalid",
            Self::Conflict(_) => "conflict",
            Self::Store(_) => "store_unavailable",
            Self::Write { .. } => "cannot_write",
        }
    }
}
