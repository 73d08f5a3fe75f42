//! Crash safety: `deskbell serve` as a child process, flooded from several tasks, killed with
//! SIGKILL mid-flood, then restarted on the same data dir. Every ticket that was answered 201
//! must be there, and numbering must continue without reusing a number.

mod common;

use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_deskbell");

fn cli(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("DESKBELL_CONFIG")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("DESKBELL_OWNER_TIMEZONE", "UTC")
        .env("DESKBELL_INTAKE_LISTEN", "127.0.0.1:0")
        .env("DESKBELL_INTAKE_CLIENT_RATE_PER_MINUTE", "10000000")
        .env("DESKBELL_INTAKE_GLOBAL_RATE_PER_SECOND", "10000000");
    c
}

/// Starts `serve` and returns the child and its base URL (read from its first stdout line).
async fn serve(dir: &Path) -> (Child, String) {
    let mut child = cli(dir)
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("serve prints its address")
        .unwrap()
        .unwrap();
    // Keep draining stdout so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    (child, url)
}

async fn site_token(dir: &Path) -> String {
    let out = cli(dir)
        .args([
            "site",
            "add",
            "Crash Shop",
            "--origin",
            "https://crash.example",
            "--json",
        ])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["bot_token"].as_str().unwrap().to_string()
}

fn body(token: &str, i: usize) -> Value {
    json!({
        "bot_token": token,
        "visitor_name": format!("Visitor {i}"),
        "visitor_email": format!("v{i}@example.com"),
        "issue": format!("flood ticket {i}"),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_mid_flood_loses_no_acknowledged_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let token = site_token(dir.path()).await;
    let (mut child, url) = serve(dir.path()).await;

    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let sent = Arc::new(AtomicUsize::new(0));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (acked, sent, http, url, token) = (
            acked.clone(),
            sent.clone(),
            http.clone(),
            url.clone(),
            token.clone(),
        );
        tasks.push(tokio::spawn(async move {
            // Bounded: stops at the first failed request (the server is gone) or 20,000 sends.
            loop {
                let i = sent.fetch_add(1, Ordering::SeqCst);
                if i >= 20_000 {
                    break;
                }
                let resp = http
                    .post(format!("{url}/tickets/create"))
                    .json(&body(&token, i))
                    .send()
                    .await;
                let Ok(resp) = resp else { break };
                if resp.status() != 201 {
                    break;
                }
                let Ok(v) = resp.json::<Value>().await else {
                    break;
                };
                acked
                    .lock()
                    .unwrap()
                    .push(v["ticket_id"].as_str().unwrap().to_string());
            }
        }));
    }
    // Let the flood run, then pull the plug while requests are in flight.
    for _ in 0..200 {
        if acked.lock().unwrap().len() >= 300 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.start_kill().unwrap(); // SIGKILL
    child.wait().await.unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let acked: Vec<String> = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 100,
        "the flood got going ({} acked)",
        acked.len()
    );

    // Restart on the same data dir.
    let (mut child, url) = serve(dir.path()).await;
    let conn = rusqlite::Connection::open(common::db_path(dir.path())).unwrap();
    let stored: HashSet<String> = conn
        .prepare("SELECT ticket_id FROM tickets")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let missing: Vec<_> = acked.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    let distinct: i64 = conn
        .query_row(
            "SELECT count(DISTINCT ticket_id) = count(*) FROM tickets",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(distinct, 1);

    // Numbering continues past everything stored (nothing reused).
    let max_before: u32 = stored
        .iter()
        .map(|id| id.parse::<deskbell::domain::TicketId>().unwrap())
        .filter(|id| id.day() == chrono::Utc::now().date_naive())
        .map(|id| id.number())
        .max()
        .unwrap_or(0);
    let resp = http
        .post(format!("{url}/tickets/create"))
        .json(&body(&token, 999_999))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let v: Value = resp.json().await.unwrap();
    let new_id: deskbell::domain::TicketId = v["ticket_id"].as_str().unwrap().parse().unwrap();
    assert!(!stored.contains(&new_id.to_string()));
    if new_id.day() == chrono::Utc::now().date_naive() {
        assert_eq!(new_id.number(), max_before + 1);
    }
    child.start_kill().unwrap();
    child.wait().await.unwrap();
}

#[tokio::test]
async fn sigterm_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let token = site_token(dir.path()).await;
    let (child, url) = serve(dir.path()).await;
    let resp = reqwest::Client::new()
        .post(format!("{url}/tickets/create"))
        .json(&body(&token, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let pid = child.id().unwrap();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = tokio::time::timeout(Duration::from_secs(10), child.wait_with_output())
        .await
        .expect("serve exits after SIGTERM")
        .unwrap();
    assert!(out.status.success(), "clean exit, got {:?}", out.status);
}
