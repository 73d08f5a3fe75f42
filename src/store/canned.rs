//! The `canned_replies` table. Titles and bodies arrive validated (`domain::canned`).

use super::{Result, StoreError};
use crate::clock::to_db;
use crate::domain::CannedReply;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// All of them, by title (case-insensitive), then age.
pub fn list(conn: &Connection) -> Result<Vec<CannedReply>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, body FROM canned_replies ORDER BY title COLLATE NOCASE, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(CannedReply {
            id: r.get(0)?,
            title: r.get(1)?,
            body: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Inserts (`id == None`) or updates one; an unknown id is `NotFound`.
pub fn save(
    conn: &Connection,
    id: Option<i64>,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<CannedReply> {
    let at = to_db(now);
    let id = match id {
        None => conn
            .prepare_cached(
                "INSERT INTO canned_replies (title, body, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?3) RETURNING id",
            )?
            .query_row(params![title, body, at], |r| r.get(0))?,
        Some(id) => conn
            .prepare_cached(
                "UPDATE canned_replies SET title = ?2, body = ?3, updated_at = ?4
                 WHERE id = ?1 RETURNING id",
            )?
            .query_row(params![id, title, body, at], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("canned reply {id}")))?,
    };
    Ok(CannedReply {
        id,
        title: title.to_string(),
        body: body.to_string(),
    })
}

/// Deletes one; an unknown id is `NotFound`.
pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    match conn.execute("DELETE FROM canned_replies WHERE id = ?1", [id])? {
        0 => Err(StoreError::NotFound(format!("canned reply {id}"))),
        _ => Ok(()),
    }
}
