//! Store operations for incoming mail: the duplicate check, the lookups threading needs, and
//! appending a message to a ticket's thread (which reopens a pending or closed ticket).

use super::{events, Result};
use crate::clock::to_db;
use crate::domain::inbound::{Lookup, Parsed};
use crate::domain::TicketId;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// Rule 1: the same Message-ID, or the same raw bytes, is already stored. Both, because
/// senders do reuse Message-IDs (freescout#5591) and some mail has none.
pub fn is_duplicate(conn: &Connection, p: &Parsed) -> Result<bool> {
    let by_id: bool = match &p.message_id {
        Some(id) if !id.is_empty() => conn
            .prepare_cached("SELECT 1 FROM messages WHERE message_id = ?1 LIMIT 1")?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some(),
        _ => false,
    };
    if by_id {
        return Ok(true);
    }
    Ok(conn
        .prepare_cached("SELECT 1 FROM messages WHERE raw_sha256 = ?1 LIMIT 1")?
        .query_row([&p.raw_sha256], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Threading's view of the store.
pub struct StoreLookup<'a>(pub &'a Connection);

impl Lookup for StoreLookup<'_> {
    fn ticket(&self, id: &TicketId) -> Option<i64> {
        self.0
            // A merged ticket's id answers with the ticket it was merged into.
            .prepare_cached("SELECT coalesce(merged_into, id) FROM tickets WHERE ticket_id = ?1")
            .and_then(|mut s| s.query_row([id.to_string()], |r| r.get(0)).optional())
            .ok()
            .flatten()
    }

    fn ticket_of_message(&self, message_id: &str) -> Option<i64> {
        self.0
            .prepare_cached("SELECT ticket FROM messages WHERE message_id = ?1 LIMIT 1")
            .and_then(|mut s| s.query_row([message_id], |r| r.get(0)).optional())
            .ok()
            .flatten()
    }

    fn is_participant(&self, ticket_row: i64, email: &str) -> bool {
        self.0
            .prepare_cached(
                "SELECT 1 FROM tickets WHERE id = ?1 AND visitor_email = ?2 COLLATE NOCASE
                 UNION ALL
                 SELECT 1 FROM messages WHERE ticket = ?1 AND direction = 'in'
                     AND from_addr = ?2 COLLATE NOCASE
                 LIMIT 1",
            )
            .and_then(|mut s| {
                s.query_row(params![ticket_row, email], |_| Ok(()))
                    .optional()
            })
            .ok()
            .flatten()
            .is_some()
    }

    fn ticket_of_gm_thread(&self, thrid: u64) -> Option<i64> {
        self.0
            .prepare_cached("SELECT ticket FROM messages WHERE gm_thrid = ?1 LIMIT 1")
            .and_then(|mut s| s.query_row([thrid.to_string()], |r| r.get(0)).optional())
            .ok()
            .flatten()
    }
}

/// An incoming message to store on a thread.
pub struct Incoming<'a> {
    pub parsed: &'a Parsed,
    /// The new words only.
    pub text: &'a str,
    pub raw: &'a [u8],
    /// "in" for the visitor's mail, "out" for the owner's own (from the Sent folder).
    pub direction: &'a str,
    /// Whether an incoming message brings the ticket back to the owner (reopens, wakes,
    /// restores from the trash, marks unread): not for a blocked sender's.
    pub wakes: bool,
    /// Gmail's thread id, when the IMAP server is Gmail's (threading rule 5).
    pub gm_thrid: Option<u64>,
    /// Its place in the thread (the server's receipt time, else its Date, never the future).
    pub at: DateTime<Utc>,
}

/// Appends to the thread; a visitor's message reopens a pending or closed ticket, wakes a
/// snoozed one and brings one back from the trash (it is waiting on the owner again, now) —
/// unless it is from a blocked sender (`wakes` false).
/// Returns the ticket id.
pub fn append(
    conn: &Connection,
    ticket_row: i64,
    m: &Incoming<'_>,
    now: DateTime<Utc>,
) -> Result<String> {
    let p = m.parsed;
    let at = to_db(m.at);
    let to: Vec<&str> = p.recipients.iter().map(String::as_str).collect();
    conn.prepare_cached(
        "INSERT INTO messages (ticket, direction, message_id, in_reply_to, refs, from_addr,
             to_addrs, subject, text, body, raw, raw_sha256, at, html, gm_thrid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        ticket_row,
        m.direction,
        p.message_id,
        p.in_reply_to.first(),
        p.references.join(" "),
        p.from_email(),
        to.join(", "),
        p.subject,
        m.text,
        p.body,
        m.raw,
        p.raw_sha256,
        at,
        p.html,
        m.gm_thrid.map(|t| t.to_string())
    ])?;
    let row = conn.last_insert_rowid();
    insert_attachments(conn, row, p)?;
    let now_s = to_db(now);
    if m.direction == "in" && m.wakes {
        conn.execute(
            "UPDATE tickets SET status = 'open', unread = 1, snoozed_until = NULL,
                 deleted_at = NULL, updated_at = ?2
             WHERE id = ?1",
            params![ticket_row, now_s],
        )?;
    } else {
        conn.execute(
            "UPDATE tickets SET updated_at = ?2 WHERE id = ?1",
            params![ticket_row, now_s],
        )?;
    }
    let ticket_id: String = conn.query_row(
        "SELECT ticket_id FROM tickets WHERE id = ?1",
        [ticket_row],
        |r| r.get(0),
    )?;
    events::insert(
        conn,
        if m.direction == "in" {
            "reply_received"
        } else {
            "owner_mail_recorded"
        },
        Some(ticket_row),
        &serde_json::json!({ "ticket_id": ticket_id, "message_id": p.message_id }),
        now,
    )?;
    Ok(ticket_id)
}

/// The owner answered the ticket by mail: an open ticket (waiting on her) now waits on the
/// visitor, as after a reply from the window (which ends a snooze: only open tickets are). Pending and closed tickets stay so:
/// an old answer read again (a first sync, a rebuild) must not reopen anything.
pub fn mark_answered(conn: &Connection, ticket_row: i64, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE tickets SET status = 'pending', unread = 0, snoozed_until = NULL, updated_at = ?2
         WHERE id = ?1 AND status = 'open'",
        params![ticket_row, to_db(now)],
    )?;
    Ok(())
}

fn insert_attachments(conn: &Connection, message_row: i64, p: &Parsed) -> Result<()> {
    for (name, content_type, data) in &p.attachments {
        conn.prepare_cached(
            "INSERT INTO attachments (message, name, content_type, size, data)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            message_row,
            name,
            content_type,
            data.len() as i64,
            data
        ])?;
    }
    Ok(())
}

/// Gives the first message of a ticket made from mail its source (for dedupe and display)
/// and its attachments.
pub fn attach_source(
    conn: &Connection,
    ticket_row: i64,
    p: &Parsed,
    raw: &[u8],
    gm_thrid: Option<u64>,
) -> Result<()> {
    let first: i64 = conn.query_row(
        "SELECT min(id) FROM messages WHERE ticket = ?1",
        [ticket_row],
        |r| r.get(0),
    )?;
    insert_attachments(conn, first, p)?;
    conn.execute(
        "UPDATE messages SET message_id = ?2, subject = ?3, body = ?4, raw = ?5, raw_sha256 = ?6,
             in_reply_to = ?7, refs = ?8, html = ?9, gm_thrid = ?10
         WHERE id = ?1",
        params![
            first,
            p.message_id,
            p.subject,
            p.body,
            raw,
            p.raw_sha256,
            p.in_reply_to.first(),
            p.references.join(" "),
            p.html,
            gm_thrid.map(|t| t.to_string())
        ],
    )?;
    Ok(())
}

/// A bounce names our message in its references (or its embedded headers): mark that send
/// failed (and its address as one that bounced). Returns the ticket row and the recipient if
/// one was found.
pub fn mark_bounced(
    conn: &Connection,
    candidates: &[String],
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, String)>> {
    for id in candidates {
        let hit: Option<(i64, i64, String)> = conn
            .query_row(
                "SELECT id, ticket, coalesce(to_addrs, '') FROM messages
                 WHERE message_id = ?1 AND direction = 'out'",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((row, ticket, to)) = hit {
            conn.execute(
                "UPDATE messages SET state = 'failed', error = ?2 WHERE id = ?1",
                params![row, reason],
            )?;
            conn.execute(
                "UPDATE outbox SET state = 'failed', last_error = ?2, bounced_at = ?3
                 WHERE message_id = ?1",
                params![id, reason, to_db(now)],
            )?;
            events::insert(
                conn,
                "send_failed",
                Some(ticket),
                &serde_json::json!({ "message_id": id, "reason": reason }),
                now,
            )?;
            return Ok(Some((ticket, to)));
        }
    }
    Ok(None)
}
