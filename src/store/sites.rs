//! The `sites` table: websites allowed to post tickets, their bot tokens and CORS origins.
//! Deleting a site keeps its tickets: `tickets.site_id` is `ON DELETE SET NULL` (0001).

use super::{Result, StoreError};
use crate::clock::{from_db, to_db};
use crate::domain::Site;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

const COLUMNS: &str = "id, name, bot_token, origins, created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Site> {
    let origins: String = r.get(3)?;
    let created: String = r.get(4)?;
    Ok(Site {
        id: r.get(0)?,
        name: r.get(1)?,
        bot_token: r.get(2)?,
        origins: serde_json::from_str(&origins).unwrap_or_default(),
        created_at: from_db(&created).unwrap_or_default(),
    })
}

pub fn insert(
    conn: &Connection,
    name: &str,
    bot_token: &str,
    origins: &[String],
    now: DateTime<Utc>,
) -> Result<Site> {
    let inserted = conn.execute(
        "INSERT INTO sites (name, bot_token, origins, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![name, bot_token, origins_json(origins), to_db(now)],
    );
    name_taken(inserted, name)?;
    Ok(Site {
        id: conn.last_insert_rowid(),
        name: name.to_string(),
        bot_token: bot_token.to_string(),
        origins: origins.to_vec(),
        created_at: now,
    })
}

fn origins_json(origins: &[String]) -> String {
    serde_json::to_string(origins).expect("strings serialise")
}

/// A unique-name violation becomes a conflict naming the site.
fn name_taken(done: rusqlite::Result<usize>, name: &str) -> Result<usize> {
    match done {
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(StoreError::Conflict(format!(
                "a site named {name:?} already exists"
            )))
        }
        other => Ok(other?),
    }
}

/// Renames a site and/or replaces its origins (`None` keeps what is there).
pub fn update(
    conn: &Connection,
    id: i64,
    name: Option<&str>,
    origins: Option<&[String]>,
) -> Result<Site> {
    let changed = conn.execute(
        "UPDATE sites SET name = coalesce(?2, name), origins = coalesce(?3, origins)
         WHERE id = ?1",
        params![id, name, origins.map(origins_json)],
    );
    if name_taken(changed, name.unwrap_or_default())? == 0 {
        return Err(StoreError::NotFound(format!("site {id}")));
    }
    by_id(conn, id)?.ok_or_else(|| StoreError::NotFound(format!("site {id}")))
}

/// Replaces the bot token; the old one matches nothing from this commit on.
pub fn set_token(conn: &Connection, id: i64, bot_token: &str) -> Result<Site> {
    if conn.execute(
        "UPDATE sites SET bot_token = ?2 WHERE id = ?1",
        params![id, bot_token],
    )? == 0
    {
        return Err(StoreError::NotFound(format!("site {id}")));
    }
    by_id(conn, id)?.ok_or_else(|| StoreError::NotFound(format!("site {id}")))
}

/// Deletes a site; its tickets stay (their `site_id` becomes NULL), its idempotency keys go.
pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    match conn.execute("DELETE FROM sites WHERE id = ?1", [id])? {
        0 => Err(StoreError::NotFound(format!("site {id}"))),
        _ => Ok(()),
    }
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Option<Site>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM sites WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

pub fn list(conn: &Connection) -> Result<Vec<Site>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM sites ORDER BY id"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn by_name(conn: &Connection, name: &str) -> Result<Option<Site>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM sites WHERE name = ?1"),
            [name],
            from_row,
        )
        .optional()?)
}
