//! The owner's reply: its thread entry, attachments and outbox row, queued together.

use super::super::events;
use super::super::Result;
use super::{enqueue, Kind};
use crate::clock::to_db;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

/// What a queued reply needs to be composed: its text, threading ids and attachments.
pub struct ReplyContent {
    pub text: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub attachments: Vec<(String, String, Vec<u8>)>,
}

pub fn reply_content(conn: &Connection, message_row: i64) -> Result<ReplyContent> {
    let (text, in_reply_to, refs): (String, Option<String>, Option<String>) = conn.query_row(
        "SELECT text, in_reply_to, refs FROM messages WHERE id = ?1",
        [message_row],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT name, content_type, data FROM attachments WHERE message = ?1 ORDER BY id",
    )?;
    let attachments = stmt
        .query_map([message_row], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ReplyContent {
        text,
        in_reply_to,
        references: refs
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        attachments,
    })
}

/// A reply to queue: the thread entry, its attachments and the outbox row, in one go.
pub struct NewReply<'a> {
    pub ticket_row: i64,
    pub from: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub attachments: &'a [(String, String, Vec<u8>)],
}

/// Queues a reply; `message_id` turns the new thread row id into the signed Message-ID.
pub fn queue_reply(
    conn: &Connection,
    reply: &NewReply<'_>,
    message_id: impl Fn(i64) -> String,
    now: DateTime<Utc>,
) -> Result<(i64, String)> {
    // Thread the answer onto everything the visitor has seen or will see before it:
    // In-Reply-To the visitor's latest mail (or our latest to them), References all those
    // ids, oldest first, capped like mail clients do. A confirmation still in the outbox
    // counts (its Message-ID is fixed when it is queued, and it leaves first), so a reply
    // queued a moment after the ticket threads the same as one queued an hour later. The
    // owner's notifications are left out: the visitor never had them.
    let mut stmt = conn.prepare_cached(
        "SELECT direction, message_id, at, id FROM messages
         WHERE ticket = ?1 AND message_id IS NOT NULL AND coalesce(kind, '') <> 'notification'
         UNION ALL
         SELECT 'out', message_id, created_at, 0 FROM outbox
         WHERE ticket = ?1 AND kind = 'confirmation' AND message IS NULL
             AND state IN ('queued', 'held')
             AND message_id NOT IN (SELECT message_id FROM messages WHERE ticket = ?1
                 AND message_id IS NOT NULL)
         ORDER BY 3, 4",
    )?;
    let known: Vec<(String, String)> = stmt
        .query_map([reply.ticket_row], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let in_reply_to = known
        .iter()
        .rev()
        .find(|(d, _)| d == "in")
        .or(known.last())
        .map(|(_, id)| id.clone());
    let refs: Vec<&str> = known
        .iter()
        .rev()
        .take(20)
        .rev()
        .map(|(_, id)| id.as_str())
        .collect();
    let at = to_db(now);
    conn.execute(
        "INSERT INTO messages (ticket, direction, kind, from_addr, to_addrs, subject, text, body,
             in_reply_to, refs, state, at)
         VALUES (?1, 'out', 'reply', ?2, ?3, ?4, ?5, ?5, ?6, ?7, 'queued', ?8)",
        params![
            reply.ticket_row,
            reply.from,
            reply.to,
            reply.subject,
            reply.text,
            in_reply_to,
            refs.join(" "),
            at
        ],
    )?;
    let row = conn.last_insert_rowid();
    let mid = message_id(row);
    conn.execute(
        "UPDATE messages SET message_id = ?2 WHERE id = ?1",
        params![row, mid],
    )?;
    for (name, content_type, data) in reply.attachments {
        conn.execute(
            "INSERT INTO attachments (message, name, content_type, size, data) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![row, name, content_type, data.len() as i64, data],
        )?;
    }
    enqueue(
        conn,
        Kind::Reply,
        reply.ticket_row,
        Some(row),
        &mid,
        reply.to,
        now,
    )?;
    conn.execute(
        // Pending ends a snooze (only open tickets are snoozed: docs/architecture.md, "Snooze").
        "UPDATE tickets SET status = 'pending', unread = 0, snoozed_until = NULL, updated_at = ?2
         WHERE id = ?1",
        params![reply.ticket_row, at],
    )?;
    events::insert(
        conn,
        "reply_queued",
        Some(reply.ticket_row),
        &serde_json::json!({ "message_id": mid, "to": reply.to }),
        now,
    )?;
    Ok((row, mid))
}
