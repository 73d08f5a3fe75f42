//! Backups (docs/architecture.md, "Backups and export"): one file that holds everything a
//! restore needs — the whole store (tickets, threads, attachments, websites with their
//! tokens, sync state) and the install key that signs Message-IDs and reach probes — taken
//! while Deskbell serves.
//!
//! The file is a SQLite database: `VACUUM INTO` writes a consistent snapshot of the store in
//! one read transaction (writers go on; what committed before it began is in it, nothing
//! half-written is), then a table of its own, `deskbell_backup`, gets the format, the time
//! and the install key. It is written beside its final name and renamed into place, so a
//! backup file is whole or absent. Passwords are not in it: they stay in the keychain.
//!
//! Restore goes only into an empty data directory unless forced, and then moves what was
//! there aside instead of deleting it. Daily backups ([`run_daily`]) keep the newest
//! `[backup] keep`.

use crate::secrets::INSTALL_KEY_FILE;
use crate::store::{migrations, open_connection, DB_FILE};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};

/// The layout of `deskbell_backup`; a restore refuses a file of another.
pub const FORMAT: i64 = 1;
/// Daily backups are named `deskbell-YYYYMMDD-HHMMSS.backup` (UTC).
const PREFIX: &str = "deskbell-";
const SUFFIX: &str = ".backup";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("there is no store in {0} to back up")]
    NoStore(PathBuf),
    #[error("{0} already exists; choose another file name")]
    Exists(PathBuf),
    #[error("{path} is not a Deskbell backup: {why}")]
    NotABackup { path: PathBuf, why: String },
    #[error(
        "{0} is not empty; restore into an empty data directory, or pass --force to move what \
         is there aside first"
    )]
    NotEmpty(PathBuf),
}

type Result<T> = std::result::Result<T, BackupError>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BackupInfo {
    pub file: PathBuf,
    pub created_at: DateTime<Utc>,
    pub tickets: i64,
    pub messages: i64,
    pub sites: i64,
    pub bytes: u64,
}

/// Writes a backup of the store in `data_dir` to `out` (which must not exist).
pub fn backup(data_dir: &Path, out: &Path, now: DateTime<Utc>) -> Result<BackupInfo> {
    let db = data_dir.join(DB_FILE);
    if !db.exists() {
        return Err(BackupError::NoStore(data_dir.to_path_buf()));
    }
    if out.exists() {
        return Err(BackupError::Exists(out.to_path_buf()));
    }
    // Made on first use like everywhere else (a store whose owner never set an address).
    crate::secrets::install_secret(data_dir).map_err(io(&data_dir.join(INSTALL_KEY_FILE)))?;
    let key = std::fs::read_to_string(data_dir.join(INSTALL_KEY_FILE))
        .map_err(io(&data_dir.join(INSTALL_KEY_FILE)))?;
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let partial = partial_name(out);
    let _ = std::fs::remove_file(&partial);
    let result = (|| {
        let conn = open_connection(&db)?;
        conn.execute("VACUUM INTO ?1", [partial.to_string_lossy()])?;
        drop(conn);
        let copy = Connection::open(&partial)?;
        copy.execute_batch(
            "CREATE TABLE deskbell_backup (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
        )?;
        for (k, v) in [
            ("format", FORMAT.to_string()),
            ("created_at", crate::clock::to_db(now)),
            ("install_key", key.trim().to_string()),
        ] {
            copy.execute("INSERT INTO deskbell_backup VALUES (?1, ?2)", [k, &v])?;
        }
        copy.close().map_err(|(_, e)| e)?;
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(io(&partial))?;
        std::fs::rename(&partial, out).map_err(io(out))?;
        if let Some(dir) = dir {
            let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
        }
        inspect(out)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn partial_name(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

/// Reads what the backup `file` holds, checking it whole (`PRAGMA integrity_check`).
pub fn inspect(file: &Path) -> Result<BackupInfo> {
    let not = |why: &str| BackupError::NotABackup {
        path: file.to_path_buf(),
        why: why.to_string(),
    };
    if !file.is_file() {
        return Err(not("no such file"));
    }
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|_| not("not a database"))?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|_| not("not a database"))?;
    if check != "ok" {
        return Err(not(&format!("damaged ({check})")));
    }
    let meta = |key: &str| -> Result<Option<String>> {
        conn.query_row(
            "SELECT value FROM deskbell_backup WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()
        .map_err(|_| not("no backup record in it"))
    };
    let format: i64 = meta("format")?
        .and_then(|f| f.parse().ok())
        .ok_or_else(|| not("no format"))?;
    if format != FORMAT {
        return Err(not(&format!(
            "format {format}, this Deskbell reads {FORMAT}"
        )));
    }
    let key = meta("install_key")?.unwrap_or_default();
    if hex::decode(&key).map(|k| k.len()) != Ok(32) {
        return Err(not("no install key"));
    }
    let created_at = meta("created_at")?
        .and_then(|t| crate::clock::from_db(&t))
        .ok_or_else(|| not("no time"))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = crate::store::LATEST_VERSION;
    if version > known {
        return Err(not(&format!(
            "made by a newer Deskbell (store version {version}, this one knows {known})"
        )));
    }
    let count = |table: &str| -> Result<i64> {
        Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok(BackupInfo {
        file: file.to_path_buf(),
        created_at,
        tickets: count("tickets")?,
        messages: count("messages")?,
        sites: count("sites")?,
        bytes: std::fs::metadata(file).map_err(io(file))?.len(),
    })
}

/// What a restore did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Restored {
    pub backup: BackupInfo,
    /// Where what was in the data directory went (`--force` only).
    pub moved_aside: Option<PathBuf>,
}

/// Restores the backup `file` into `data_dir`: empty (or absent) unless `force`, which moves
/// its files into `data_dir/replaced-<time>/` first. Deskbell must not be running on it.
pub fn restore(file: &Path, data_dir: &Path, force: bool, now: DateTime<Utc>) -> Result<Restored> {
    let info = inspect(file)?;
    std::fs::create_dir_all(data_dir).map_err(io(data_dir))?;
    let present: Vec<PathBuf> = std::fs::read_dir(data_dir)
        .map_err(io(data_dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let mut moved_aside = None;
    if !present.is_empty() {
        if !force {
            return Err(BackupError::NotEmpty(data_dir.to_path_buf()));
        }
        let aside = data_dir.join(format!("replaced-{}", now.format("%Y%m%d-%H%M%S")));
        std::fs::create_dir(&aside).map_err(io(&aside))?;
        for p in present {
            let to = aside.join(p.file_name().unwrap_or_default());
            std::fs::rename(&p, &to).map_err(io(&p))?;
        }
        moved_aside = Some(aside);
    }
    let db = data_dir.join(DB_FILE);
    let partial = partial_name(&db);
    std::fs::copy(file, &partial).map_err(io(&partial))?;
    let key: String = {
        let conn = Connection::open(&partial)?;
        let key: String = conn.query_row(
            "SELECT value FROM deskbell_backup WHERE key = 'install_key'",
            [],
            |r| r.get(0),
        )?;
        conn.execute_batch("DROP TABLE deskbell_backup")?;
        conn.close().map_err(|(_, e)| e)?;
        key
    };
    write_private(&data_dir.join(INSTALL_KEY_FILE), key.as_bytes())?;
    std::fs::rename(&partial, &db).map_err(io(&db))?;
    // Opening migrates a backup made by an older Deskbell forward.
    let mut conn = open_connection(&db)?;
    migrations()
        .to_latest(&mut conn)
        .map_err(crate::store::StoreError::Migrate)?;
    Ok(Restored {
        backup: info,
        moved_aside,
    })
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(io(path))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(io(path))
}

/// The daily backup files in `dir`, newest first, with their times (from their names).
pub fn daily_files(dir: &Path) -> Vec<(DateTime<Utc>, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(DateTime<Utc>, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
            let at = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S").ok()?;
            Some((at.and_utc(), e.path()))
        })
        .collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    files
}

/// The daily backup due at `now`, if the newest in `dir` is a day old (or there is none):
/// made, then the oldest beyond `keep` removed. Returns the new backup.
pub fn daily(
    data_dir: &Path,
    dir: &Path,
    keep: usize,
    now: DateTime<Utc>,
) -> Result<Option<BackupInfo>> {
    let newest = daily_files(dir).first().map(|(at, _)| *at);
    if newest.is_some_and(|at| now - at < chrono::Duration::hours(24) && at <= now) {
        return Ok(None);
    }
    let out = dir.join(format!("{PREFIX}{}{SUFFIX}", now.format("%Y%m%d-%H%M%S")));
    let made = backup(data_dir, &out, now)?;
    for (_, old) in daily_files(dir).into_iter().skip(keep.max(1)) {
        if let Err(e) = std::fs::remove_file(&old) {
            tracing::warn!(file = %old.display(), "cannot remove an old backup: {e}");
        }
    }
    Ok(Some(made))
}

/// After this long running, the first look for a due daily backup (a short command-line run
/// or test never makes one; a desktop session does).
pub const FIRST_LOOK: std::time::Duration = std::time::Duration::from_secs(120);

/// Makes the daily backup when due: first after `first_look`, then every hour until `stop`.
pub async fn run_daily(
    data_dir: PathBuf,
    dir: PathBuf,
    keep: usize,
    first_look: std::time::Duration,
    clock: crate::clock::SharedClock,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    tokio::select! {
        _ = tokio::time::sleep(first_look) => {}
        _ = stop.wait_for(|s| *s) => return,
    }
    loop {
        let (d, b, now) = (data_dir.clone(), dir.clone(), clock.now());
        match tokio::task::spawn_blocking(move || daily(&d, &b, keep, now)).await {
            Ok(Ok(Some(made))) => tracing::info!(
                file = %made.file.display(),
                tickets = made.tickets,
                "daily backup made"
            ),
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tracing::warn!("the daily backup failed: {e}"),
            Err(e) => tracing::warn!("the daily backup stopped: {e}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(3600)) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_files_are_found_by_name_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "deskbell-20261201-010000.backup",
            "deskbell-20261130-230000.backup",
            "deskbell-2026.backup",
            "notes.txt",
            "deskbell-20261202-000000.backup.partial",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let found: Vec<String> = daily_files(dir.path())
            .into_iter()
            .map(|(_, p)| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            found,
            [
                "deskbell-20261201-010000.backup",
                "deskbell-20261130-230000.backup"
            ]
        );
    }
}
