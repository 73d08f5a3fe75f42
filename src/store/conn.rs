//! Connection set-up in one place: every connection, writer or reader, gets the same pragmas.

use super::{Result, StoreError};
use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};
use std::path::Path;
use std::time::Duration;

pub const DB_FILE: &str = "deskbell.sqlite3";

/// The embedded, numbered migrations. Append only.
const SCRIPTS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_desktop.sql"),
    include_str!("../../migrations/0003_mailbox_sync.sql"),
    include_str!("../../migrations/0004_send_budget.sql"),
    include_str!("../../migrations/0005_snooze.sql"),
    include_str!("../../migrations/0006_triage.sql"),
    include_str!("../../migrations/0007_list_indexes.sql"),
    include_str!("../../migrations/0008_ticket_search.sql"),
    include_str!("../../migrations/0009_sent_copies.sql"),
];

/// The embedded migrations, for `rusqlite_migration`.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(SCRIPTS.iter().map(|s| M::up(s)).collect())
}

/// The store version (`PRAGMA user_version`) the latest migration leaves.
pub const LATEST_VERSION: i64 = SCRIPTS.len() as i64;

/// WAL (readers never block the writer), `synchronous=FULL` (a 201 survives power loss),
/// foreign keys on, and a busy timeout so the CLI and a running `serve` can share the file.
pub fn open_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(|source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_validate() {
        migrations()
            .validate()
            .expect("migrations apply to an empty database");
    }

    #[test]
    fn pragmas_are_set() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open_connection(&dir.path().join("t.sqlite3")).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
    }

    #[test]
    fn the_outbox_rebuild_keeps_queued_and_sent_mail() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open_connection(&dir.path().join("t.sqlite3")).unwrap();
        migrations().to_version(&mut conn, 3).unwrap();
        conn.execute_batch(
            "INSERT INTO tickets (id, ticket_id, channel, visitor_name, visitor_email, issue,
                 created_at, updated_at)
             VALUES (1, 'TKT-20260101-0001', 'web', 'Ana', 'ana@example.com', 'x',
                 '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO outbox (kind, ticket, message_id, rcpt, state, attempts,
                 next_attempt_at, created_at, sent_at)
             VALUES ('reply', 1, 'r@x', 'ana@example.com', 'queued', 2,
                 '2026-01-01T01:00:00.000Z', '2026-01-01T00:00:00.000Z', NULL),
                    ('notification', 1, 'n@x', 'rosa@example.com', 'sent', 1,
                 '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z',
                 '2026-01-01T00:00:05.000Z');",
        )
        .unwrap();
        migrations().to_latest(&mut conn).unwrap();
        type Row = (String, String, i64, Option<String>, Option<String>);
        let rows: Vec<Row> = conn
            .prepare("SELECT message_id, state, attempts, sent_at, hold FROM outbox ORDER BY id")
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            rows,
            [
                ("r@x".into(), "queued".into(), 2, None, None),
                (
                    "n@x".into(),
                    "sent".into(),
                    1,
                    Some("2026-01-01T00:00:05.000Z".into()),
                    None
                ),
            ]
        );
        // The new states and kind are allowed; a digest may have no ticket.
        conn.execute_batch(
            "INSERT INTO outbox (kind, ticket, message_id, rcpt, state, next_attempt_at, created_at)
             VALUES ('digest', NULL, 'd@x', 'rosa@example.com', 'queued', '2026-01-01T00:00:00.000Z',
                 '2026-01-01T00:00:00.000Z');
             UPDATE outbox SET state = 'held' WHERE message_id = 'n@x';",
        )
        .unwrap();
    }

    #[test]
    fn tickets_from_before_snooze_read_as_not_snoozed() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open_connection(&dir.path().join("t.sqlite3")).unwrap();
        migrations().to_version(&mut conn, 4).unwrap();
        conn.execute_batch(
            "INSERT INTO tickets (id, ticket_id, channel, visitor_name, visitor_email, issue,
                 created_at, updated_at)
             VALUES (1, 'TKT-20260101-0001', 'web', 'Ana', 'ana@example.com', 'x',
                 '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');",
        )
        .unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let now = crate::clock::from_db("2026-01-02T00:00:00.000Z").unwrap();
        let open = crate::store::tickets::Filter {
            status: crate::domain::StatusFilter::Open,
            ..Default::default()
        };
        let list = crate::store::tickets::list(&conn, &open, now).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].snoozed_until, None);
        assert_eq!(crate::store::snooze::next_wake(&conn).unwrap(), None);
        let counts = crate::store::listing::counts(&conn, now).unwrap();
        assert_eq!((counts.open, counts.snoozed), (1, 0));
    }

    #[test]
    fn search_index_covers_rows_from_before_it_existed() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open_connection(&dir.path().join("t.sqlite3")).unwrap();
        migrations().to_version(&mut conn, 1).unwrap();
        conn.execute_batch(
            "INSERT INTO tickets (id, ticket_id, channel, visitor_name, visitor_email, issue,
                 created_at, updated_at)
             VALUES (1, 'TKT-20260101-0001', 'email', 'Zoë', 'zoe@example.com', 'Parcel lost',
                 '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO messages (ticket, direction, subject, text, body, at)
             VALUES (1, 'in', 'Where is it', 'crumpled box', '', '2026-01-01T00:00:00.000Z');",
        )
        .unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let hits = |table: &str, q: &str| -> i64 {
            conn.query_row(
                &format!("SELECT count(*) FROM {table} WHERE {table} MATCH ?1"),
                [q],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(hits("ticket_search", "zoe"), 1, "diacritics folded");
        assert_eq!(hits("ticket_search", "parcel"), 1);
        assert_eq!(
            hits("ticket_search", "crumpled"),
            1,
            "text stands in for an empty body"
        );
        assert_eq!(hits("ticket_search", "nothing"), 0);
    }
}
