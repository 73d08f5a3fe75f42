//! Read-only views over `tickets` for the window: the counts behind the filters and the tray
//! (snoozed tickets apart from the waiting ones),
//! a visitor's other tickets, and one stored attachment with its bytes.

use super::tickets::{from_row, COLUMNS, FROM};
use super::{Result, StoreError};
use crate::clock::to_db;
use crate::domain::{AttachmentInfo, Priority, Ticket};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// The counters migration 0008's triggers keep: the live tickets per status (the snoozed
/// among them included), the unread ones among them, the spam and the trash — each counted
/// as [`Counts`] counts it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kept {
    pub open: i64,
    pub pending: i64,
    pub closed: i64,
    pub unread: i64,
    pub spam: i64,
    pub trash: i64,
}

/// [`Kept`], a few rows read whatever the number of tickets; only those of `priority` and
/// from the website named `site`, when given.
pub fn kept(conn: &Connection, priority: Option<Priority>, site: Option<&str>) -> Result<Kept> {
    let mut out = Kept::default();
    let mut stmt = conn.prepare_cached(
        "SELECT status, spam, trashed, unread, n FROM ticket_counts
         WHERE merged = 0 AND n > 0 AND (?1 IS NULL OR priority = ?1)
           AND (?2 IS NULL OR site IN (SELECT id FROM sites WHERE name = ?2))",
    )?;
    let rows = stmt.query_map(params![priority.map(Priority::as_str), site], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, bool>(1)?,
            r.get::<_, bool>(2)?,
            r.get::<_, bool>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    for row in rows {
        match row? {
            (_, _, true, _, n) => out.trash += n,
            (_, true, false, _, n) => out.spam += n,
            (status, false, false, unread, n) => {
                match status.as_str() {
                    "open" => out.open += n,
                    "pending" => out.pending += n,
                    "closed" => out.closed += n,
                    _ => {}
                }
                if unread {
                    out.unread += n;
                }
            }
        }
    }
    Ok(out)
}

/// Tickets per view and unread tickets. `open` is the waiting count: the tickets snoozed at
/// that moment are counted in `snoozed` instead. A ticket is counted once: trash before spam
/// before snoozed before its status; merged tickets not at all. `unread` counts only the
/// tickets of the status views (spam and trash are never shown unasked).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub open: i64,
    pub pending: i64,
    pub closed: i64,
    pub unread: i64,
    pub snoozed: i64,
    pub spam: i64,
    pub trash: i64,
}

pub fn counts(conn: &Connection, now: DateTime<Utc>) -> Result<Counts> {
    counts_where(conn, now, None, None)
}

/// [`counts`] of the tickets of `priority` and from the website named `site`, when given.
pub fn counts_where(
    conn: &Connection,
    now: DateTime<Utc>,
    priority: Option<Priority>,
    site: Option<&str>,
) -> Result<Counts> {
    // The counters kept by migration 0008's triggers, then the snoozed ones taken from their
    // status (docs/architecture.md, "Triage").
    let kept = kept(conn, priority, site)?;
    let mut out = Counts {
        open: kept.open,
        pending: kept.pending,
        closed: kept.closed,
        unread: kept.unread,
        snoozed: 0,
        spam: kept.spam,
        trash: kept.trash,
    };
    let mut stmt = conn.prepare_cached(
        "SELECT status, count(*) FROM tickets
         WHERE snoozed_until > ?1 AND merged_into IS NULL AND deleted_at IS NULL AND spam = 0
           AND (?2 IS NULL OR priority = ?2)
           AND (?3 IS NULL OR site_id IN (SELECT id FROM sites WHERE name = ?3))
         GROUP BY status",
    )?;
    let rows = stmt.query_map(
        params![to_db(now), priority.map(Priority::as_str), site],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
    )?;
    for row in rows {
        let (status, n) = row?;
        match status.as_str() {
            "open" => out.open -= n,
            "pending" => out.pending -= n,
            "closed" => out.closed -= n,
            _ => {}
        }
        out.snoozed += n;
    }
    Ok(out)
}

/// How many of a visitor's other tickets the thread view shows.
pub const HISTORY_LIMIT: i64 = 50;

/// The other tickets from `email` (case-insensitive), newest activity first, `except` (a
/// ticket id) left out. Spam included: the owner should see that this sender was flagged;
/// merged and trashed tickets are not (a merged one's thread is in its target).
pub fn by_visitor(conn: &Connection, email: &str, except: Option<&str>) -> Result<Vec<Ticket>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM}
         WHERE t.visitor_email = ?1 COLLATE NOCASE AND (?2 IS NULL OR t.ticket_id <> ?2)
             AND t.merged_into IS NULL AND t.deleted_at IS NULL
         ORDER BY t.updated_at DESC, t.id DESC LIMIT ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params![email, except, HISTORY_LIMIT], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One attachment's description and bytes.
pub fn attachment(conn: &Connection, id: i64) -> Result<(AttachmentInfo, Vec<u8>)> {
    conn.prepare_cached("SELECT id, name, size, content_type, data FROM attachments WHERE id = ?1")?
        .query_row([id], |r| {
            Ok((
                AttachmentInfo {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    size: r.get(2)?,
                    content_type: r.get(3)?,
                },
                r.get(4)?,
            ))
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("attachment {id}")))
}
