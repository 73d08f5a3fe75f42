//! The `events` table: a durable log of what happened (ticket created, reply received, send
//! failed …), written in the same transaction as the change it describes.

use super::Result;
use crate::clock::to_db;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

pub fn insert(
    conn: &Connection,
    kind: &str,
    ticket_row: Option<i64>,
    detail: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached("INSERT INTO events (kind, ticket, detail, at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![kind, ticket_row, detail.to_string(), to_db(at)])?;
    Ok(())
}
