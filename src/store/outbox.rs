//! The `outbox` table: mail waiting to be sent, queued in the same transaction as the change
//! that causes it. Each row keeps its Message-ID for life, so every retry sends the same
//! message. Sent notifications and confirmations are recorded on the ticket's thread when they
//! go out; a reply's thread entry exists from the moment it is queued.

use super::{events, Result};
use crate::clock::{from_db, to_db};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "MailKind"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Notification,
    Confirmation,
    Reply,
    /// One mail to the owner listing the new tickets of a busy stretch (no ticket of its own).
    Digest,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Notification => "notification",
            Kind::Confirmation => "confirmation",
            Kind::Reply => "reply",
            Kind::Digest => "digest",
        }
    }

    /// Mail Deskbell sends by itself (not the owner's words): it never uses the part of the
    /// daily budget kept for the owner's replies.
    pub fn is_automatic(self) -> bool {
        !matches!(self, Kind::Reply)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "notification" => Ok(Kind::Notification),
            "confirmation" => Ok(Kind::Confirmation),
            "reply" => Ok(Kind::Reply),
            "digest" => Ok(Kind::Digest),
            other => Err(format!("unknown outbox kind {other:?}")),
        }
    }
}

/// One queued mail, as the worker needs it.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: i64,
    pub kind: Kind,
    /// `None` for a digest.
    pub ticket_row: Option<i64>,
    pub message_row: Option<i64>,
    pub message_id: String,
    pub rcpt: String,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
}

pub fn enqueue(
    conn: &Connection,
    kind: Kind,
    ticket_row: i64,
    message_row: Option<i64>,
    message_id: &str,
    rcpt: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let at = to_db(now);
    conn.prepare_cached(
        "INSERT INTO outbox (kind, ticket, message, message_id, rcpt, next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![
        kind.as_str(),
        ticket_row,
        message_row,
        message_id,
        rcpt.to_ascii_lowercase(),
        at
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Owner notifications queued since `since` (sent, waiting or held for a digest): how fast
/// new tickets come.
pub fn notifications_since(conn: &Connection, since: DateTime<Utc>) -> Result<i64> {
    count_kind_since(conn, Kind::Notification, since)
}

/// Queues an owner notification held for the next digest, and makes sure a digest is queued:
/// the waiting one, or a new one (Message-ID `digest_message_id`) due at `digest_due`.
pub fn hold_for_digest(
    conn: &Connection,
    ticket_row: i64,
    message_id: &str,
    owner: &str,
    digest_message_id: &str,
    digest_due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let id = enqueue(
        conn,
        Kind::Notification,
        ticket_row,
        None,
        message_id,
        owner,
        now,
    )?;
    conn.execute("UPDATE outbox SET state = 'held' WHERE id = ?1", [id])?;
    let waiting: Option<i64> = conn
        .query_row(
            "SELECT id FROM outbox WHERE kind = 'digest' AND state = 'queued' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if waiting.is_none() {
        conn.prepare_cached(
            "INSERT INTO outbox (kind, ticket, message_id, rcpt, next_attempt_at, created_at)
             VALUES ('digest', NULL, ?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            digest_message_id,
            owner.to_ascii_lowercase(),
            to_db(digest_due),
            to_db(now)
        ])?;
    }
    Ok(())
}

/// A notification waiting in the digest: (outbox id, ticket id, visitor, issue, created).
pub type HeldNotification = (i64, String, String, String, DateTime<Utc>);

/// The notifications the next digest lists, oldest first.
pub fn held_notifications(conn: &Connection) -> Result<Vec<HeldNotification>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, t.ticket_id, t.visitor_name, t.issue, t.created_at
         FROM outbox o JOIN tickets t ON t.id = o.ticket
         WHERE o.state = 'held' AND o.kind = 'notification' ORDER BY o.id",
    )?;
    let rows = stmt.query_map([], |r| {
        let at: String = r.get(4)?;
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            from_db(&at).unwrap_or_default(),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// After a digest left: the notifications it listed are done (`digested`, pointing at it).
pub fn mark_digested(conn: &Connection, digest: i64, listed: &[i64]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE outbox SET state = 'digested', digest = ?1 WHERE id = ?2 AND state = 'held'",
    )?;
    for id in listed {
        stmt.execute(params![digest, id])?;
    }
    Ok(())
}

/// A digest found nothing to list (its notifications went another way): it is done.
pub fn drop_empty_digest(conn: &Connection, digest: i64) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'digested' WHERE id = ?1 AND kind = 'digest'",
        [digest],
    )?;
    Ok(())
}

/// How many mails of `kind` went (or are going) to `rcpt` since `since`: the basis of the
/// per-recipient cap on automatic mail.
pub fn count_since(conn: &Connection, kind: Kind, rcpt: &str, since: DateTime<Utc>) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM outbox WHERE kind = ?1 AND rcpt = ?2 AND created_at >= ?3",
        )?
        .query_row(
            params![kind.as_str(), rcpt.to_ascii_lowercase(), to_db(since)],
            |r| r.get(0),
        )?)
}

/// How many mails of `kind` were queued since `since`, to any address: the global cap on
/// confirmations.
pub fn count_kind_since(conn: &Connection, kind: Kind, since: DateTime<Utc>) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM outbox WHERE kind = ?1 AND created_at >= ?2")?
        .query_row(params![kind.as_str(), to_db(since)], |r| r.get(0))?)
}

/// Whether mail to `rcpt` ever bounced.
pub fn has_bounced(conn: &Connection, rcpt: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE rcpt = ?1 AND bounced_at IS NOT NULL)",
        )?
        .query_row([rcpt.to_ascii_lowercase()], |r| r.get(0))?)
}

/// Messages that left since `since` (each counts once against the daily budget, whatever its
/// kind), and the earliest of those departures: one more may leave 24 h after it.
pub fn sent_since(conn: &Connection, since: DateTime<Utc>) -> Result<(i64, Option<DateTime<Utc>>)> {
    let (n, first): (i64, Option<String>) = conn
        .prepare_cached("SELECT count(*), min(sent_at) FROM outbox WHERE sent_at >= ?1")?
        .query_row([to_db(since)], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((n, first.as_deref().and_then(from_db)))
}

/// Holds a queued mail back until `until` for `why` (the budget): it stays queued, visible,
/// and is tried again then. No attempt is counted.
pub fn hold(conn: &Connection, id: i64, until: DateTime<Utc>, why: &str) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET next_attempt_at = ?2, hold = ?3 WHERE id = ?1 AND state = 'queued'",
        params![id, to_db(until), why],
    )?;
    Ok(())
}

/// Queued mail whose time has come, oldest first.
pub fn due(conn: &Connection, now: DateTime<Utc>, limit: u32) -> Result<Vec<Item>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, ticket, message, message_id, rcpt, attempts, created_at FROM outbox
         WHERE state = 'queued' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![to_db(now), limit], |r| {
        let kind: String = r.get(1)?;
        let created: String = r.get(7)?;
        Ok(Item {
            id: r.get(0)?,
            kind: kind.parse().unwrap_or(Kind::Notification),
            ticket_row: r.get(2)?,
            message_row: r.get(3)?,
            message_id: r.get(4)?,
            rcpt: r.get(5)?,
            attempts: r.get(6)?,
            created_at: from_db(&created).unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// When the next queued mail is due, if any.
pub fn next_due(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let next: Option<String> = conn
        .query_row(
            "SELECT min(next_attempt_at) FROM outbox WHERE state = 'queued'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(next.as_deref().and_then(from_db))
}

/// What was sent, for the thread.
pub struct Sent<'a> {
    pub from: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub raw: &'a [u8],
}

pub fn mark_sent(
    conn: &Connection,
    item: &Item,
    sent: &Sent<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = to_db(now);
    conn.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?2, attempts = attempts + 1, last_error = NULL,
             hold = NULL
         WHERE id = ?1",
        params![item.id, at],
    )?;
    let Some(ticket_row) = item.ticket_row else {
        // A digest: it belongs to no ticket's thread.
        return events::insert(
            conn,
            "mail_sent",
            None,
            &serde_json::json!({ "kind": item.kind, "to": item.rcpt, "message_id": item.message_id }),
            now,
        );
    };
    let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(sent.raw));
    match item.message_row {
        Some(row) => {
            conn.execute(
                "UPDATE messages SET state = 'sent', error = NULL, raw = ?2, raw_sha256 = ?3,
                     subject = ?4, at = ?5 WHERE id = ?1",
                params![row, sent.raw, digest, sent.subject, at],
            )?;
        }
        None => {
            conn.execute(
                "INSERT INTO messages (ticket, direction, kind, message_id, from_addr, to_addrs,
                     subject, text, body, raw, raw_sha256, state, at)
                 VALUES (?1, 'out', ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, 'sent', ?10)",
                params![
                    ticket_row,
                    item.kind.as_str(),
                    item.message_id,
                    sent.from,
                    item.rcpt,
                    sent.subject,
                    sent.text,
                    sent.raw,
                    digest,
                    at
                ],
            )?;
        }
    }
    events::insert(
        conn,
        "mail_sent",
        Some(ticket_row),
        &serde_json::json!({ "kind": item.kind, "to": item.rcpt, "message_id": item.message_id }),
        now,
    )
}

pub fn mark_retry(conn: &Connection, item: &Item, next: DateTime<Utc>, error: &str) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3
         WHERE id = ?1",
        params![item.id, to_db(next), error],
    )?;
    Ok(())
}

pub fn mark_failed(conn: &Connection, item: &Item, error: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
        params![item.id, error],
    )?;
    if let Some(row) = item.message_row {
        conn.execute(
            "UPDATE messages SET state = 'failed', error = ?2 WHERE id = ?1",
            params![row, error],
        )?;
    }
    events::insert(
        conn,
        "send_failed",
        item.ticket_row,
        &serde_json::json!({ "kind": item.kind, "to": item.rcpt, "reason": error }),
        now,
    )
}

/// Counts by state, for `doctor` and the desktop's status line.
pub fn counts(conn: &Connection) -> Result<(i64, i64, i64)> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(state = 'queued'), 0), coalesce(sum(state = 'sent'), 0),
                coalesce(sum(state = 'failed'), 0) FROM outbox",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

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
    // Thread the answer onto everything already said: In-Reply-To the visitor's latest mail
    // (or our latest), References all known ids, oldest first, capped like mail clients do.
    let mut stmt = conn.prepare_cached(
        "SELECT direction, message_id FROM messages
         WHERE ticket = ?1 AND message_id IS NOT NULL ORDER BY at, id",
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
        "UPDATE tickets SET status = 'pending', unread = 0, updated_at = ?2 WHERE id = ?1",
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = super::super::conn::open_connection(&dir.path().join("t.sqlite3")).unwrap();
        super::super::conn::migrations()
            .to_latest(&mut conn)
            .unwrap();
        conn.execute_batch(
            "INSERT INTO tickets (id, ticket_id, channel, visitor_name, visitor_email, issue,
                 created_at, updated_at)
             VALUES (1, 'TKT-20260101-0001', 'web', 'Ana', 'ana@example.com', 'x',
                 '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');",
        )
        .unwrap();
        (dir, conn)
    }

    fn item(conn: &Connection, id: i64) -> Item {
        due(conn, "2100-01-01T00:00:00Z".parse().unwrap(), 1000)
            .unwrap()
            .into_iter()
            .find(|i| i.id == id)
            .unwrap()
    }

    #[test]
    fn the_rolling_day_counts_what_left_and_knows_when_a_slot_frees() {
        let (_d, conn) = db();
        let t0: DateTime<Utc> = "2026-11-30T08:00:00Z".parse().unwrap();
        let sent = Sent {
            from: "rosa@example.com",
            subject: "s",
            text: "t",
            raw: b"raw",
        };
        for h in 0..3 {
            let id = enqueue(
                &conn,
                Kind::Notification,
                1,
                None,
                &format!("m{h}@x"),
                "rosa@x",
                t0,
            )
            .unwrap();
            mark_sent(&conn, &item(&conn, id), &sent, t0 + Duration::hours(h * 10)).unwrap();
        }
        // Queued and failed mail does not count; only departures.
        enqueue(&conn, Kind::Reply, 1, None, "q@x", "ana@x", t0).unwrap();
        let day_after = |at: DateTime<Utc>| sent_since(&conn, at - Duration::hours(24)).unwrap();
        assert_eq!(day_after(t0 + Duration::hours(21)), (3, Some(t0)));
        // 24 h after the first departure it no longer counts.
        assert_eq!(
            day_after(t0 + Duration::hours(25)),
            (2, Some(t0 + Duration::hours(10)))
        );
        assert_eq!(day_after(t0 + Duration::hours(60)), (0, None));
    }

    #[test]
    fn a_held_mail_stays_queued_with_its_reason_until_it_leaves() {
        let (_d, conn) = db();
        let t0: DateTime<Utc> = "2026-11-30T08:00:00Z".parse().unwrap();
        let id = enqueue(
            &conn,
            Kind::Confirmation,
            1,
            None,
            "c@x",
            "Ana@Example.com",
            t0,
        )
        .unwrap();
        hold(&conn, id, t0 + Duration::hours(3), "daily sending limit").unwrap();
        assert!(due(&conn, t0 + Duration::hours(2), 10).unwrap().is_empty());
        let (state, why): (String, Option<String>) = conn
            .query_row("SELECT state, hold FROM outbox WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(
            (state.as_str(), why.as_deref()),
            ("queued", Some("daily sending limit"))
        );
        let it = item(&conn, id);
        assert_eq!(it.attempts, 0, "holding is not an attempt");
        let sent = Sent {
            from: "r",
            subject: "s",
            text: "t",
            raw: b"r",
        };
        mark_sent(&conn, &it, &sent, t0 + Duration::hours(3)).unwrap();
        let why: Option<String> = conn
            .query_row("SELECT hold FROM outbox WHERE id = ?1", [id], |r| r.get(0))
            .unwrap();
        assert_eq!(why, None);
        assert_eq!(count_kind_since(&conn, Kind::Confirmation, t0).unwrap(), 1);
        assert_eq!(count_kind_since(&conn, Kind::Reply, t0).unwrap(), 0);
        assert_eq!(
            count_kind_since(&conn, Kind::Confirmation, t0 + Duration::seconds(1)).unwrap(),
            0
        );
        assert!(!has_bounced(&conn, "ana@example.com").unwrap());
        conn.execute(
            "UPDATE outbox SET bounced_at = '2026-11-30T09:00:00.000Z' WHERE id = ?1",
            [id],
        )
        .unwrap();
        assert!(has_bounced(&conn, "ANA@example.com").unwrap());
    }
}
