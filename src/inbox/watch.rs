//! Noticing what another process wrote. The CLI beside a running `serve` (or the desktop app)
//! queues a reply or sets a snooze in the same SQLite file; this process's workers wait on
//! in-process wake-ups, so without this they would see it only at their next poll (30 s).
//! A thread of its own holds one connection and reads `PRAGMA data_version` — a counter that
//! moves when any other connection commits, answered from the WAL index without touching the
//! tables — every [`WATCH_EVERY`]; when it moved, it wakes the outbox and the snooze waker,
//! which look for work as they do after a change of their own. This process's own commits
//! move it too: a spare look, no more.

use super::Ports;
use std::time::Duration;
use tokio::sync::watch;

/// How often the counter is read (mail another process queued leaves within about this).
pub const WATCH_EVERY: Duration = Duration::from_millis(200);

/// Starts the watcher; it ends within [`WATCH_EVERY`] of `stop` turning true. A watcher that
/// cannot open its connection or read says so once and ends: the workers' own polls remain.
pub fn spawn(ports: Ports, stop: watch::Receiver<bool>) -> Option<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("deskbell-watch".into())
        .spawn(move || {
            let conn = match ports.store.connection() {
                Ok(c) => c,
                Err(e) => return tracing::warn!(error = %e, "cannot watch the store for other processes' writes"),
            };
            let version = |c: &rusqlite::Connection| {
                c.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))
            };
            let mut last = version(&conn).ok();
            while !*stop.borrow() {
                std::thread::sleep(WATCH_EVERY);
                match version(&conn) {
                    Ok(v) if Some(v) != last => {
                        last = Some(v);
                        ports.outbox_wake.notify_one();
                        ports.snooze_wake.notify_one();
                    }
                    Ok(_) => {}
                    Err(e) => {
                        return tracing::warn!(error = %e, "stopped watching the store for other processes' writes");
                    }
                }
            }
        })
        .map_err(|e| tracing::warn!(error = %e, "cannot start the store watcher"))
        .ok()
}
