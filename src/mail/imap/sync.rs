//! The sync worker: one IMAP connection per watched folder (INBOX and the SPECIAL-USE `\Sent`
//! folder, RFC 6154), each examined read-only and imported exactly once.
//!
//! What must stay true:
//! - a folder's state (UIDVALIDITY, last UID) advances in the transaction that stores the
//!   message it covers, one message at a time in UID order, so a crash or a cut connection can
//!   neither skip nor repeat a message;
//! - the first sync (no state) looks back `first_sync_days` and fetches only candidates found
//!   by SEARCH — never the whole mailbox — then starts from the folder's UIDNEXT;
//! - a UIDVALIDITY change rescans from the day the folder was last in sync; the importer's
//!   dedupe (Message-ID + raw hash) keeps that from storing anything twice;
//! - IDLE (RFC 2177) is re-issued before 29 minutes; without IDLE the folder is polled;
//!   failures reconnect with exponential backoff and jitter.

use super::fetch::{self, candidates_query, since_query};
use super::{connect, ImapError, Session, Target};
use crate::backoff::{draw, Backoff};
use crate::inbox::{Event, Inbox, InboxError};
use crate::mail::import::{import_batch, Origin, Outcome};
use crate::store::mailbox;
use async_imap::types::NameAttribute;
use futures_util::TryStreamExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// How many UIDs one FETCH asks for.
const FETCH_CHUNK: usize = 50;

#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// How far back the first sync looks for replies to tickets.
    pub first_sync_days: u32,
    /// IDLE is ended and re-issued after this long (servers may drop it after 30 minutes).
    pub idle_refresh: Duration,
    /// Without IDLE, the folder is checked this often.
    pub poll: Duration,
    /// The first reconnect delay; each failure doubles it up to `retry_max`.
    pub retry_first: Duration,
    pub retry_max: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            first_sync_days: 30,
            idle_refresh: Duration::from_secs(25 * 60),
            poll: Duration::from_secs(60),
            retry_first: Duration::from_secs(1),
            retry_max: Duration::from_secs(300),
        }
    }
}

/// Which folder a worker watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Inbox,
    Sent,
}

impl Role {
    fn label(self) -> &'static str {
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
    fn set(&self, role: Role, s: SyncState) {
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

    fn store(e: impl Into<InboxError>) -> Self {
        Self::Store(e.into())
    }
}

/// What one pass over a folder did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pass {
    pub folder: String,
    pub fetched: usize,
    pub bytes: u64,
    pub outcomes: Vec<Outcome>,
}

/// Runs until `stop` turns true: a worker for INBOX and one for the Sent folder.
pub async fn run(
    inbox: Inbox,
    target: Target,
    opts: SyncOptions,
    health: SyncHealth,
    stop: watch::Receiver<bool>,
) {
    for role in [Role::Inbox, Role::Sent] {
        health.set(role, SyncState::Connecting);
    }
    let a = watch_folder(&inbox, &target, Role::Inbox, &opts, &health, stop.clone());
    let b = watch_folder(&inbox, &target, Role::Sent, &opts, &health, stop);
    tokio::join!(a, b);
    for role in [Role::Inbox, Role::Sent] {
        health.set(role, SyncState::Off);
    }
}

/// One pass over INBOX and Sent, then logout (`deskbell mail sync --once`).
pub async fn once(
    inbox: &Inbox,
    target: &Target,
    opts: &SyncOptions,
) -> Result<Vec<Pass>, SyncError> {
    let server = target.server();
    let mut s = connect(target).await?;
    let gmail = capabilities(&mut s, &server).await?.1;
    let mut passes = vec![pass(inbox, &mut s, &server, "INBOX", gmail, opts).await?];
    if let Some(sent) = sent_folder(&mut s, &server).await? {
        passes.push(pass(inbox, &mut s, &server, &sent, gmail, opts).await?);
    }
    let _ = s.logout().await;
    Ok(passes)
}

/// Logs in and reads the folder list: `doctor` and the settings' "Test connection".
/// Returns the INBOX message count and the Sent folder's name.
pub async fn check(target: &Target) -> Result<(u32, Option<String>), ImapError> {
    let server = target.server();
    let mut s = connect(target).await?;
    let inbox = s
        .examine("INBOX")
        .await
        .map_err(|e| ImapError::protocol(&server, e))?;
    let sent = sent_folder(&mut s, &server).await?;
    let _ = s.logout().await;
    Ok((inbox.exists, sent))
}

async fn watch_folder(
    inbox: &Inbox,
    target: &Target,
    role: Role,
    opts: &SyncOptions,
    health: &SyncHealth,
    mut stop: watch::Receiver<bool>,
) {
    let mut failures: u32 = 0;
    loop {
        if *stop.borrow() {
            return;
        }
        match session(inbox, target, role, opts, health, &mut stop, &mut failures).await {
            Ok(()) => return,
            Err(e) => {
                failures = failures.saturating_add(1);
                let reason = e.to_string();
                tracing::warn!(folder = role.label(), failures, error = %reason, "IMAP sync failed; retrying");
                health.set(role, SyncState::Error(reason.clone()));
                inbox.emit_event(Event::SyncError {
                    folder: role.label().to_string(),
                    reason,
                });
                // A password or TLS problem will not fix itself: wait long, not in a tight loop.
                let delay = if e.is_transient() {
                    backoff(opts, failures)
                } else {
                    opts.retry_max
                };
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = stop.changed() => return,
                }
            }
        }
    }
}

/// `retry_first · 2^(n-1)`, capped, times a jitter in [0.5, 1.0] so reconnecting clients
/// spread out.
fn backoff(opts: &SyncOptions, failures: u32) -> Duration {
    Backoff {
        first: opts.retry_first,
        cap: opts.retry_max,
        spread: (0.5, 1.0),
    }
    .delay(failures.saturating_sub(1), draw())
}

/// One connection's life: connect, catch up, then IDLE (or poll) and catch up again, until
/// stopped (Ok) or the connection fails (Err).
async fn session(
    inbox: &Inbox,
    target: &Target,
    role: Role,
    opts: &SyncOptions,
    health: &SyncHealth,
    stop: &mut watch::Receiver<bool>,
    failures: &mut u32,
) -> Result<(), SyncError> {
    let server = target.server();
    let mut s = connect(target).await?;
    let (idle, gmail) = capabilities(&mut s, &server).await?;
    let folder = match role {
        Role::Inbox => "INBOX".to_string(),
        Role::Sent => match sent_folder(&mut s, &server).await? {
            Some(f) => f,
            None => {
                tracing::info!("no \\Sent folder on {server}: the owner's replies from other mail apps are not read");
                let _ = s.logout().await;
                let _ = stop.wait_for(|s| *s).await;
                return Ok(());
            }
        },
    };
    loop {
        pass(inbox, &mut s, &server, &folder, gmail, opts).await?;
        *failures = 0;
        health.set(role, SyncState::Ok);
        if *stop.borrow() {
            let _ = s.logout().await;
            return Ok(());
        }
        if idle {
            // News that reaches the client before the server's "+ idling" lands in the
            // unsolicited queue, not in the IDLE wait: check it, or that mail would wait for
            // the next refresh.
            let news = s.unsolicited_responses.clone();
            while news.try_recv().is_ok() {}
            let mut h = s.idle();
            h.init()
                .await
                .map_err(|e| ImapError::protocol(&server, e))?;
            let mut pending = false;
            while let Ok(r) = news.try_recv() {
                pending |= matches!(
                    r,
                    async_imap::types::UnsolicitedResponse::Exists(_)
                        | async_imap::types::UnsolicitedResponse::Recent(_)
                );
            }
            if !pending {
                // The library's own timeout restarts on every keepalive, so the refresh
                // deadline is kept here; its timeout only catches a silent dead connection.
                let (wait, _interrupt) =
                    h.wait_with_timeout(opts.idle_refresh + Duration::from_secs(120));
                tokio::select! {
                    r = wait => { r.map_err(|e| ImapError::protocol(&server, e))?; }
                    _ = tokio::time::sleep(opts.idle_refresh) => {}
                    _ = stop.changed() => {}
                }
            }
            s = tokio::time::timeout(Duration::from_secs(30), h.done())
                .await
                .map_err(|_| ImapError::Timeout {
                    server: server.clone(),
                })?
                .map_err(|e| ImapError::protocol(&server, e))?;
        } else {
            tokio::select! {
                _ = tokio::time::sleep(opts.poll) => {}
                _ = stop.changed() => {}
            }
        }
    }
}

/// (IDLE supported, Gmail extensions present).
async fn capabilities(s: &mut Session, server: &str) -> Result<(bool, bool), ImapError> {
    let caps = s
        .capabilities()
        .await
        .map_err(|e| ImapError::protocol(server, e))?;
    Ok((caps.has_str("IDLE"), caps.has_str("X-GM-EXT-1")))
}

/// The folder marked `\Sent` (RFC 6154), if the server marks one.
async fn sent_folder(s: &mut Session, server: &str) -> Result<Option<String>, ImapError> {
    let names: Vec<_> = s
        .list(Some(""), Some("*"))
        .await
        .map_err(|e| ImapError::protocol(server, e))?
        .try_collect()
        .await
        .map_err(|e| ImapError::protocol(server, e))?;
    Ok(names
        .iter()
        .find(|n| {
            n.attributes()
                .iter()
                .any(|a| matches!(a, NameAttribute::Sent))
        })
        .map(|n| n.name().to_string()))
}

/// Catches one folder up: new UIDs since the stored state, or the first sync / rescan.
pub async fn pass(
    inbox: &Inbox,
    s: &mut Session,
    server: &str,
    folder: &str,
    gmail: bool,
    opts: &SyncOptions,
) -> Result<Pass, SyncError> {
    let mb = s.examine(folder).await.map_err(|e| match e {
        async_imap::error::Error::No(_) => ImapError::NoFolder {
            server: server.to_string(),
            folder: folder.to_string(),
        },
        e => ImapError::protocol(server, e),
    })?;
    let uidvalidity = mb
        .uid_validity
        .ok_or_else(|| ImapError::protocol(server, "the server sent no UIDVALIDITY"))?;
    let name = folder.to_string();
    let stored = inbox
        .store()
        .read(move |c| mailbox::get(c, &name))
        .await
        .map_err(SyncError::store)?;
    let mut done = Pass {
        folder: folder.to_string(),
        ..Pass::default()
    };
    let at = Place {
        server,
        folder,
        uidvalidity,
        gmail,
    };
    match stored {
        Some(st) if st.uidvalidity == uidvalidity => {
            if mb
                .uid_next
                .is_some_and(|n| n <= st.last_uid.saturating_add(1))
                || mb.exists == 0
            {
                return Ok(done);
            }
            // `n:*` always matches the highest UID, even below n: filter.
            let uids: Vec<u32> = fetch::search(s, server, &format!("UID {}:*", st.last_uid + 1))
                .await?
                .into_iter()
                .filter(|u| *u > st.last_uid)
                .collect();
            import_uids(inbox, s, &at, &uids, true, &mut done).await?;
        }
        previous => {
            let now = inbox.clock().now();
            let upto = match mb.uid_next {
                Some(n) => n.saturating_sub(1),
                None => fetch::search(s, server, "UID *")
                    .await?
                    .last()
                    .copied()
                    .unwrap_or(0),
            };
            if upto > 0 {
                let since =
                    (now - chrono::Duration::days(i64::from(opts.first_sync_days))).date_naive();
                let mut uids = fetch::search(s, server, &candidates_query(since, upto)).await?;
                if let Some(prev) = previous {
                    // UIDVALIDITY changed: everything since the folder was last in sync goes
                    // through the pipeline again; dedupe drops what is already stored.
                    tracing::warn!(
                        folder,
                        old = prev.uidvalidity,
                        new = uidvalidity,
                        "UIDVALIDITY changed: rescanning"
                    );
                    let from = prev.synced_at.unwrap_or(now) - chrono::Duration::days(1);
                    uids.extend(
                        fetch::search(s, server, &since_query(from.date_naive()))
                            .await?
                            .into_iter()
                            .filter(|u| *u <= upto),
                    );
                    uids.sort_unstable();
                    uids.dedup();
                }
                import_uids(inbox, s, &at, &uids, false, &mut done).await?;
            }
            let (name, at) = (folder.to_string(), inbox.clock().now());
            inbox
                .store()
                .write(move |c| mailbox::advance(c, &name, uidvalidity, upto, at))
                .await
                .map_err(SyncError::store)?;
        }
    }
    Ok(done)
}

/// Where messages are fetched from.
struct Place<'a> {
    server: &'a str,
    folder: &'a str,
    uidvalidity: u32,
    gmail: bool,
}

/// Fetches `uids` in chunks and imports them in UID order; with `record`, each import also
/// advances the folder's state.
async fn import_uids(
    inbox: &Inbox,
    s: &mut Session,
    at: &Place<'_>,
    uids: &[u32],
    record: bool,
    done: &mut Pass,
) -> Result<(), SyncError> {
    let Place {
        server,
        folder,
        uidvalidity,
        gmail,
    } = *at;
    for chunk in uids.chunks(FETCH_CHUNK) {
        let fetched = fetch::fetch(s, server, chunk, gmail).await?;
        let (Some(first), Some(last)) = (fetched.first(), fetched.last()) else {
            continue;
        };
        let span = format!("{}:{}", first.uid, last.uid);
        let batch: Vec<_> = fetched
            .into_iter()
            .map(|m| {
                done.fetched += 1;
                done.bytes += m.raw.len() as u64;
                let origin = Origin {
                    folder: folder.to_string(),
                    uidvalidity,
                    uid: m.uid,
                    gm_thrid: m.gm_thrid,
                    received: m.received,
                    record,
                };
                (m.raw, Some(origin))
            })
            .collect();
        // One transaction per fetch: the folder state moves with the messages it covers.
        let outcomes = import_batch(inbox, batch).await.map_err(|e| {
            tracing::warn!(folder, uids = %span, error = %e, "cannot import messages");
            SyncError::Store(e)
        })?;
        done.outcomes.extend(outcomes);
    }
    Ok(())
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

    #[test]
    fn backoff_doubles_with_jitter_and_stays_capped() {
        let opts = SyncOptions {
            retry_first: Duration::from_secs(2),
            retry_max: Duration::from_secs(60),
            ..SyncOptions::default()
        };
        for (failures, full) in [(1, 2.0), (2, 4.0), (3, 8.0), (6, 60.0), (40, 60.0)] {
            let mut seen = Vec::new();
            for _ in 0..50 {
                let d = backoff(&opts, failures).as_secs_f64();
                assert!(
                    d >= full * 0.5 - 1e-9 && d <= full,
                    "{failures}: {d} vs {full}"
                );
                seen.push(d);
            }
            seen.dedup();
            assert!(seen.len() > 1, "jitter spreads retries: {seen:?}");
        }
    }
}
