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
//!
//! A worker: it runs on the inbox's [`Ports`] and the [`MailSettings`] it is handed, not on
//! the `Inbox` itself.

use super::fetch::{self, candidates_query, since_query};
use super::folders::{capabilities, sent_folder};
use super::plan::{self, Plan, Seen};
use super::{connect, ImapError, Session, Target};
use crate::backoff::{draw, Backoff};
use crate::inbox::{Event, Ports};
use crate::mail::import::{import_batch, Origin, Outcome};
use crate::mail::MailSettings;
use crate::random::Random;
use crate::store::mailbox;
use std::time::Duration;

pub use super::health::{Role, SyncError, SyncHealth, SyncState};
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

/// What one pass over a folder did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pass {
    pub folder: String,
    pub fetched: usize,
    pub bytes: u64,
    pub outcomes: Vec<Outcome>,
}

/// What every pass imports with: the worker's ports and the mail settings it was handed.
#[derive(Clone, Copy)]
struct On<'a> {
    ports: &'a Ports,
    mail: &'a MailSettings,
}

/// Runs until `stop` turns true: a worker for INBOX and one for the Sent folder.
pub async fn run(
    ports: Ports,
    mail: MailSettings,
    target: Target,
    opts: SyncOptions,
    health: SyncHealth,
    stop: watch::Receiver<bool>,
) {
    for role in [Role::Inbox, Role::Sent] {
        health.set(role, SyncState::Connecting);
    }
    let on = On {
        ports: &ports,
        mail: &mail,
    };
    let a = watch_folder(on, &target, Role::Inbox, &opts, &health, stop.clone());
    let b = watch_folder(on, &target, Role::Sent, &opts, &health, stop);
    tokio::join!(a, b);
    for role in [Role::Inbox, Role::Sent] {
        health.set(role, SyncState::Off);
    }
}

/// One pass over INBOX and Sent, then logout (`deskbell mail sync --once`).
pub async fn once(
    ports: &Ports,
    mail: &MailSettings,
    target: &Target,
    opts: &SyncOptions,
) -> Result<Vec<Pass>, SyncError> {
    let server = target.server();
    let mut s = connect(target).await?;
    let gmail = capabilities(&mut s, &server).await?.1;
    let on = On { ports, mail };
    let mut passes = vec![pass_on(on, &mut s, &server, "INBOX", gmail, opts).await?];
    if let Some(sent) = sent_folder(&mut s, &server).await? {
        passes.push(pass_on(on, &mut s, &server, &sent, gmail, opts).await?);
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
    on: On<'_>,
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
        match session(on, target, role, opts, health, &mut stop, &mut failures).await {
            Ok(()) => return,
            Err(e) => {
                failures = failures.saturating_add(1);
                let reason = e.to_string();
                tracing::warn!(folder = role.label(), failures, error = %reason, "IMAP sync failed; retrying");
                health.set(role, SyncState::Error(reason.clone()));
                on.ports.emit(Event::SyncError {
                    folder: role.label().to_string(),
                    reason,
                });
                // A password or TLS problem will not fix itself: wait long, not in a tight loop.
                let delay = if e.is_transient() {
                    backoff(opts, failures, &*on.ports.random)
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
fn backoff(opts: &SyncOptions, failures: u32, random: &dyn Random) -> Duration {
    Backoff {
        first: opts.retry_first,
        cap: opts.retry_max,
        spread: (0.5, 1.0),
    }
    .delay(failures.saturating_sub(1), draw(random))
}

/// One connection's life: connect, catch up, then IDLE (or poll) and catch up again, until
/// stopped (Ok) or the connection fails (Err).
async fn session(
    on: On<'_>,
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
        pass_on(on, &mut s, &server, &folder, gmail, opts).await?;
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

/// Catches one folder up: new UIDs since the stored state, or the first sync / rescan.
pub async fn pass(
    ports: &Ports,
    mail: &MailSettings,
    s: &mut Session,
    server: &str,
    folder: &str,
    gmail: bool,
    opts: &SyncOptions,
) -> Result<Pass, SyncError> {
    pass_on(On { ports, mail }, s, server, folder, gmail, opts).await
}

async fn pass_on(
    on: On<'_>,
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
    let stored = on
        .ports
        .store
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
    let seen = Seen {
        uidvalidity,
        uid_next: mb.uid_next,
        exists: mb.exists,
    };
    let now = on.ports.clock.now();
    match plan::plan(stored.as_ref(), seen, now, opts.first_sync_days) {
        Plan::UpToDate => {}
        Plan::Newer { after } => {
            // `n:*` always matches the highest UID, even below n: filter.
            let uids: Vec<u32> = fetch::search(s, server, &format!("UID {}:*", after + 1))
                .await?
                .into_iter()
                .filter(|u| *u > after)
                .collect();
            import_uids(on, s, &at, &uids, true, &mut done).await?;
        }
        Plan::Scan { since, rescan_from } => {
            let upto = match mb.uid_next {
                Some(n) => n.saturating_sub(1),
                None => fetch::search(s, server, "UID *")
                    .await?
                    .last()
                    .copied()
                    .unwrap_or(0),
            };
            if upto > 0 {
                let mut uids = fetch::search(s, server, &candidates_query(since, upto)).await?;
                if let Some(from) = rescan_from {
                    // UIDVALIDITY changed: everything since the folder was last in sync goes
                    // through the pipeline again; dedupe drops what is already stored.
                    tracing::warn!(folder, new = uidvalidity, "UIDVALIDITY changed: rescanning");
                    uids.extend(
                        fetch::search(s, server, &since_query(from))
                            .await?
                            .into_iter()
                            .filter(|u| *u <= upto),
                    );
                    uids.sort_unstable();
                    uids.dedup();
                }
                import_uids(on, s, &at, &uids, false, &mut done).await?;
            }
            let (name, at) = (folder.to_string(), on.ports.clock.now());
            on.ports
                .store
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
    on: On<'_>,
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
        let outcomes = import_batch(on.ports, on.mail, batch).await.map_err(|e| {
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
    fn backoff_doubles_with_jitter_and_stays_capped() {
        let opts = SyncOptions {
            retry_first: Duration::from_secs(2),
            retry_max: Duration::from_secs(60),
            ..SyncOptions::default()
        };
        let seq = crate::random::SeqRandom::new(11);
        let os = crate::random::OsRandom;
        for (failures, full) in [(1, 2.0), (2, 4.0), (3, 8.0), (6, 60.0), (40, 60.0)] {
            for random in [&seq as &dyn Random, &os] {
                let mut seen = Vec::new();
                for _ in 0..50 {
                    let d = backoff(&opts, failures, random).as_secs_f64();
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

    #[test]
    fn the_same_seed_gives_the_same_retry_delays() {
        use crate::random::SeqRandom;
        let opts = SyncOptions::default();
        let delays = |seed| {
            let r = SeqRandom::new(seed);
            (1..20).map(|n| backoff(&opts, n, &r)).collect::<Vec<_>>()
        };
        assert_eq!(delays(5), delays(5));
        assert_ne!(delays(5), delays(6));
    }
}
