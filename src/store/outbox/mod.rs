//! The `outbox` table: mail waiting to be sent, queued in the same transaction as the change
//! that causes it. Each row keeps its Message-ID for life, so every retry sends the same
//! message. Sent notifications and confirmations are recorded on the ticket's thread when they
//! go out; a reply's thread entry exists from the moment it is queued.
//!
//! Here: the kinds, queueing, what is due, and recording what happened to a send. Beside it:
//! `budget` (what left in the last 24 hours, holding mail back), `digest` (notifications held
//! for a digest), `failed` (what could not be sent, and sending it again), `reply` (a reply's
//! thread entry and content).

mod budget;
mod digest;
mod failed;
mod reply;
mod sent_copy;
pub use sent_copy::{copies_due, mark_copied, SentCopy};

pub use budget::{count_kind_since, count_since, has_bounced, hold, sent_since};
pub use digest::{
    drop_empty_digest, held_notifications, hold_for_digest, mark_digested, notifications_since,
    HeldNotification,
};
pub use failed::{failed, queued, requeue, requeue_failed, FailedMail};
pub use reply::{queue_reply, reply_content, NewReply, ReplyContent};

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
    /// A copy is to be filed in Sent (`[mail] save_sent`; mail to visitors only).
    pub copy: bool,
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
             hold = NULL, sent_copy = CASE WHEN ?3 THEN 'due' END
         WHERE id = ?1",
        params![item.id, at, sent.copy],
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
            copy: false,
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
            copy: false,
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
