//! Merge, trash, spam and blocked senders (migration 0006). The rules are
//! docs/architecture.md, "Triage"; each change is one transaction with its `events` row.

use super::tickets::{by_row, find, find_live};
use super::{events, Result, StoreError};
use crate::clock::{from_db, to_db};
use crate::domain::{Channel, Status, Ticket, TicketId};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// How long a deleted ticket stays restorable in the trash.
pub const TRASH_DAYS: i64 = 30;

/// Merges ticket `source` into `target`: the source's thread (its first words too, for a
/// web ticket), tags, queued mail and widget idempotency keys move to the target, and the
/// source keeps only its row, closed and marked `merged_into`, so its id still resolves.
/// Later mail that answers anything of the source finds the target: its messages are the
/// target's now, and threading follows `merged_into` for its id (signed ids, plus address,
/// subject tag). The target reopens if the source was waiting on the owner, keeps the higher
/// priority, and gets a note saying what was merged. Not undoable. Returns the target.
pub fn merge(
    conn: &Connection,
    source: &TicketId,
    target: &TicketId,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    let (srow, s) = find_live(conn, source)?;
    let (trow, t) = find(conn, target)?;
    if let Some(into) = &t.merged_into {
        return Err(StoreError::Conflict(format!(
            "{target} was itself merged into {into}: merge into {into}"
        )));
    }
    if srow == trow {
        return Err(StoreError::Conflict(format!(
            "cannot merge {source} into itself"
        )));
    }
    if t.deleted_at.is_some() {
        return Err(StoreError::Conflict(format!(
            "{target} is in the trash: restore it first"
        )));
    }
    if s.channel == Channel::Web {
        // A web ticket's first words live in `tickets.issue`; in the target they become an
        // entry of their own, at the time they were sent.
        conn.prepare_cached(
            "INSERT INTO messages (ticket, direction, from_addr, text, body, at)
             VALUES (?1, 'in', ?2, ?3, ?3, ?4)",
        )?
        .execute(params![trow, s.visitor.email, s.issue, to_db(s.created_at)])?;
    }
    conn.execute(
        "UPDATE messages SET ticket = ?2 WHERE ticket = ?1",
        [srow, trow],
    )?;
    conn.execute(
        "UPDATE outbox SET ticket = ?2 WHERE ticket = ?1",
        [srow, trow],
    )?;
    conn.execute(
        "UPDATE idempotency_keys SET ticket = ?2 WHERE ticket = ?1",
        [srow, trow],
    )?;
    conn.execute(
        "INSERT OR IGNORE INTO ticket_tags (ticket, tag)
         SELECT ?2, tag FROM ticket_tags WHERE ticket = ?1",
        [srow, trow],
    )?;
    // One hop always: what was merged into the source now points at the target.
    conn.execute(
        "UPDATE tickets SET merged_into = ?2 WHERE merged_into = ?1",
        [srow, trow],
    )?;
    let at = to_db(now);
    conn.execute(
        "UPDATE tickets SET merged_into = ?2, status = 'closed', unread = 0,
             snoozed_until = NULL, deleted_at = NULL, updated_at = ?3
         WHERE id = ?1",
        params![srow, trow, at],
    )?;
    let reopen = s.status == Status::Open && t.status != Status::Open;
    let priority = s.priority.max(t.priority);
    conn.execute(
        "UPDATE tickets SET status = CASE WHEN ?2 THEN 'open' ELSE status END,
             priority = ?3, unread = max(unread, ?4), updated_at = ?5
         WHERE id = ?1",
        params![trow, reopen, priority.as_str(), s.unread, at],
    )?;
    let note = format!(
        "Merged {} into this ticket: {} <{}>, \"{}\".",
        s.ticket_id,
        s.visitor.name,
        s.visitor.email,
        s.first_line()
    );
    conn.prepare_cached(
        "INSERT INTO messages (ticket, direction, text, body, at) VALUES (?1, 'note', ?2, ?2, ?3)",
    )?
    .execute(params![trow, note, at])?;
    let detail = serde_json::json!({ "source": s.ticket_id, "target": t.ticket_id });
    events::insert(conn, "ticket_merged", Some(srow), &detail, now)?;
    events::insert(conn, "ticket_merged", Some(trow), &detail, now)?;
    by_row(conn, trow)
}

/// Moves ticket `id` to the trash (`deleted`) or back out of it. A trashed ticket is in no
/// view but Trash, and its snooze ends. Not activity: `updated_at` stays.
pub fn set_deleted(
    conn: &Connection,
    id: &TicketId,
    deleted: bool,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    let (row, before) = find_live(conn, id)?;
    if deleted == before.deleted_at.is_some() {
        return Ok(before);
    }
    if deleted {
        conn.execute(
            "UPDATE tickets SET deleted_at = ?2, snoozed_until = NULL WHERE id = ?1",
            params![row, to_db(now)],
        )?;
    } else {
        conn.execute("UPDATE tickets SET deleted_at = NULL WHERE id = ?1", [row])?;
    }
    let kind = if deleted {
        "ticket_deleted"
    } else {
        "ticket_restored"
    };
    events::insert(
        conn,
        kind,
        Some(row),
        &serde_json::json!({ "ticket_id": before.ticket_id }),
        now,
    )?;
    by_row(conn, row)
}

/// Deletes for good the tickets in the trash since before `now - TRASH_DAYS` (their thread,
/// attachments, tags, mail and events go with them, and the tickets merged into them).
/// Returns how many trashed tickets went.
pub fn purge_trash(conn: &Connection, now: DateTime<Utc>) -> Result<usize> {
    let cutoff = to_db(now - Duration::days(TRASH_DAYS));
    conn.execute(
        "DELETE FROM tickets WHERE merged_into IN
             (SELECT id FROM tickets WHERE deleted_at IS NOT NULL AND deleted_at <= ?1)",
        [&cutoff],
    )?;
    Ok(conn.execute(
        "DELETE FROM tickets WHERE deleted_at IS NOT NULL AND deleted_at <= ?1",
        [&cutoff],
    )?)
}

/// When the oldest ticket in the trash is due to be purged.
pub fn next_purge(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let at: Option<String> = conn
        .prepare_cached("SELECT min(deleted_at) FROM tickets WHERE deleted_at IS NOT NULL")?
        .query_row([], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(at
        .as_deref()
        .and_then(from_db)
        .map(|at| at + Duration::days(TRASH_DAYS)))
}

/// Marks ticket `id` spam or not. Spam is in no view but Spam and never notifies; marking it
/// ends a snooze. Not activity: `updated_at` stays.
pub fn set_spam(
    conn: &Connection,
    id: &TicketId,
    spam: bool,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    let (row, before) = find_live(conn, id)?;
    if before.spam == spam {
        return Ok(before);
    }
    conn.execute(
        "UPDATE tickets SET spam = ?2,
             snoozed_until = CASE WHEN ?2 THEN NULL ELSE snoozed_until END
         WHERE id = ?1",
        params![row, spam],
    )?;
    events::insert(
        conn,
        if spam {
            "marked_spam"
        } else {
            "marked_not_spam"
        },
        Some(row),
        &serde_json::json!({ "ticket_id": before.ticket_id }),
        now,
    )?;
    by_row(conn, row)
}

/// A blocked address (`ana@example.com`) or domain (`@example.com`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BlockedSender {
    pub address: String,
    /// RFC 3339 UTC
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: DateTime<Utc>,
}

/// Blocks `address` (already normalised, see [`crate::domain::inbound::block_key`]); blocking it
/// again changes nothing.
pub fn block(conn: &Connection, address: &str, now: DateTime<Utc>) -> Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO blocked_senders (address, created_at) VALUES (?1, ?2)",
        params![address, to_db(now)],
    )?;
    if n > 0 {
        events::insert(
            conn,
            "sender_blocked",
            None,
            &serde_json::json!({ "address": address }),
            now,
        )?;
    }
    Ok(n > 0)
}

/// Unblocks `address`; whether it was blocked.
pub fn unblock(conn: &Connection, address: &str, now: DateTime<Utc>) -> Result<bool> {
    let n = conn.execute("DELETE FROM blocked_senders WHERE address = ?1", [address])?;
    if n > 0 {
        events::insert(
            conn,
            "sender_unblocked",
            None,
            &serde_json::json!({ "address": address }),
            now,
        )?;
    }
    Ok(n > 0)
}

pub fn blocked(conn: &Connection) -> Result<Vec<BlockedSender>> {
    let mut stmt =
        conn.prepare_cached("SELECT address, created_at FROM blocked_senders ORDER BY address")?;
    let rows = stmt.query_map([], |r| {
        Ok(BlockedSender {
            address: r.get(0)?,
            created_at: super::tickets::time(r, 1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether mail or tickets from `email` are blocked: the address itself or its domain.
pub fn is_blocked(conn: &Connection, email: &str) -> Result<bool> {
    let email = email.trim().to_lowercase();
    let Some((_, domain)) = email.rsplit_once('@') else {
        return Ok(false);
    };
    let domain = format!("@{domain}");
    Ok(conn
        .prepare_cached("SELECT 1 FROM blocked_senders WHERE address IN (?1, ?2) LIMIT 1")?
        .query_row([&email, &domain], |_| Ok(()))
        .optional()?
        .is_some())
}
