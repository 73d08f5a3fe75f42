//! Shared test set-up: a real Deskbell (store in a temp dir, listener on a port-0 socket) and
//! helpers to talk to it over real HTTP.
#![allow(dead_code)]

pub mod imap_proxy;
pub mod mailstack;
pub mod nginx;

use deskbell::{Config, Deskbell};
use std::path::{Path, PathBuf};
use tokio::io::AsyncReadExt;

pub struct Running {
    pub app: Deskbell,
    pub dir: tempfile::TempDir,
    pub base: String,
    pub token: String,
    pub origin: String,
    pub http: reqwest::Client,
}

pub fn config(extra: &str) -> Config {
    let text = format!("[owner]\ntimezone = \"UTC\"\n[intake]\nlisten = \"127.0.0.1:0\"\n{extra}");
    Config::from_toml(&text, "test config", Vec::<(String, String)>::new()).unwrap()
}

/// Config lines for tests that must not trip the rate limits.
pub const NO_LIMITS: &str = "client_rate_per_minute = 1000000\nglobal_rate_per_second = 1000000\n";

pub async fn start(intake_extra: &str) -> Running {
    let dir = tempfile::tempdir().unwrap();
    start_in(dir, intake_extra).await
}

pub async fn start_in(dir: tempfile::TempDir, intake_extra: &str) -> Running {
    let cfg = config(intake_extra);
    let app = Deskbell::start(&cfg, dir.path()).await.unwrap();
    let origin = "https://shop.example".to_string();
    let site = match app.inbox().sites().await.unwrap().into_iter().next() {
        Some(s) => s,
        None => app
            .inbox()
            .add_site("Shop", std::slice::from_ref(&origin))
            .await
            .unwrap(),
    };
    Running {
        base: format!("http://{}", app.intake_addr()),
        app,
        dir,
        token: site.bot_token,
        origin,
        http: reqwest::Client::new(),
    }
}

impl Running {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn ticket_json(&self, issue: &str) -> serde_json::Value {
        serde_json::json!({
            "bot_token": self.token,
            "session_id": "s-1",
            "visitor_name": "Ana Souza",
            "visitor_email": "ana@example.com",
            "visitor_phone": "+55 11 5555-0100",
            "issue": issue,
            "page_url": "https://shop.example/contact",
        })
    }

    pub async fn post_json(&self, body: &serde_json::Value) -> reqwest::Response {
        self.http
            .post(self.url("/tickets/create"))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }
}

pub fn db_path(dir: &Path) -> PathBuf {
    dir.join(deskbell::store::DB_FILE)
}

/// Reads one integer from the database file with a fresh connection.
pub fn count(dir: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db_path(dir)).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Reads one HTTP/1.1 response (head and a `Content-Length` body): status and body.
pub async fn read_response(stream: &mut tokio::net::TcpStream) -> (u16, String) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(
            n > 0,
            "closed before a response: {:?}",
            String::from_utf8_lossy(&buf)
        );
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let status = head
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP/1.1 status line: {head:?}"));
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed inside a response body");
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..head_end + len]).into_owned();
    (status, body)
}

/// Waits (up to `limit`) for the server to close `stream`; how long that took.
pub async fn closed_within(
    stream: &mut tokio::net::TcpStream,
    limit: std::time::Duration,
) -> Option<std::time::Duration> {
    let t = std::time::Instant::now();
    let mut buf = [0u8; 256];
    loop {
        match tokio::time::timeout(limit.saturating_sub(t.elapsed()), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(t.elapsed()),
            Ok(Ok(_)) => continue,
            Err(_) => return None,
        }
    }
}
