//! The single writer. One OS thread owns the write connection. It takes the first job waiting,
//! then every job already queued behind it (up to [`MAX_BATCH`]), runs them in one
//! `BEGIN IMMEDIATE … COMMIT`, and answers each caller only after the commit returned. Under
//! load many requests share one fsync; alone, a request pays one.
//!
//! Isolation is optimistic: a batch first runs without savepoints (a savepoint copies every
//! page a job touches into a sub-journal, which costs more than the job itself). If any job
//! fails, the whole transaction is rolled back and the batch is run again with a savepoint
//! per job, so a failing job is rolled back alone. Jobs are therefore `FnMut`: they may run
//! twice, and only the last run counts.
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

trait Job: Send {
    /// Runs the work (again, after a rollback); true if it succeeded.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers the caller with the last run's outcome and the commit's.
    fn finish(self: Box<Self>, commit: Result<(), String>);
}

struct Typed<R, F> {
    work: F,
    outcome: Option<Result<R>>,
    reply: oneshot::Sender<Result<R>>,
}

impl<R, F> Job for Typed<R, F>
where
    F: FnMut(&Connection) -> Result<R> + Send,
    R: Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let outcome = catch_unwind(AssertUnwindSafe(|| (self.work)(conn)))
            .unwrap_or(Err(StoreError::Panicked));
        let ok = outcome.is_ok();
        self.outcome = Some(outcome);
        ok
    }

    fn finish(self: Box<Self>, commit: Result<(), String>) {
        let answer = match (self.outcome, commit) {
            (None, Err(e)) => Err(StoreError::Commit(e)),
            (None, Ok(())) => Err(StoreError::Closed),
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(_)), Err(e)) => Err(StoreError::Commit(e)),
            (Some(Ok(v)), Ok(())) => Ok(v),
        };
        let _ = self.reply.send(answer);
    }
}

#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    pub fn start(conn: Connection, mode: CommitMode) -> Self {
        let (jobs, rx) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("deskbell-writer".into())
            .spawn(move || run(conn, rx, mode))
            .expect("spawn the store writer thread");
        Self { jobs }
    }

    pub async fn run<R, F>(&self, work: F) -> Result<R>
    where
        F: FnMut(&Connection) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Typed {
            work,
            outcome: None,
            reply,
        });
        self.jobs.send(job).map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }
}

fn exec(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    // Cached statements: on the hot path, parsing these per job is measurable.
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// Runs the batch in the open transaction; false if any job failed.
fn run_optimistic(conn: &Connection, batch: &mut [Box<dyn Job>]) -> bool {
    batch.iter_mut().all(|job| job.run(conn))
}

/// Runs each job in its own savepoint so a failure rolls back that job alone.
fn run_isolated(conn: &Connection, batch: &mut [Box<dyn Job>]) -> rusqlite::Result<()> {
    for job in batch.iter_mut() {
        exec(conn, "SAVEPOINT job")?;
        if !job.run(conn) {
            exec(conn, "ROLLBACK TO job")?;
        }
        exec(conn, "RELEASE job")?;
    }
    Ok(())
}

fn transaction(conn: &Connection, batch: &mut [Box<dyn Job>]) -> Result<(), String> {
    let err = |e: rusqlite::Error| e.to_string();
    exec(conn, "BEGIN IMMEDIATE").map_err(err)?;
    let done = if batch.len() == 1 {
        // A single job needs no isolation from neighbours: its failure rolls back all.
        batch[0].run(conn)
    } else {
        run_optimistic(conn, batch)
    };
    if !done && batch.len() > 1 {
        exec(conn, "ROLLBACK").map_err(err)?;
        exec(conn, "BEGIN IMMEDIATE").map_err(err)?;
        if let Err(e) = run_isolated(conn, batch) {
            let _ = exec(conn, "ROLLBACK");
            return Err(e.to_string());
        }
    } else if !done {
        return exec(conn, "ROLLBACK").map_err(err);
    }
    exec(conn, "COMMIT").map_err(|e| {
        let _ = exec(conn, "ROLLBACK");
        e.to_string()
    })
}

fn run(conn: Connection, rx: mpsc::Receiver<Box<dyn Job>>, mode: CommitMode) {
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
        let commit = transaction(&conn, &mut batch);
        if let Err(e) = &commit {
            tracing::error!(error = %e, jobs = batch.len(), "write transaction failed");
        }
        for job in batch {
            job.finish(commit.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer(mode: CommitMode) -> (tempfile::TempDir, Writer) {
        let dir = tempfile::tempdir().unwrap();
        let conn = super::super::open_connection(&dir.path().join("w.sqlite3")).unwrap();
        conn.execute_batch("CREATE TABLE t (v INTEGER UNIQUE); CREATE TABLE log (v INTEGER)")
            .unwrap();
        (dir, Writer::start(conn, mode))
    }

    async fn count(w: &Writer, table: &'static str) -> i64 {
        w.run(move |c| Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?))
            .await
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_job_does_not_undo_its_neighbours() {
        let (_dir, w) = writer(CommitMode::Group);
        // Many rounds so that some duplicates share a batch with good jobs.
        for round in 0..20i64 {
            let mut handles = Vec::new();
            for v in [1, 2, 2, 3, 3, 4] {
                let w = w.clone();
                let v = round * 10 + v;
                handles.push(tokio::spawn(async move {
                    // Two statements: the first always succeeds, so a failed job leaves a
                    // partial write that must be rolled back.
                    w.run(move |c| {
                        c.execute("INSERT INTO log VALUES (?1)", [v])?;
                        Ok(c.execute("INSERT INTO t VALUES (?1)", [v])?)
                    })
                    .await
                }));
            }
            let mut ok = 0;
            for h in handles {
                if h.await.unwrap().is_ok() {
                    ok += 1;
                }
            }
            assert_eq!(ok, 4, "each duplicate fails alone");
        }
        assert_eq!(count(&w, "t").await, 80);
        assert_eq!(
            count(&w, "log").await,
            80,
            "failed jobs left nothing behind"
        );
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_and_the_writer_lives_on() {
        for mode in [CommitMode::Naive, CommitMode::Group] {
            let (_dir, w) = writer(mode);
            let r: Result<()> = w.run(|_| panic!("boom")).await;
            assert!(matches!(r, Err(StoreError::Panicked)));
            let n: i64 = w
                .run(|c| Ok(c.query_row("SELECT 41 + 1", [], |r| r.get(0))?))
                .await
                .unwrap();
            assert_eq!(n, 42);
        }
    }
}
