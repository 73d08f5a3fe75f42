//! The `ticket_tags` table. Tags arrive already normalised (`domain::tags`); this only
//! replaces a ticket's set. Tickets read their tags back with the ticket (`tickets::COLUMNS`).

use super::{events, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

/// Replaces the tags of the ticket at `ticket_row` with `tags`. Tagging is not activity:
/// `updated_at` (the list order) stays as it was.
pub fn replace(
    conn: &Connection,
    ticket_row: i64,
    tags: &[String],
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute("DELETE FROM ticket_tags WHERE ticket = ?1", [ticket_row])?;
    let mut insert =
        conn.prepare_cached("INSERT OR IGNORE INTO ticket_tags (ticket, tag) VALUES (?1, ?2)")?;
    for tag in tags {
        insert.execute(params![ticket_row, tag])?;
    }
    events::insert(
        conn,
        "tags_set",
        Some(ticket_row),
        &serde_json::json!({ "tags": tags }),
        now,
    )
}

/// Every tag in use, with how many tickets carry it, most used first (for suggestions).
pub fn in_use(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT tag, count(*) AS n FROM ticket_tags GROUP BY tag ORDER BY n DESC, tag",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
