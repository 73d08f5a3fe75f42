//! The managed tunnel (docs/architecture.md, "The tunnel"): `[tunnel] command`, a program such
//! as `cloudflared tunnel run shop` that makes the intake listener public, run beside
//! Deskbell. [`Tunnel::start`] supervises it: started with Deskbell, its stdout and stderr
//! logged line by line (target `deskbell::tunnel`), restarted with backoff when it exits,
//! and ended with Deskbell (SIGTERM to its process group, SIGKILL after a grace period).
//! Its [`TunnelState`] is watchable and each change is a live [`Event::TunnelChanged`].
//!
//! It does not check that the public address reaches this Deskbell (that is `doctor`'s job),
//! and it never runs the command through a shell ([`split`] makes the words).

mod supervisor;
mod words;

pub use words::{split, SplitError};

use crate::backoff::Backoff;
use crate::inbox::{Event, Ports};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How the tunnel program is doing (the window's status area, `deskbell serve`'s log).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TunnelState {
    /// No `[tunnel] command`.
    NotConfigured,
    Starting,
    Running {
        pid: u32,
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        since: DateTime<Utc>,
    },
    /// It ended or could not start; it is started again at `retry_at`.
    Restarting {
        /// In plain words: "exited with status 1", "killed by signal 9", "failed to start:
        /// cloudflared not found".
        exit: String,
        #[serde(rename = "retryAt")]
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        retry_at: DateTime<Utc>,
    },
    /// Deskbell stopped it.
    Stopped,
}

/// The supervisor's timing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TunnelOptions {
    /// The delay before each restart; its step counts the failures in a row.
    pub backoff: Backoff,
    /// A run at least this long was a good one: the next failure starts the backoff afresh.
    pub stable_after: Duration,
    /// How long the program has, after SIGTERM, before SIGKILL.
    pub grace: Duration,
}

impl Default for TunnelOptions {
    fn default() -> Self {
        Self {
            backoff: Backoff {
                first: Duration::from_secs(1),
                cap: Duration::from_secs(60),
                spread: (0.5, 1.5),
            },
            stable_after: Duration::from_secs(60),
            grace: Duration::from_secs(5),
        }
    }
}

/// The running supervisor, or nothing when no tunnel is set.
pub struct Tunnel {
    state: watch::Receiver<TunnelState>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Tunnel {
    /// Starts supervising `argv` (program and arguments; empty: not configured). The program
    /// inherits Deskbell's environment plus `DESKBELL_INTAKE_URL`, the listener at `intake`.
    pub fn start(argv: Vec<String>, intake: SocketAddr, ports: Ports, opts: TunnelOptions) -> Self {
        let (stop, stopped) = watch::channel(false);
        if argv.is_empty() {
            let (_, state) = watch::channel(TunnelState::NotConfigured);
            return Self {
                state,
                stop,
                task: None,
            };
        }
        let (state_tx, state) = watch::channel(TunnelState::Starting);
        let run = supervisor::Run {
            argv,
            intake_url: intake_url(intake),
            ports,
            opts,
            state: state_tx,
        };
        let task = tokio::spawn(run.supervise(stopped));
        Self {
            state,
            stop,
            task: Some(task),
        }
    }

    pub fn state(&self) -> TunnelState {
        self.state.borrow().clone()
    }

    /// Every change of state, as it happens.
    pub fn watch(&self) -> watch::Receiver<TunnelState> {
        self.state.clone()
    }

    /// Ends the program (SIGTERM to its group, SIGKILL after the grace period) and waits for
    /// the supervisor to finish.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task {
            if let Err(e) = task.await {
                tracing::warn!(target: "deskbell::tunnel", error = %e, "the tunnel's supervisor failed");
            }
        }
    }
}

/// `http://127.0.0.1:<port>` for a listener on any address: a wildcard listen address is
/// reached through loopback.
fn intake_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

impl TunnelState {
    /// One line for the log and the status area.
    pub fn describe(&self, now: DateTime<Utc>) -> String {
        match self {
            Self::NotConfigured => "not configured".into(),
            Self::Starting => "starting".into(),
            Self::Running { pid, .. } => format!("running (pid {pid})"),
            Self::Restarting { exit, retry_at } => {
                let secs = ((*retry_at - now).num_milliseconds().max(0) + 999) / 1000;
                format!("restarting in {secs} s ({exit})")
            }
            Self::Stopped => "stopped".into(),
        }
    }
}

impl From<TunnelState> for Event {
    fn from(tunnel: TunnelState) -> Self {
        Event::TunnelChanged { tunnel }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_intake_url_is_reachable_from_this_machine() {
        let url = |a: &str| intake_url(a.parse().unwrap());
        assert_eq!(url("127.0.0.1:7878"), "http://127.0.0.1:7878");
        assert_eq!(url("0.0.0.0:7878"), "http://127.0.0.1:7878");
        assert_eq!(url("[::]:80"), "http://[::1]:80");
        assert_eq!(url("192.168.1.5:9000"), "http://192.168.1.5:9000");
    }

    #[test]
    fn states_read_as_plain_words() {
        let now: DateTime<Utc> = "2026-12-01T10:00:00Z".parse().unwrap();
        let restarting = TunnelState::Restarting {
            exit: "exited with status 1".into(),
            retry_at: now + chrono::Duration::milliseconds(7_200),
        };
        assert_eq!(
            restarting.describe(now),
            "restarting in 8 s (exited with status 1)"
        );
        assert_eq!(
            TunnelState::Running {
                pid: 42,
                since: now
            }
            .describe(now),
            "running (pid 42)"
        );
        let json = serde_json::to_value(&restarting).unwrap();
        assert_eq!(json["state"], "restarting");
        assert_eq!(json["retryAt"], "2026-12-01T10:00:07.200Z");
        assert_eq!(
            serde_json::to_value(TunnelState::NotConfigured).unwrap()["state"],
            "not_configured"
        );
    }
}
