//! How the sync is doing and why it stopped: each folder worker's [`SyncState`], the whole
//! sync's [`SyncHealth`] (as healthy as its sickest folder), and [`SyncError`], which tells a
//! server failure from a failure of our own store — the owner's fixes differ.

use super::ImapError;
use crate::inbox::InboxError;
use std::sync::{Arc, Mutex};

/// Which folder a worker watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Inbox,
    Sent,
}

impl Role {
    pub(super) fn label(self) -> &'static str {
        match self {
            Role::Inbox => "INBOX",
            Role::Sent => "Sent",
        }
    }
}

/// The sync's health, for the desktop's status line and `doctor`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", content = "message", rename_all = "snake_case")]
pub enum SyncState {
    Off,
    Connecting,
    Ok,
    Error(String),
}

/// Each folder worker's state; the sync as a whole is as healthy as its sickest folder.
#[derive(Debug, Clone, Default)]
pub struct SyncHealth(Arc<Mutex<[Option<SyncState>; 2]>>);

impl SyncHealth {
    pub(super) fn set(&self, role: Role, s: SyncState) {
        if let Ok(mut g) = self.0.lock() {
            g[role as usize] = Some(s);
        }
    }

    /// An error if any folder fails, else connecting until every folder is in sync.
    pub fn get(&self) -> SyncState {
        let Ok(g) = self.0.lock() else {
            return SyncState::Off;
        };
        let states: Vec<&SyncState> = g.iter().flatten().collect();
        if let Some(e) = states.iter().find(|s| matches!(s, SyncState::Error(_))) {
            return (*e).clone();
        }
        if states.is_empty() || states.iter().all(|s| **s == SyncState::Off) {
            return SyncState::Off;
        }
        if states.iter().any(|s| **s == SyncState::Connecting) {
            return SyncState::Connecting;
        }
        SyncState::Ok
    }
}

/// Why a sync pass stopped: the server, or our own store. The owner is told which, since
/// the fixes differ (the connection settings, or the disk and data directory).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Imap(#[from] ImapError),
    #[error("cannot save mail to the local store")]
    Store(#[source] InboxError),
}

impl SyncError {
    /// A store failure is not the network's: reconnecting at once would only repeat it, so
    /// it waits as long as a permanent server failure does.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Imap(e) => e.is_transient(),
            Self::Store(_) => false,
        }
    }

    pub(super) fn store(e: impl Into<InboxError>) -> Self {
        Self::Store(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sync_is_as_healthy_as_its_sickest_folder() {
        let h = SyncHealth::default();
        assert_eq!(h.get(), SyncState::Off);
        h.set(Role::Inbox, SyncState::Connecting);
        h.set(Role::Sent, SyncState::Ok);
        assert_eq!(h.get(), SyncState::Connecting);
        h.set(Role::Inbox, SyncState::Error("no route".into()));
        assert_eq!(h.get(), SyncState::Error("no route".into()));
        h.set(Role::Inbox, SyncState::Ok);
        assert_eq!(h.get(), SyncState::Ok);
        h.set(Role::Sent, SyncState::Error("refused".into()));
        assert_eq!(h.get(), SyncState::Error("refused".into()));
    }

    #[test]
    fn a_store_failure_is_told_as_one_and_not_retried_at_once() {
        let e = SyncError::store(crate::store::StoreError::Closed);
        assert_eq!(e.to_string(), "cannot save mail to the local store");
        assert!(!e.is_transient());
        assert!(std::error::Error::source(&e).is_some(), "the cause is kept");
        let server = || "imap.example:993".to_string();
        let cut = SyncError::from(ImapError::Timeout { server: server() });
        assert!(cut.is_transient());
        assert_eq!(
            cut.to_string(),
            "the IMAP server imap.example:993 did not answer in time"
        );
        let refused = SyncError::from(ImapError::Login {
            server: server(),
            user: "rosa".into(),
            detail: "no".into(),
        });
        assert!(!refused.is_transient());
    }
}
