//! Copies in Sent (`[mail] save_sent`): Gmail and Outlook file what is sent through their
//! SMTP into Sent, most other servers do not — then the owner's mail client never shows
//! Deskbell's replies, and the mailbox is not a whole record of the conversation. This worker
//! APPENDs each mail to a visitor, once it has left, to the folder marked `\Sent`.
//!
//! Exactly once, across retries and restarts: a copy is `due` from the transaction that
//! records the mail as sent (migration 0009) until it is marked `saved`; before each APPEND
//! the folder is searched for the mail's Message-ID, so a copy that was appended just before
//! a crash (but not yet marked) is marked, not appended again. The sync recognises the copy
//! when it reads Sent: the same Message-ID and the same bytes as the thread's entry.

use super::{connect, fetch, folders, ImapError, Session, Target};
use crate::inbox::Ports;
use crate::store::outbox;
use std::time::Duration;
use tokio::sync::watch;

/// Between looks when nothing wakes the worker (a copy made due by another process).
const LOOK_EVERY: Duration = Duration::from_secs(60);
/// After a failure, the first wait; doubled up to [`RETRY_MAX`].
const RETRY_FIRST: Duration = Duration::from_secs(5);
const RETRY_MAX: Duration = Duration::from_secs(600);

/// Files due copies until `stop`.
pub async fn run(ports: Ports, target: Target, mut stop: watch::Receiver<bool>) {
    let wake = ports.sent_copy_wake.clone();
    let mut retry = RETRY_FIRST;
    loop {
        if *stop.borrow() {
            return;
        }
        let wait = match pass(&ports, &target).await {
            Ok(0) => {
                retry = RETRY_FIRST;
                LOOK_EVERY
            }
            Ok(n) => {
                tracing::info!(copies = n, "sent mail filed in Sent");
                retry = RETRY_FIRST;
                continue;
            }
            Err(e) => {
                tracing::warn!("cannot file sent mail in Sent yet: {e}");
                let w = retry;
                retry = (retry * 2).min(RETRY_MAX);
                w
            }
        };
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {}
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum PassError {
    #[error(transparent)]
    Imap(#[from] ImapError),
    #[error("the store: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("the server has no folder marked \\Sent")]
    NoSent,
}

/// One pass: the copies due, filed. Returns how many were marked saved.
async fn pass(ports: &Ports, target: &Target) -> Result<usize, PassError> {
    let due = ports.store.read(|c| outbox::copies_due(c, 50)).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let server = target.server();
    let mut s = connect(target).await?;
    let result = file(ports, &mut s, &server, due).await;
    let _ = s.logout().await;
    result
}

async fn file(
    ports: &Ports,
    s: &mut Session,
    server: &str,
    due: Vec<outbox::SentCopy>,
) -> Result<usize, PassError> {
    let sent = folders::sent_folder(s, server)
        .await?
        .ok_or(PassError::NoSent)?;
    s.select(&sent)
        .await
        .map_err(|e| ImapError::protocol(server, e))?;
    let mut filed = 0;
    for copy in due {
        let query = format!(
            "HEADER Message-ID \"<{}>\"",
            copy.message_id.replace(['"', '\\'], "")
        );
        let there = fetch::search(s, server, &query).await?;
        if there.is_empty() {
            s.append(&sent, Some("(\\Seen)"), None, &copy.raw)
                .await
                .map_err(|e| ImapError::protocol(server, e))?;
        }
        let id = copy.outbox_id;
        ports
            .store
            .write(move |c| outbox::mark_copied(c, id))
            .await?;
        filed += 1;
    }
    Ok(filed)
}
