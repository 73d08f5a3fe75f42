//! The SQLite store. It owns the schema (numbered files in `migrations/`, embedded and applied
//! on open) and the two ways in:
//! - one **writer** thread that owns the write connection and group-commits: jobs arriving
//!   together share one transaction, each in its own savepoint, and every caller is answered
//!   only after the COMMIT (with `synchronous=FULL`, after the fsync) — see [`writer`];
//! - **readers** on their own connections, pooled, run on tokio's blocking threads.
//!
//! SQL lives in one file per table; nothing outside `store` writes SQL.

pub mod canned;
mod checkpoint;
mod conn;
pub mod events;
pub mod export;
pub mod filter;
pub mod inbound;
pub mod listing;
pub mod mailbox;
pub mod notes;
pub mod outbox;
pub mod page;
pub mod search;
pub mod sites;
pub mod snooze;
pub mod tags;
pub mod tickets;
pub mod triage;
mod writer;

pub use conn::{migrations, open_connection, DB_FILE, LATEST_VERSION};
pub use writer::CommitMode;

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {path}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot migrate the database")]
    Migrate(#[source] rusqlite_migration::Error),
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot commit: {0}")]
    Commit(String),
    #[error("the store is closed")]
    Closed,
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("a store job panicked")]
    Panicked,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Cheap to clone; all clones share one writer thread and one reader pool.
#[derive(Clone)]
pub struct Store {
    writer: writer::Writer,
    readers: Arc<Readers>,
    path: PathBuf,
    /// The checkpointer thread runs while any clone of this is alive.
    _alive: Arc<()>,
}

struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

const MAX_IDLE_READERS: usize = 8;

impl Store {
    /// Opens (creating if needed) the database at `path`, applies pending migrations and
    /// starts the writer thread.
    pub fn open(path: &Path, mode: CommitMode) -> Result<Self> {
        let mut conn = open_connection(path)?;
        migrations()
            .to_latest(&mut conn)
            .map_err(StoreError::Migrate)?;
        // The planner's statistics (which index a list query takes depends on them), brought
        // up to date where they are stale or missing, with a bounded look at each table.
        conn.execute_batch("PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002;")?;
        // Checkpoints copy WAL pages into the database file and fsync it; done inside a
        // commit they stall every caller of that batch. A background thread does them instead.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let alive = Arc::new(());
        checkpoint::spawn(path.to_path_buf(), Arc::downgrade(&alive));
        Ok(Self {
            _alive: alive,
            writer: writer::Writer::start(conn, mode),
            readers: Arc::new(Readers {
                path: path.to_path_buf(),
                idle: Mutex::new(Vec::new()),
            }),
            path: path.to_path_buf(),
        })
    }

    /// Opens the store in `dir` (the data directory), creating the directory.
    pub fn open_in(dir: &Path, mode: CommitMode) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
            path: dir.to_path_buf(),
            source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
        })?;
        Self::open(&dir.join(DB_FILE), mode)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A connection of the caller's own (same pragmas as the pool's), for a worker that must
    /// keep one — e.g. to read `PRAGMA data_version`, which is per connection.
    pub fn connection(&self) -> Result<Connection> {
        open_connection(&self.path)
    }

    /// Runs `f` inside the writer's current transaction and answers once that transaction
    /// is durably committed. An error from `f` rolls back `f`'s writes only. `f` may be run
    /// twice (see [`writer`]): keep side effects outside it.
    pub async fn write<R, F>(&self, f: F) -> Result<R>
    where
        F: FnMut(&Connection) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        self.writer.run(f).await
    }

    /// Runs `f` on a reader connection on a blocking thread.
    pub async fn read<R, F>(&self, f: F) -> Result<R>
    where
        F: FnOnce(&Connection) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let readers = self.readers.clone();
        tokio::task::spawn_blocking(move || readers.with(f))
            .await
            .map_err(|_| StoreError::Panicked)?
    }
}

impl Readers {
    fn with<R>(&self, f: impl FnOnce(&Connection) -> Result<R>) -> Result<R> {
        let pooled = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match pooled {
            Some(c) => c,
            None => open_connection(&self.path)?,
        };
        let out = f(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        out
    }
}
