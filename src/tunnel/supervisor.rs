//! The supervisor's loop: start the program in its own process group, log its output, wait
//! for it to exit (restart after a backoff) or for Deskbell to stop (end the group).
//!
//! Ending is by signal to the whole group — SIGTERM, then SIGKILL after the grace period —
//! so a wrapper script's children go too. `kill_on_drop` is the fallback for a supervisor
//! that is dropped rather than stopped (a runtime shut down): it SIGKILLs the program itself.

use super::{TunnelOptions, TunnelState};
use crate::backoff;
use crate::inbox::Ports;
use rustix::process::{kill_process_group, test_kill_process_group, Pid, Signal};
use std::io::ErrorKind;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;
use tokio::time::Instant;

const TARGET: &str = "deskbell::tunnel";

/// A longer output line is cut here (and marked so): one line must not fill the log.
const MAX_LINE: usize = 2000;

/// After the program ends, how long its last lines have to drain before the readers are
/// dropped (a grandchild holding the pipe open must not hold up a restart).
const DRAIN: Duration = Duration::from_secs(1);

pub(super) struct Run {
    pub argv: Vec<String>,
    pub intake_url: String,
    pub ports: Ports,
    pub opts: TunnelOptions,
    pub state: watch::Sender<TunnelState>,
}

impl Run {
    fn program(&self) -> &str {
        self.argv.first().map_or("", String::as_str)
    }

    /// Publishes `s`: the watch, the live events and the log.
    fn set(&self, s: TunnelState) {
        let line = s.describe(self.ports.clock.now());
        match &s {
            TunnelState::Restarting { .. } => {
                tracing::warn!(target: TARGET, program = self.program(), "tunnel {line}")
            }
            _ => tracing::info!(target: TARGET, program = self.program(), "tunnel {line}"),
        }
        self.state.send_replace(s.clone());
        self.ports.emit(s.into());
    }

    pub(super) async fn supervise(self, mut stop: watch::Receiver<bool>) {
        // Failures in a row: the backoff's step.
        let mut failures: u32 = 0;
        loop {
            self.set(TunnelState::Starting);
            let exit = match self.spawn() {
                Err(e) => format!("failed to start: {}", spawn_error(self.program(), &e)),
                Ok(child) => match self.watch(child, &mut stop).await {
                    Watched::Stopped => break,
                    Watched::Exited { status, ran } => {
                        if ran >= self.opts.stable_after {
                            failures = 0;
                        }
                        describe_exit(status)
                    }
                },
            };
            let delay = self
                .opts
                .backoff
                .delay(failures, backoff::draw(&*self.ports.random));
            failures = failures.saturating_add(1);
            let retry_at =
                self.ports.clock.now() + chrono::Duration::from_std(delay).unwrap_or_default();
            self.set(TunnelState::Restarting { exit, retry_at });
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = stopped(&mut stop) => break,
            }
            if *stop.borrow() {
                break;
            }
        }
        self.set(TunnelState::Stopped);
    }

    fn spawn(&self) -> std::io::Result<Child> {
        let mut cmd = Command::new(self.program());
        cmd.args(&self.argv[1..])
            .env("DESKBELL_INTAKE_URL", &self.intake_url)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        cmd.spawn()
    }

    /// Runs until the program exits or Deskbell stops (then it is ended first).
    async fn watch(&self, mut child: Child, stop: &mut watch::Receiver<bool>) -> Watched {
        let started = Instant::now();
        let pid = child.id();
        // The group's id is the program's pid (`process_group(0)`).
        let group = pid
            .and_then(|id| i32::try_from(id).ok())
            .and_then(Pid::from_raw);
        let program = self.program().to_string();
        let readers = [
            child
                .stdout
                .take()
                .map(|r| tokio::spawn(log_lines(r, program.clone(), "stdout"))),
            child
                .stderr
                .take()
                .map(|r| tokio::spawn(log_lines(r, program.clone(), "stderr"))),
        ];
        if let Some(pid) = pid {
            self.set(TunnelState::Running {
                pid,
                since: self.ports.clock.now(),
            });
        }
        let outcome = tokio::select! {
            status = child.wait() => {
                // What it left behind in its group goes before the next start.
                if let Some(group) = group {
                    end_group(&mut child, group, self.opts.grace).await;
                }
                Watched::Exited { status: status.ok(), ran: started.elapsed() }
            }
            () = stopped(stop) => {
                if let Some(group) = group {
                    end_group(&mut child, group, self.opts.grace).await;
                } else {
                    let _ = child.start_kill();
                }
                let _ = tokio::time::timeout(self.opts.grace, child.wait()).await;
                Watched::Stopped
            }
        };
        for reader in readers.into_iter().flatten() {
            let abort = reader.abort_handle();
            if tokio::time::timeout(DRAIN, reader).await.is_err() {
                abort.abort();
            }
        }
        outcome
    }
}

/// Resolves once Deskbell stops (or has dropped the switch).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

enum Watched {
    Stopped,
    Exited {
        status: Option<ExitStatus>,
        ran: Duration,
    },
}

/// Ends whatever is alive in the program's process group: SIGTERM, up to `grace` for the
/// program and the rest of the group to go, then SIGKILL. A group whose members are all gone
/// is not signalled: its id is free again only once it is empty, so no stranger is hit.
async fn end_group(child: &mut Child, group: Pid, grace: Duration) {
    let deadline = Instant::now() + grace;
    if alive(group) {
        let _ = kill_process_group(group, Signal::TERM);
    }
    let _ = tokio::time::timeout_at(deadline, child.wait()).await;
    while alive(group) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if alive(group) {
        tracing::warn!(target: TARGET, "tunnel pid {group} did not end on SIGTERM; sending SIGKILL");
        let _ = kill_process_group(group, Signal::KILL);
        let _ = tokio::time::timeout(grace, child.wait()).await;
        // Its other members are reaped by their new parent; give that a moment.
        let deadline = Instant::now() + grace;
        while alive(group) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Whether any process of `group` is left (a zombie counts until it is reaped).
fn alive(group: Pid) -> bool {
    test_kill_process_group(group).is_ok()
}

fn spawn_error(program: &str, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::NotFound => format!("{program} not found"),
        ErrorKind::PermissionDenied => format!("{program} may not be run (permission denied)"),
        _ => format!("{program}: {e}"),
    }
}

fn describe_exit(status: Option<ExitStatus>) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status {
        Some(s) => match (s.code(), s.signal()) {
            (Some(code), _) => format!("exited with status {code}"),
            (None, Some(signal)) => format!("killed by signal {signal}"),
            (None, None) => format!("ended ({s})"),
        },
        None => "ended (its status could not be read)".into(),
    }
}

/// Logs each line of `out` as the tunnel's, until the pipe closes.
async fn log_lines(out: impl AsyncRead + Unpin, program: String, stream: &'static str) {
    let mut out = BufReader::new(out);
    let mut line = Vec::new();
    loop {
        match read_line(&mut out, &mut line, MAX_LINE).await {
            Ok(Some(cut)) => {
                let text = String::from_utf8_lossy(&line);
                let text = text.trim_end_matches('\r');
                let more = if cut { " …" } else { "" };
                tracing::info!(target: TARGET, stream, "tunnel {program}| {text}{more}");
            }
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(target: TARGET, stream, error = %e, "cannot read the tunnel's output");
                return;
            }
        }
    }
}

/// Reads one line, without its `\n`, into `line`, keeping at most `max` bytes of it (the rest
/// up to the newline is read and dropped). `Some(cut)` for a line, `None` at the end.
async fn read_line(
    r: &mut (impl AsyncBufRead + Unpin),
    line: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    line.clear();
    let mut read_any = false;
    let mut cut = false;
    loop {
        let buf = r.fill_buf().await?;
        if buf.is_empty() {
            return Ok(read_any.then_some(cut));
        }
        read_any = true;
        let (part, used, end) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], i + 1, true),
            None => (buf, buf.len(), false),
        };
        let room = max.saturating_sub(line.len());
        cut |= part.len() > room;
        line.extend_from_slice(&part[..part.len().min(room)]);
        r.consume(used);
        if end {
            return Ok(Some(cut));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines(input: &[u8], max: usize) -> Vec<(String, bool)> {
        // A tiny buffer, so lines cross buffer boundaries.
        let mut r = BufReader::with_capacity(3, input);
        let mut line = Vec::new();
        let mut out = Vec::new();
        while let Some(cut) = read_line(&mut r, &mut line, max).await.unwrap() {
            out.push((String::from_utf8_lossy(&line).into_owned(), cut));
        }
        out
    }

    #[tokio::test]
    async fn lines_are_bounded_and_the_rest_of_a_long_one_is_dropped() {
        let got = lines(b"one\ntwo words\r\nabcdefghij\nlast", 6).await;
        let want = [
            ("one", false),
            ("two wo", true),
            ("abcdef", true),
            ("last", false),
        ];
        let got: Vec<(&str, bool)> = got.iter().map(|(s, c)| (s.as_str(), *c)).collect();
        assert_eq!(got, want);
        assert_eq!(lines(b"", 6).await, []);
        assert_eq!(lines(b"\n\n", 6).await.len(), 2, "empty lines are lines");
        let bad = lines(b"caf\xe9\n", 10).await;
        assert_eq!(bad[0].0, "caf\u{fffd}", "non-UTF-8 is shown, not fatal");
    }

    #[test]
    fn exits_read_as_plain_words() {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            describe_exit(Some(ExitStatus::from_raw(1 << 8))),
            "exited with status 1"
        );
        assert_eq!(
            describe_exit(Some(ExitStatus::from_raw(9))),
            "killed by signal 9"
        );
        let e = std::io::Error::from(ErrorKind::NotFound);
        assert_eq!(spawn_error("cloudflared", &e), "cloudflared not found");
    }
}
