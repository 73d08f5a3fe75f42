//! `mailbox_state`: per IMAP folder, the UIDVALIDITY and last UID the sync has imported. It is
//! written inside the same transaction as the message it covers, so a crash can neither skip
//! a message nor import one twice (RFC 3501 §2.3.1.1: UIDs are stable only within one
//! UIDVALIDITY).

use super::Result;
use crate::clock::{from_db, to_db};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderState {
    pub uidvalidity: u32,
    pub last_uid: u32,
    pub synced_at: Option<DateTime<Utc>>,
}

pub fn get(conn: &Connection, folder: &str) -> Result<Option<FolderState>> {
    let row: Option<(i64, i64, Option<String>)> = conn
        .prepare_cached(
            "SELECT uidvalidity, last_uid, synced_at FROM mailbox_state WHERE folder = ?1",
        )?
        .query_row([folder], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.map(|(v, u, at)| FolderState {
        uidvalidity: v as u32,
        last_uid: u as u32,
        synced_at: at.as_deref().and_then(from_db),
    }))
}

/// Records that `folder` is imported up to `last_uid` (never moves backwards within one
/// UIDVALIDITY).
pub fn advance(
    conn: &Connection,
    folder: &str,
    uidvalidity: u32,
    last_uid: u32,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO mailbox_state (folder, uidvalidity, last_uid, synced_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (folder) DO UPDATE SET
             last_uid = CASE WHEN uidvalidity = excluded.uidvalidity
                             THEN max(last_uid, excluded.last_uid) ELSE excluded.last_uid END,
             uidvalidity = excluded.uidvalidity,
             synced_at = excluded.synced_at",
    )?
    .execute(params![
        folder,
        i64::from(uidvalidity),
        i64::from(last_uid),
        to_db(now)
    ])?;
    Ok(())
}
