//! Every window command through the real dispatcher, against a real core over a temp data dir,
//! with no display: a test [`Host`] stands in for the tray and start at login (it records what
//! they were asked), everything else is the real thing — the store, the intake listener, the
//! settings file and a file secret store, a core restart after a save.

use deskbell::domain::{Channel, NewTicket, Visitor};
use deskbell::secrets::{FileStore, SecretStore};
use deskbell_desktop::commands::dispatch;
use deskbell_desktop::running::Running;
use deskbell_desktop::Host;
use deskbell_wire::ApiError;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

struct TestHost {
    running: Running,
    settings_file: PathBuf,
    secrets: FileStore,
    downloads: PathBuf,
    paused: AtomicBool,
    start_at_login: AtomicBool,
    tray_refreshes: AtomicUsize,
    restarts: AtomicUsize,
    called: Mutex<BTreeSet<String>>,
    _dir: tempfile::TempDir,
}

impl Host for TestHost {
    fn core(&self) -> &Running {
        &self.running
    }
    fn settings_file(&self) -> &Path {
        &self.settings_file
    }
    fn secrets(&self) -> &dyn SecretStore {
        &self.secrets
    }
    fn notifications_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }
    fn set_notifications_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
    }
    async fn restart_core(&self) -> Result<(), ApiError> {
        let mut config = deskbell::Config::load(Some(&self.settings_file), Vec::new())
            .map_err(|e| ApiError::new("config", e.to_string()))?;
        deskbell::secrets::fill_secrets(&mut config, &self.secrets);
        let restarted = self.running.restart(config).await?;
        self.restarts.fetch_add(1, Ordering::SeqCst);
        restarted.outcome
    }
    fn refresh_tray(&self) {
        self.tray_refreshes.fetch_add(1, Ordering::SeqCst);
    }
    fn start_at_login(&self) -> bool {
        self.start_at_login.load(Ordering::SeqCst)
    }
    fn set_start_at_login(&self, enabled: bool) -> Result<(), ApiError> {
        self.start_at_login.store(enabled, Ordering::SeqCst);
        Ok(())
    }
    fn downloads_dir(&self) -> Option<PathBuf> {
        Some(self.downloads.clone())
    }
}

const CONFIG: &str = r#"
[owner]
email = "rosa@shop.example"
name = "Rosa"
business = "Rosa's Shop"

[intake]
listen = "127.0.0.1:0"
"#;

async fn host() -> TestHost {
    let dir = tempfile::tempdir().unwrap();
    let settings_file = dir.path().join("config.toml");
    std::fs::write(&settings_file, CONFIG).unwrap();
    let data = dir.path().join("data");
    let downloads = dir.path().join("Downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let config = deskbell::Config::load(Some(&settings_file), Vec::new()).unwrap();
    let (running, _events) = Running::start(config, &data).await.unwrap();
    TestHost {
        running,
        settings_file,
        secrets: FileStore::new(&data),
        downloads,
        paused: AtomicBool::new(false),
        start_at_login: AtomicBool::new(false),
        tray_refreshes: AtomicUsize::new(0),
        restarts: AtomicUsize::new(0),
        called: Mutex::default(),
        _dir: dir,
    }
}

impl TestHost {
    async fn call(&self, cmd: &str, args: Value) -> Result<Value, ApiError> {
        self.called.lock().unwrap().insert(cmd.to_string());
        dispatch(self, cmd, args).await
    }

    async fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e:?}"))
    }

    async fn ticket(&self, issue: &str) -> String {
        let new = NewTicket {
            site_id: None,
            channel: Channel::Web,
            visitor: Visitor {
                name: "Ana".into(),
                email: "ana@example.com".into(),
                phone: Some("+34 600 000 000".into()),
            },
            session_id: None,
            issue: issue.into(),
            page_url: Some("https://shop.example/cart".into()),
            spam: false,
        };
        let created = self.running.inbox().create_ticket(new, None).await.unwrap();
        created.ticket.ticket_id
    }
}

#[tokio::test]
async fn every_command_runs_through_the_dispatcher() {
    let h = host().await;

    // Tickets: list, counts, open, change, reply with a file, save that file.
    let long = "Where is my order? ".repeat(10);
    let id = h.ticket(&long).await;
    let all = json!({"query": {"status": "all", "search": ""}});
    let rows = h.ok("list_tickets", all.clone()).await;
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["ticketId"], id);
    assert_eq!(rows[0]["status"], "open");
    let first = rows[0]["firstLine"].as_str().unwrap();
    assert!(
        first.ends_with('…') && first.chars().count() == 121,
        "{first}"
    );
    let closed = json!({"query": {"status": "closed", "search": ""}});
    assert_eq!(h.ok("list_tickets", closed).await, json!([]));
    let counts = h.ok("counts", Value::Null).await;
    assert_eq!(
        (counts["open"].as_u64(), counts["unread"].as_u64()),
        (Some(1), Some(1))
    );

    let detail = h.ok("get_ticket", json!({"ticketId": id})).await;
    assert_eq!(detail["visitorPhone"], "+34 600 000 000");
    assert_eq!(detail["pageUrl"], "https://shop.example/cart");
    assert_eq!(detail["ticket"]["unread"], false, "opening marks it read");
    let row = h
        .ok("set_status", json!({"ticketId": id, "status": "pending"}))
        .await;
    assert_eq!(row["status"], "pending");
    let row = h
        .ok(
            "set_priority",
            json!({"ticketId": id, "priority": "urgent"}),
        )
        .await;
    assert_eq!(row["priority"], "urgent");
    let row = h
        .ok(
            "set_tags",
            json!({"ticketId": id, "tags": ["Billing", "vip"]}),
        )
        .await;
    assert_eq!(row["tags"], json!(["billing", "vip"]));

    let file = json!({"name": "label.txt", "contentType": "text/plain", "dataBase64": "aGVsbG8="});
    let reply = json!({"ticketId": id, "text": "It left today.", "files": [file]});
    let detail = h.ok("send_reply", reply).await;
    let out = detail["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(out["direction"], "out");
    assert_eq!(out["text"], "It left today.");
    assert_eq!(
        out["state"], "queued",
        "no SMTP configured: it waits in the outbox"
    );
    let attachment = out["attachments"][0]["id"].clone();
    let saved = h.ok("save_attachment", json!({"id": attachment})).await;
    let saved = PathBuf::from(saved.as_str().unwrap());
    assert!(saved.starts_with(&h.downloads), "{saved:?}");
    assert_eq!(std::fs::read(&saved).unwrap(), b"hello");
    let missing = h.call("save_attachment", json!({"id": 999_999})).await;
    assert_eq!(missing.unwrap_err().code, "not_found");

    // Canned replies.
    assert_eq!(h.ok("canned_replies", Value::Null).await, json!([]));
    let new = json!({"id": null, "title": "Shipping", "body": "It ships in 2 days."});
    let canned = h.ok("save_canned_reply", new).await;
    let canned_id = canned["id"].clone();
    assert_eq!(
        h.ok("canned_replies", Value::Null).await[0]["title"],
        "Shipping"
    );
    h.ok("delete_canned_reply", json!({"id": canned_id})).await;
    assert_eq!(h.ok("canned_replies", Value::Null).await, json!([]));

    // Websites: the snippet points at the running listener (no public address set).
    assert_eq!(h.ok("list_sites", Value::Null).await, json!([]));
    let site = json!({"name": "Shop", "origins": ["https://shop.example"]});
    let site = h.ok("add_site", site).await;
    let intake = h.running.intake_addr().to_string();
    assert!(site["snippet"].as_str().unwrap().contains(&intake));
    assert_eq!(h.ok("list_sites", Value::Null).await[0]["name"], "Shop");

    // Status line and switches.
    let status = h.ok("app_status", Value::Null).await;
    assert_eq!(status["intakeAddr"], intake);
    // The owner's notification and the visitor's confirmation of the ticket, and the reply.
    assert_eq!(status["mailQueued"], 3);
    assert_eq!(status["sync"], json!({"state": "off"}));
    h.ok("set_notifications_paused", json!({"paused": true}))
        .await;
    assert!(h.notifications_paused());
    assert_eq!(h.tray_refreshes.load(Ordering::SeqCst), 1);
    h.ok("set_start_at_login", json!({"enabled": true})).await;
    assert_eq!(h.ok("app_status", Value::Null).await["startAtLogin"], true);

    // Settings: read, test an account as typed, save (file + secret store + core restart).
    let settings = h.ok("get_settings", Value::Null).await;
    assert_eq!(settings["owner"]["business"], "Rosa's Shop");
    assert_eq!(settings["configured"], false);
    assert_eq!(settings["notifications"]["paused"], true);
    let account = json!({"preset": null, "host": "127.0.0.1", "port": 1, "security": "plain",
        "username": "rosa@shop.example", "password": "pw"});
    let report = h
        .ok(
            "test_connection",
            json!({"kind": "smtp", "account": account}),
        )
        .await;
    assert_eq!(report["ok"], false);
    assert_eq!(report["problem"], "unreachable", "{report}");
    let mut input = json!({
        "owner": settings["owner"], "intake": {"listen": "127.0.0.1:0", "publicUrl": ""},
        "notifications": {"enabled": true, "paused": false},
        "smtp": account, "imap": {"preset": null, "host": "", "port": null, "security": null,
            "username": "", "password": null},
    });
    input["owner"]["business"] = json!("Rosa & Co");
    let saved = h.ok("save_settings", json!({"settings": input})).await;
    assert_eq!(saved["owner"]["business"], "Rosa & Co");
    assert_eq!(saved["smtp"]["hasPassword"], true);
    assert!(saved.get("password").is_none() && saved["smtp"].get("password").is_none());
    let file = std::fs::read_to_string(&h.settings_file).unwrap();
    assert!(
        file.contains("Rosa & Co") && !file.contains("\"pw\""),
        "{file}"
    );
    let key =
        deskbell::secrets::account_key(deskbell::secrets::AccountKind::Smtp, "rosa@shop.example");
    assert_eq!(h.secrets.get(&key).unwrap().as_deref(), Some("pw"));
    assert_eq!(h.restarts.load(Ordering::SeqCst), 1);
    assert!(!h.notifications_paused());
    assert_eq!(
        h.running.config().owner.business.as_deref(),
        Some("Rosa & Co")
    );
    // The restarted core serves the same store.
    assert_eq!(h.ok("list_tickets", all).await[0]["ticketId"], id);

    // Bad calls are errors, not panics.
    let bad = h
        .call("get_ticket", json!({"ticketId": "nope"}))
        .await
        .unwrap_err();
    assert_eq!(bad.code, "invalid");
    let bad = h
        .call("set_status", json!({"ticketId": id, "status": "x"}))
        .await
        .unwrap_err();
    assert_eq!(bad.code, "invalid");
    let bad = h.call("no_such_command", Value::Null).await.unwrap_err();
    assert_eq!(bad.code, "unknown_command");

    let called = h.called.lock().unwrap().clone();
    let missing: Vec<_> = deskbell_wire::COMMANDS
        .iter()
        .filter(|c| !called.contains(**c))
        .collect();
    assert!(missing.is_empty(), "not exercised: {missing:?}");
    h.running.stop().await;
}

/// A save whose settings cannot start (the port is taken) keeps the previous core running and
/// says so; the file keeps what the owner typed.
#[tokio::test]
async fn a_settings_save_that_cannot_start_keeps_the_previous_core() {
    let h = host().await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let before = h.running.intake_addr();
    let mut settings = h.ok("get_settings", Value::Null).await;
    settings["intake"]["listen"] = json!(taken.local_addr().unwrap().to_string());
    let input = json!({"settings": {
        "owner": settings["owner"], "intake": settings["intake"],
        "notifications": settings["notifications"],
        "smtp": {"preset": null, "host": "", "port": null, "security": null, "username": "", "password": null},
        "imap": {"preset": null, "host": "", "port": null, "security": null, "username": "", "password": null},
    }});
    let err = h.call("save_settings", input).await.unwrap_err();
    assert_eq!(err.code, "restart");
    assert!(err.message.contains("previous ones"), "{}", err.message);
    assert_eq!(h.running.config().intake.listen, "127.0.0.1:0");
    let answered = reqwest::get(format!("http://{}/", h.running.intake_addr())).await;
    assert!(
        answered.is_ok(),
        "the previous core still listens ({before})"
    );
    h.running.stop().await;
}
