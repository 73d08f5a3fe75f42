//! The managed tunnel with a real proxy as its program: `socat` forwarding a loopback port to
//! the intake listener stands in for `cloudflared`. A ticket goes through it; killed, it is
//! started again and works again; Deskbell's stop ends it and its process group; its output
//! is in Deskbell's log. A missing program is retried, never a panic. Needs `socat`
//! (scripts/install-test-deps).

use deskbell::tunnel::{Tunnel, TunnelOptions, TunnelState};
use deskbell::{Config, Deskbell, Event};
use rustix::process::{kill_process, test_kill_process, Pid, Signal};
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// How long any one thing may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(20);

/// Everything logged under `deskbell::tunnel`, by every test of this binary (each looks for
/// lines only it can have written).
static LOG: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOG.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_log() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("deskbell::tunnel=info"))
            .with_writer(|| LogWriter)
            .with_ansi(false)
            .init();
    });
}

fn log_text() -> String {
    String::from_utf8_lossy(&LOG.lock().unwrap()).into_owned()
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn config(listen_port: u16, tunnel: &str) -> Config {
    let text = format!(
        "[owner]\ntimezone = \"UTC\"\n[intake]\nlisten = \"127.0.0.1:{listen_port}\"\n\
         [tunnel]\ncommand = {}\n",
        toml::Value::String(tunnel.into())
    );
    Config::from_toml(&text, "test config", Vec::<(String, String)>::new()).unwrap()
}

/// The next tunnel state from the live events that satisfies `want`; the states seen on the
/// way are returned with it.
async fn tunnel_until(
    events: &mut broadcast::Receiver<Event>,
    what: &str,
    want: impl Fn(&TunnelState) -> bool,
) -> (TunnelState, Vec<TunnelState>) {
    let mut seen = Vec::new();
    let end = tokio::time::Instant::now() + DEADLINE;
    loop {
        let e = tokio::time::timeout_at(end, events.recv())
            .await
            .unwrap_or_else(|_| panic!("no tunnel state {what} in {DEADLINE:?}; saw {seen:?}"))
            .expect("the event stream is open");
        if let Event::TunnelChanged { tunnel } = e {
            if want(&tunnel) {
                return (tunnel, seen);
            }
            seen.push(tunnel);
        }
    }
}

fn pid_of(s: &TunnelState) -> u32 {
    match s {
        TunnelState::Running { pid, .. } => *pid,
        other => panic!("not running: {other:?}"),
    }
}

/// Whether no live process is left in process group `group` (a zombie waiting for its new
/// parent to reap it is dead already), waiting a bounded moment for the group to go.
async fn group_gone(group: u32) -> bool {
    let live = || {
        std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("stat")).ok())
            .any(|stat| {
                // pid (comm) state ppid pgrp …: comm may hold spaces, so read after its ')'.
                let rest: Vec<&str> = stat
                    .rsplit_once(')')
                    .map_or("", |(_, r)| r)
                    .split_whitespace()
                    .collect();
                rest.get(2) == Some(&group.to_string().as_str()) && rest.first() != Some(&"Z")
            })
    };
    let start = Instant::now();
    while live() {
        if start.elapsed() > Duration::from_secs(2) {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    true
}

fn pid(raw: u32) -> Pid {
    Pid::from_raw(i32::try_from(raw).unwrap()).unwrap()
}

/// Posts a ticket to `base`, waiting (bounded) for the port to take connections first: the
/// tunnel binds its port a moment after it has started.
async fn post_ticket(base: &str, token: &str, issue: &str) -> reqwest::StatusCode {
    let addr = base.trim_start_matches("http://").to_string();
    let start = Instant::now();
    while tokio::net::TcpStream::connect(&addr).await.is_err() {
        assert!(start.elapsed() < DEADLINE, "{addr} never took a connection");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // A fresh client: a pooled connection would be to the proxy that was killed.
    let body = serde_json::json!({
        "bot_token": token,
        "session_id": "s-1",
        "visitor_name": "Ana Souza",
        "visitor_email": "ana@example.com",
        "issue": issue,
        "page_url": "https://shop.example/contact",
    });
    reqwest::Client::new()
        .post(format!("{base}/tickets/create"))
        .json(&body)
        .timeout(DEADLINE)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_proxy_as_the_tunnel_forwards_restarts_when_killed_and_stops_with_deskbell() {
    capture_log();
    let (intake, public) = (free_port(), free_port());
    let command = format!(
        "socat -d -d TCP-LISTEN:{public},bind=127.0.0.1,reuseaddr,fork TCP:127.0.0.1:{intake}"
    );
    let dir = tempfile::tempdir().unwrap();
    let app = Deskbell::start(&config(intake, &command), dir.path())
        .await
        .unwrap();
    let mut events = app.subscribe();
    let site = app
        .inbox()
        .add_site("Shop", &["https://shop.example".to_string()])
        .await
        .unwrap();
    let base = format!("http://127.0.0.1:{public}");

    // Started with Deskbell (it may be running already when we look).
    let first = match app.tunnel_state() {
        s @ TunnelState::Running { .. } => s,
        _ => {
            tunnel_until(&mut events, "running", |s| {
                matches!(s, TunnelState::Running { .. })
            })
            .await
            .0
        }
    };
    let first = pid_of(&first);
    assert_eq!(
        post_ticket(&base, &site.bot_token, "through the tunnel").await,
        201,
        "a ticket posted to the tunnel reaches the listener"
    );

    // Killed: Restarting with the reason, then Running again as a new process.
    kill_process(pid(first), Signal::KILL).unwrap();
    let (again, seen) = tunnel_until(
        &mut events,
        "running again",
        |s| matches!(s, TunnelState::Running { pid, .. } if *pid != first),
    )
    .await;
    assert!(
        seen.iter().any(|s| matches!(
            s,
            TunnelState::Restarting { exit, .. } if exit == "killed by signal 9"
        )),
        "{seen:?}"
    );
    let second = pid_of(&again);
    assert_ne!(first, second);
    assert!(
        test_kill_process(pid(first)).is_err(),
        "the old one is gone"
    );
    assert_eq!(
        post_ticket(&base, &site.bot_token, "through the restarted tunnel").await,
        201
    );
    assert_eq!(app.inbox().counts().await.unwrap().open, 2);

    // Stopped with Deskbell: SIGTERM to its group is enough for socat, so well within the
    // grace period; nothing of its group (the forked connection handlers) is left.
    let state = app.watch_tunnel();
    let stopping = Instant::now();
    app.stop().await;
    assert!(
        stopping.elapsed() < TunnelOptions::default().grace,
        "{:?}",
        stopping.elapsed()
    );
    assert_eq!(*state.borrow(), TunnelState::Stopped);
    assert!(test_kill_process(pid(second)).is_err(), "socat is gone");
    assert!(group_gone(second).await, "and its group");
    assert!(!std::path::Path::new(&format!("/proc/{second}")).exists());
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", public))
            .await
            .is_err(),
        "nothing listens on the tunnel's port"
    );

    // Its own output, line by line, marked as the tunnel's.
    let log = log_text();
    let ours: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("tunnel socat| ") && l.contains(&format!(":{public}")))
        .collect();
    assert!(
        ours.iter().any(|l| l.contains("listening on")),
        "socat's stderr is in the log:\n{log}"
    );
    assert!(log.contains("deskbell::tunnel"), "{log}");
    assert!(
        log.contains(&format!("tunnel running (pid {second})")),
        "{log}"
    );
    assert!(
        !log.contains(&format!("pid {second} did not end on SIGTERM")),
        "{log}"
    );
}

#[tokio::test]
async fn a_missing_program_is_retried_with_backoff_not_a_panic() {
    capture_log();
    let dir = tempfile::tempdir().unwrap();
    let app = Deskbell::start(&config(0, "deskbell-no-such-tunnel --url x"), dir.path())
        .await
        .unwrap();
    let mut events = app.subscribe();
    let restarting = match app.tunnel_state() {
        s @ TunnelState::Restarting { .. } => s,
        _ => {
            tunnel_until(&mut events, "restarting", |s| {
                matches!(s, TunnelState::Restarting { .. })
            })
            .await
            .0
        }
    };
    let TunnelState::Restarting { exit, retry_at } = restarting else {
        unreachable!()
    };
    assert_eq!(exit, "failed to start: deskbell-no-such-tunnel not found");
    assert!(retry_at > chrono::Utc::now() - chrono::Duration::seconds(5));
    // It tries again, and fails the same way.
    let (again, _) = tunnel_until(&mut events, "a second restart", |s| {
        matches!(s, TunnelState::Restarting { .. })
    })
    .await;
    assert!(matches!(again, TunnelState::Restarting { exit: e, .. } if e.contains("not found")));
    let state = app.watch_tunnel();
    app.stop().await;
    assert_eq!(*state.borrow(), TunnelState::Stopped);
    assert!(log_text().contains("failed to start: deskbell-no-such-tunnel not found"));
}

#[tokio::test]
async fn a_program_that_ignores_sigterm_is_killed_with_its_group_after_the_grace_period() {
    capture_log();
    let dir = tempfile::tempdir().unwrap();
    let app = Deskbell::start(&config(0, ""), dir.path()).await.unwrap();
    assert_eq!(app.tunnel_state(), TunnelState::NotConfigured);
    let marker = format!("stubborn-{}", std::process::id());
    // A shell as the *program* (Deskbell itself runs no shell): it and its child ignore
    // SIGTERM, print a line on stdout, and echo the intake URL they were given.
    let script =
        format!("trap '' TERM; echo \"{marker} $DESKBELL_INTAKE_URL\"; sleep 60 & wait; sleep 60");
    let grace = Duration::from_millis(300);
    let tunnel = Tunnel::start(
        vec!["sh".into(), "-c".into(), script],
        app.intake_addr(),
        app.inbox().ports(),
        TunnelOptions {
            grace,
            ..TunnelOptions::default()
        },
    );
    let mut state = tunnel.watch();
    let running = tokio::time::timeout(
        DEADLINE,
        state.wait_for(|s| matches!(s, TunnelState::Running { .. })),
    )
    .await
    .expect("running in time")
    .unwrap()
    .clone();
    let sh = pid_of(&running);
    let url_line = format!("tunnel sh| {marker} http://{}", app.intake_addr());
    let start = Instant::now();
    while !log_text().contains(&url_line) {
        assert!(
            start.elapsed() < DEADLINE,
            "no stdout line:\n{}",
            log_text()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The group has two members now (sh and its sleep).
    let stopping = Instant::now();
    tunnel.stop().await;
    let took = stopping.elapsed();
    assert!(
        took >= grace,
        "SIGKILL came only after the grace period: {took:?}"
    );
    assert!(took < DEADLINE, "{took:?}");
    assert!(group_gone(sh).await, "sh and its sleep are gone");
    assert_eq!(*state.borrow(), TunnelState::Stopped);
    assert!(log_text().contains(&format!("pid {sh} did not end on SIGTERM")));
    app.stop().await;
}
