//! Mail that could not be sent: listed with its reason, and put back in the queue.

use super::super::events;
use super::super::Result;
use super::Kind;
use crate::clock::{from_db, to_db};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// A mail that could not be sent, as `mail status` lists it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedMail {
    /// The outbox row: what `mail resend` takes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub kind: Kind,
    pub to: String,
    pub ticket_id: Option<String>,
    pub reason: String,
    /// A bounce came back for it (the address is not written to automatically again).
    pub bounced: bool,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub queued_at: DateTime<Utc>,
}

/// Failed mail, newest first, at most `limit`.
pub fn failed(conn: &Connection, limit: u32) -> Result<Vec<FailedMail>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.kind, o.rcpt, t.ticket_id, coalesce(o.last_error, ''),
                o.bounced_at IS NOT NULL, o.created_at
         FROM outbox o LEFT JOIN tickets t ON t.id = o.ticket
         WHERE o.state = 'failed' ORDER BY o.id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        let kind: String = r.get(1)?;
        let at: String = r.get(6)?;
        Ok(FailedMail {
            id: r.get(0)?,
            kind: kind.parse().unwrap_or(Kind::Notification),
            to: r.get(2)?,
            ticket_id: r.get(3)?,
            reason: r.get(4)?,
            bounced: r.get(5)?,
            queued_at: from_db(&at).unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Queued mail, and how much of it the budget holds back now.
pub fn queued(conn: &Connection) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT count(*), coalesce(sum(hold IS NOT NULL), 0) FROM outbox WHERE state = 'queued'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Puts a failed mail back in the queue to go at once: the same Message-ID (so it is the same
/// message to every mail program), a fresh age (it gets its whole retry time again) and a
/// clean slate of attempts. Returns whether `id` was a failed mail.
pub fn requeue(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let at = to_db(now);
    let message: Option<Option<i64>> = conn
        .query_row(
            "SELECT message FROM outbox WHERE id = ?1 AND state = 'failed'",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(message) = message else {
        return Ok(false);
    };
    conn.execute(
        "UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = ?2, created_at = ?2,
             last_error = NULL, hold = NULL
         WHERE id = ?1",
        params![id, at],
    )?;
    if let Some(row) = message {
        conn.execute(
            "UPDATE messages SET state = 'queued', error = NULL WHERE id = ?1",
            [row],
        )?;
    }
    let ticket: Option<i64> =
        conn.query_row("SELECT ticket FROM outbox WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    events::insert(
        conn,
        "mail_resent",
        ticket,
        &serde_json::json!({ "outbox": id }),
        now,
    )?;
    Ok(true)
}

/// Every failed mail back in the queue; how many.
pub fn requeue_failed(conn: &Connection, now: DateTime<Utc>) -> Result<usize> {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM outbox WHERE state = 'failed' ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &ids {
        requeue(conn, *id, now)?;
    }
    Ok(ids.len())
}
