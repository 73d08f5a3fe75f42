//! WAL checkpoints off the commit path. The writer connection has `wal_autocheckpoint = 0`;
//! this thread runs a PASSIVE checkpoint (never blocks the writer or readers) on its own
//! connection every 200 ms (a no-op when nothing is new), and stops when the store is dropped. If it cannot
//! keep up, the WAL only grows; nothing is lost, and SQLite recovers it on the next open.

use super::conn::open_connection;
use std::path::PathBuf;
use std::sync::Weak;
use std::time::Duration;

const EVERY: Duration = Duration::from_millis(200);

pub fn spawn(path: PathBuf, alive: Weak<()>) {
    let spawned = std::thread::Builder::new()
        .name("deskbell-checkpoint".into())
        .spawn(move || {
            let conn = match open_connection(&path) {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot open a checkpoint connection");
                    return;
                }
            };
            while alive.strong_count() > 0 {
                std::thread::sleep(EVERY);
                // (busy, wal frames, checkpointed frames)
                let res: rusqlite::Result<(i64, i64, i64)> =
                    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    });
                if let Err(e) = res {
                    tracing::debug!(error = %e, "checkpoint skipped");
                }
            }
            // Last one out folds the WAL back into the database.
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start the checkpoint thread");
    }
}
