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
//!   failures reconnect with exponential backoff and jitter;
//! - the server hanging up (a restart, a cut) is a reconnect, logged as one, not a sync error,
//!   unless it happens more than `QUIET_RECONNECTS` (3) times in a row;
//! - with no `\Sent` folder the Sent worker holds no connection and looks again every
//!   `sent_look_again`, so a folder made later is found.
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
    /// With no `\Sent` folder on the server, its worker looks again this often (the owner may
    /// create one later, in another mail app).
    pub sent_look_again: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            first_sync_days: 30,
            idle_refresh: Duration::from_secs(25 * 60),
            poll: Duration::from_secs(60),
            retry_first: Duration::from_secs(1),
            retry_max: Duration::from_secs(300),
            sent_look_again: Duration::from_secs(10 * 60),
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
    let mut streak = Streak::default();
    let mut told_no_sent = false;
    loop {
        if *stop.borrow() {
            return;
        }
        let delay = match session(on, target, role, opts, health, &mut stop, &mut streak).await {
            Ok(Ended::Stopped) => return,
            Ok(Ended::NoSent) => {
                if !told_no_sent {
                    tracing::info!(server = %target.server(), "no \\Sent folder: the owner's replies from other mail apps are not read until there is one");
                    told_no_sent = true;
                }
                // Not a failure, and nothing to wait on: the sync is as healthy as INBOX.
                health.set(role, SyncState::Off);
                opts.sent_look_again
            }
            Err(e) => {
                streak.failures = streak.failures.saturating_add(1);
                let failures = streak.failures;
                if let Some(note) = reconnect_note(&e, streak) {
                    // An ordinary hang-up (a server restart, a dropped idle connection): say
                    // so, and keep the owner's status calm unless it keeps happening.
                    tracing::info!(folder = role.label(), server = %target.server(), failures, "{note}");
                    health.set(role, SyncState::Connecting);
                } else {
                    let reason = e.to_string();
                    tracing::warn!(folder = role.label(), failures, error = %reason, "IMAP sync failed; retrying");
                    health.set(role, SyncState::Error(reason.clone()));
                    on.ports.emit(Event::SyncError {
                        folder: role.label().to_string(),
                        reason,
                    });
                }
                // A password or TLS problem will not fix itself: wait long, not in a tight loop.
                if e.is_transient() {
                    backoff(opts, failures, &*on.ports.random)
                } else {
                    opts.retry_max
                }
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop.changed() => return,
        }
    }
}

/// A folder worker's run of failed connections since the last one that worked.
#[derive(Debug, Clone, Copy, Default)]
struct Streak {
    failures: u32,
    /// Whether a connection of this worker has ever worked (so host, port and password are
    /// right, and a refused connection means the server is down or restarting).
    worked: bool,
}

/// How a session ended without an error.
#[derive(Debug, PartialEq, Eq)]
enum Ended {
    Stopped,
    /// The server marks no `\Sent` folder (yet).
    NoSent,
}

/// Hang-ups in a row that are only logged before they count as a sync error.
const QUIET_RECONNECTS: u32 = 3;

/// The log line for a failure that is an ordinary hang-up or a restart in progress, or `None`
/// when the failure is one to report (warning, sync error) with its own words.
fn reconnect_note(e: &SyncError, streak: Streak) -> Option<&'static str> {
    if streak.failures > QUIET_RECONNECTS {
        return None;
    }
    match e {
        SyncError::Imap(ImapError::Closed { .. }) => {
            Some("the server closed the connection; reconnecting")
        }
        SyncError::Imap(ImapError::Unreachable { .. }) if streak.worked => {
            Some("the server does not accept connections yet (restarting?); reconnecting")
        }
        _ => None,
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
    streak: &mut Streak,
) -> Result<Ended, SyncError> {
    let server = target.server();
    let mut s = connect(target).await?;
    let (idle, gmail) = capabilities(&mut s, &server).await?;
    let folder = match role {
        Role::Inbox => "INBOX".to_string(),
        // Looked up on every connection: a folder made since the last one is found.
        Role::Sent => match sent_folder(&mut s, &server).await? {
            Some(f) => f,
            None => {
                // No connection is held for nothing (Gmail allows ~15 per account).
                let _ = s.logout().await;
                streak.worked = true;
                streak.failures = 0;
                return Ok(Ended::NoSent);
            }
        },
    };
    loop {
        pass_on(on, &mut s, &server, &folder, gmail, opts).await?;
        *streak = Streak {
            failures: 0,
            worked: true,
        };
        health.set(role, SyncState::Ok);
        if *stop.borrow() {
            let _ = s.logout().await;
            return Ok(Ended::Stopped);
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
    fn a_hang_up_is_a_reconnect_and_a_setup_problem_is_not() {
        let server = || "imap.example:993".to_string();
        let closed = SyncError::from(ImapError::Closed { server: server() });
        let refused = SyncError::from(ImapError::Unreachable {
            server: server(),
            source: std::io::ErrorKind::ConnectionRefused.into(),
        });
        let login = SyncError::from(ImapError::Login {
            server: server(),
            user: "rosa".into(),
            detail: "[AUTHENTICATIONFAILED] Authentication failed.".into(),
        });
        let after = |failures| Streak {
            failures,
            worked: true,
        };
        let note = reconnect_note(&closed, after(1)).unwrap();
        assert_eq!(note, "the server closed the connection; reconnecting");
        assert!(reconnect_note(&refused, after(2))
            .unwrap()
            .ends_with("reconnecting"));
        // Never connected: the host or port may be wrong, and the error says so.
        let first = Streak {
            failures: 1,
            worked: false,
        };
        assert_eq!(reconnect_note(&refused, first), None);
        assert!(refused.to_string().contains("check imap.host"));
        assert_eq!(reconnect_note(&login, after(1)), None);
        // It keeps happening: reported as a sync error after all.
        assert_eq!(reconnect_note(&closed, after(QUIET_RECONNECTS + 1)), None);
        assert!(closed.is_transient());
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
