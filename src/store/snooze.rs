//! Snoozing (`tickets.snoozed_until`, migration 0005): setting and clearing a wake time, the
//! next wake time the waker sleeps until, and waking the tickets that are due. The rules (what
//! a snooze does to a ticket's status, when it ends) are docs/architecture.md, "Snooze".

use super::tickets::{by_row, find_live};
use super::{events, Result};
use crate::clock::{from_db, to_db};
use crate::domain::{Ticket, TicketId};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// Snoozes ticket `id` until `until` (`None`: unsnoozes it). A snoozed ticket is open — one
/// that was pending or closed reopens, so it comes back to the owner when it wakes. Not
/// activity: `updated_at` stays.
pub fn set(
    conn: &Connection,
    id: &TicketId,
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    let (row, before) = find_live(conn, id)?;
    match until {
        Some(until) => {
            conn.execute(
                "UPDATE tickets SET status = 'open', snoozed_until = ?2 WHERE id = ?1",
                params![row, to_db(until)],
            )?;
        }
        None => {
            conn.execute(
                "UPDATE tickets SET snoozed_until = NULL WHERE id = ?1",
                [row],
            )?;
        }
    }
    events::insert(
        conn,
        if until.is_some() {
            "ticket_snoozed"
        } else {
            "ticket_unsnoozed"
        },
        Some(row),
        &serde_json::json!({
            "ticket_id": before.ticket_id,
            "until": until.map(to_db),
            "status": (before.status, if until.is_some() { "open" } else { before.status.as_str() }),
        }),
        now,
    )?;
    by_row(conn, row)
}

/// The soonest wake time of any snoozed ticket (past ones included: they are due).
pub fn next_wake(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let at: Option<String> = conn
        .prepare_cached("SELECT min(snoozed_until) FROM tickets WHERE snoozed_until IS NOT NULL")?
        .query_row([], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(at.as_deref().and_then(from_db))
}

/// Wakes every ticket whose time has come by `now`: the snooze cleared, the ticket unread and
/// on top of the waiting list (`updated_at = now`), an event row each. Returns them.
pub fn wake_due(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<Ticket>> {
    let now_s = to_db(now);
    let rows: Vec<i64> = conn
        .prepare_cached(
            "SELECT id FROM tickets WHERE snoozed_until IS NOT NULL AND snoozed_until <= ?1
             ORDER BY snoozed_until, id",
        )?
        .query_map([&now_s], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut woken = Vec::with_capacity(rows.len());
    for row in rows {
        let before = by_row(conn, row)?;
        conn.execute(
            "UPDATE tickets SET snoozed_until = NULL, unread = 1, updated_at = ?2 WHERE id = ?1",
            params![row, now_s],
        )?;
        events::insert(
            conn,
            "ticket_woke",
            Some(row),
            &serde_json::json!({
                "ticket_id": before.ticket_id,
                "until": before.snoozed_until.map(to_db),
            }),
            now,
        )?;
        woken.push(by_row(conn, row)?);
    }
    Ok(woken)
}
