//! The single writer. One OS thread owns the write connection. It takes the first job waiting,
//! then every job already queued behind it (up to [`MAX_BATCH`]), runs them in one
//! `BEGIN IMMEDIATE … COMMIT`, each inside its own savepoint, and answers each caller only after
//! the commit returned. Under load many requests share one fsync; alone, a request pays one.
//!
//! What must stay true: no caller hears "ok" before its rows are committed; one failing job
//! never takes its neighbours' writes with it; a commit failure fails every job of the batch.

use super::{Result, StoreError};
use rusqlite::Connection;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use tokio::sync::oneshot;

/// Upper bound on jobs per transaction, so one batch never holds the write lock for long.
const MAX_BATCH: usize = 1024;

/// How jobs map to transactions. `Naive` (one transaction per job) exists for the benchmark's
/// comparison and as a diagnostic switch; it is the same code with a batch size of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CommitMode {
    #[default]
    Group,
    Naive,
}

type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> Finish + Send>;

#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    pub fn start(conn: Connection, mode: CommitMode) -> Self {
        let (jobs, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("deskbell-writer".into())
            .spawn(move || run(conn, rx, mode))
            .expect("spawn the store writer thread");
        Self { jobs }
    }

    pub async fn run<R, F>(&self, f: F) -> Result<R>
    where
        F: FnOnce(&Connection) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let outcome = in_savepoint(conn, f);
            Box::new(move |commit| {
                let answer = match (outcome, commit) {
                    (Err(e), _) => Err(e),
                    (Ok(_), Err(e)) => Err(StoreError::Commit(e)),
                    (Ok(v), Ok(())) => Ok(v),
                };
                let _ = tx.send(answer);
            })
        });
        self.jobs.send(job).map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }
}

fn in_savepoint<R>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<R>) -> Result<R> {
    conn.execute_batch("SAVEPOINT job")?;
    let outcome = catch_unwind(AssertUnwindSafe(|| f(conn))).unwrap_or(Err(StoreError::Panicked));
    match &outcome {
        Ok(_) => conn.execute_batch("RELEASE job")?,
        Err(_) => conn.execute_batch("ROLLBACK TO job; RELEASE job")?,
    }
    outcome
}

fn run(conn: Connection, rx: mpsc::Receiver<Job>, mode: CommitMode) {
    let max = match mode {
        CommitMode::Group => MAX_BATCH,
        CommitMode::Naive => 1,
    };
    // `recv` fails only once every sender is gone and the queue is drained: queued jobs are
    // always committed before the thread ends.
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < max {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            let reason = e.to_string();
            for job in batch {
                // The job never runs; its caller hears why.
                drop(job);
                tracing::error!(error = %reason, "cannot begin a write transaction");
            }
            continue;
        }
        let finishes: Vec<Finish> = batch.into_iter().map(|job| job(&conn)).collect();
        let commit = conn.execute_batch("COMMIT").map_err(|e| e.to_string());
        if let Err(e) = &commit {
            tracing::error!(error = %e, "commit failed; rolling back the batch");
            let _ = conn.execute_batch("ROLLBACK");
        }
        for finish in finishes {
            finish(commit.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer(mode: CommitMode) -> (tempfile::TempDir, Writer) {
        let dir = tempfile::tempdir().unwrap();
        let conn = super::super::open_connection(&dir.path().join("w.sqlite3")).unwrap();
        conn.execute_batch("CREATE TABLE t (v INTEGER UNIQUE)")
            .unwrap();
        (dir, Writer::start(conn, mode))
    }

    #[tokio::test]
    async fn a_failing_job_does_not_undo_its_neighbours() {
        let (_dir, w) = writer(CommitMode::Group);
        let mut handles = Vec::new();
        for v in [1, 2, 2, 3] {
            let w = w.clone();
            handles.push(tokio::spawn(async move {
                w.run(move |c| Ok(c.execute("INSERT INTO t VALUES (?1)", [v])?))
                    .await
            }));
        }
        let mut ok = 0;
        for h in handles {
            if h.await.unwrap().is_ok() {
                ok += 1;
            }
        }
        assert_eq!(ok, 3, "the duplicate fails alone");
        let n: i64 = w
            .run(|c| Ok(c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))?))
            .await
            .unwrap();
        assert_eq!(n, 3);
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_and_the_writer_lives_on() {
        let (_dir, w) = writer(CommitMode::Naive);
        let r: Result<()> = w.run(|_| panic!("boom")).await;
        assert!(matches!(r, Err(StoreError::Panicked)));
        let n: i64 = w
            .run(|c| Ok(c.query_row("SELECT 41 + 1", [], |r| r.get(0))?))
            .await
            .unwrap();
        assert_eq!(n, 42);
    }
}
