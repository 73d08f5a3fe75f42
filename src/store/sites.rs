//! The `sites` table: websites allowed to post tickets, their bot tokens and CORS origins.

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
    let origins_json = serde_json::to_string(origins).expect("strings serialise");
    let inserted = conn.execute(
        "INSERT INTO sites (name, bot_token, origins, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![name, bot_token, origins_json, to_db(now)],
    );
    match inserted {
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            return Err(StoreError::Conflict(format!(
                "a site named {name:?} already exists"
            )))
        }
        other => other?,
    };
    Ok(Site {
        id: conn.last_insert_rowid(),
        name: name.to_string(),
        bot_token: bot_token.to_string(),
        origins: origins.to_vec(),
        created_at: now,
    })
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
