//! The counts the sending budget and the caps on automatic mail are decided on, and holding a
//! mail back.

use super::super::Result;
use super::Kind;
use crate::clock::{from_db, to_db};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

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
