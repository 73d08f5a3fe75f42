//! Shared test set-up: a real Deskbell (store in a temp dir, listener on a port-0 socket) and
//! helpers to talk to it over real HTTP.
#![allow(dead_code)]

pub mod imap_proxy;
pub mod mailstack;
pub mod nginx;

use deskbell::{Config, Deskbell};
use std::path::{Path, PathBuf};

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
