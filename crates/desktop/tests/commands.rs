//! Every window command through the real dispatcher, against a real core over a temp data dir,
//! with no display: a test [`Host`] stands in for the tray and start at login (it records what
//! they were asked), everything else is the real thing — the store, the intake listener, the
//! settings file and a file secret store, a core restart after a save.

use deskbell::domain::{Channel, NewTicket, Visitor};
use deskbell::secrets::{FileStore, SecretStore};
use deskbell_desktop::commands::dispatch;
use deskbell_desktop::opener::Opener;
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
    /// The opener program: a script that appends each link it is given to `opened`.
    opener: PathBuf,
    opened: PathBuf,
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
    fn opener(&self) -> Opener {
        Opener::program(&self.opener)
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
    host_with(CONFIG).await
}

async fn host_with(config: &str) -> TestHost {
    let dir = tempfile::tempdir().unwrap();
    let settings_file = dir.path().join("config.toml");
    std::fs::write(&settings_file, config).unwrap();
    let data = dir.path().join("data");
    let downloads = dir.path().join("Downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let config = deskbell::Config::load(Some(&settings_file), Vec::new()).unwrap();
    let (running, _events) = Running::start(config, &data).await.unwrap();
    let (opener, opened) = (dir.path().join("opener"), dir.path().join("opened.txt"));
    recording_opener(&opener, &opened, 0);
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
        opener,
        opened,
        _dir: dir,
    }
}

/// Writes `program`: a shell script that appends its argument to `record`, then exits `code`.
fn recording_opener(program: &Path, record: &Path, code: i32) {
    use std::os::unix::fs::PermissionsExt;
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\nexit {code}\n",
        record.display()
    );
    std::fs::write(program, script).unwrap();
    std::fs::set_permissions(program, std::fs::Permissions::from_mode(0o755)).unwrap();
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

/// A `list_tickets` argument: the first page of one view, newest activity first.
fn query(status: &str) -> Value {
    json!({"query": {"status": status, "search": "", "tag": null, "priority": null, "site": null,
        "sort": "updated", "offset": 0, "limit": 200}})
}

#[tokio::test]
async fn every_command_runs_through_the_dispatcher() {
    let h = host().await;

    // Tickets: list, counts, open, change, reply with a file, save that file.
    let long = "Where is my order? ".repeat(10);
    let id = h.ticket(&long).await;
    let all = query("all");
    let rows = h.ok("list_tickets", all.clone()).await["tickets"].clone();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["ticketId"], id);
    assert_eq!(rows[0]["status"], "open");
    let first = rows[0]["firstLine"].as_str().unwrap();
    assert!(
        first.ends_with('…') && first.chars().count() == 121,
        "{first}"
    );
    let closed = query("closed");
    assert_eq!(h.ok("list_tickets", closed).await["tickets"], json!([]));
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

    // Snooze: the quick picks, snoozed out of the waiting list, listed apart, unsnoozed.
    let choices = h.ok("snooze_choices", Value::Null).await;
    let choices = choices.as_array().unwrap();
    assert!(choices.len() >= 2, "{choices:?}");
    assert_eq!(choices.last().unwrap()["key"], "next_week");
    let until = choices.last().unwrap()["until"]
        .as_str()
        .unwrap()
        .to_string();
    let row = h
        .ok("snooze_ticket", json!({"ticketId": id, "until": until}))
        .await;
    assert_eq!(row["status"], "open", "a pending ticket reopens as snoozed");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(row["snoozedUntil"].as_str().unwrap()).unwrap(),
        chrono::DateTime::parse_from_rfc3339(&until).unwrap()
    );
    let snoozed = query("snoozed");
    assert_eq!(
        h.ok("list_tickets", snoozed.clone()).await["tickets"][0]["ticketId"],
        id
    );
    let open = query("open");
    assert_eq!(h.ok("list_tickets", open).await["tickets"], json!([]));
    let counts = h.ok("counts", Value::Null).await;
    assert_eq!(
        (counts["open"].as_u64(), counts["snoozed"].as_u64()),
        (Some(0), Some(1))
    );
    let past = h
        .call(
            "snooze_ticket",
            json!({"ticketId": id, "until": "2000-01-01T00:00:00Z"}),
        )
        .await
        .unwrap_err();
    assert_eq!(past.code, "invalid");
    assert!(past.message.contains("has passed"), "{}", past.message);
    let garbled = h
        .call("snooze_ticket", json!({"ticketId": id, "until": "soon"}))
        .await
        .unwrap_err();
    assert_eq!(garbled.code, "invalid");
    let row = h.ok("unsnooze_ticket", json!({"ticketId": id})).await;
    assert_eq!(row["snoozedUntil"], Value::Null);
    assert_eq!(h.ok("list_tickets", snoozed).await["tickets"], json!([]));

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

    // An internal note: in the thread, not mail (not in the queued count below).
    let note = json!({"ticketId": id, "text": "  Courier says Tuesday.  "});
    let detail = h.ok("add_note", note).await;
    let last = detail["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (&last["direction"], &last["text"], &last["state"]),
        (
            &json!("note"),
            &json!("Courier says Tuesday."),
            &Value::Null
        )
    );
    assert_eq!(
        detail["ticket"]["status"], "pending",
        "a note changes no status"
    );
    let blank = h
        .call("add_note", json!({"ticketId": id, "text": " "}))
        .await;
    assert_eq!(blank.unwrap_err().code, "invalid");
    let unknown = json!({"ticketId": "TKT-20200101-0099", "text": "x"});
    assert_eq!(
        h.call("add_note", unknown).await.unwrap_err().code,
        "not_found"
    );

    // Triage: filters and sort, merge, trash, spam, blocked senders.
    let other = h.ticket("Is the shop open on Sunday?").await;
    let page = h
        .ok(
            "list_tickets",
            json!({"query": {"status": "all", "search": "", "tag": "vip", "priority": null,
                "site": null, "sort": "priority", "offset": 0, "limit": 10}}),
        )
        .await;
    assert_eq!(
        (page["total"].as_u64(), &page["tickets"][0]["ticketId"]),
        (Some(1), &json!(id))
    );
    let page = h.ok("list_tickets", query("all")).await;
    assert_eq!(page["total"], 2);
    let bad_tag = json!({"query": {"status": "all", "search": "", "tag": "a,b", "priority": null,
        "site": null, "sort": "updated", "offset": 0, "limit": 10}});
    assert_eq!(
        h.call("list_tickets", bad_tag).await.unwrap_err().code,
        "invalid"
    );
    assert_eq!(
        h.ok("list_tags", Value::Null).await,
        json!(["billing", "vip"])
    );
    let merged = h
        .ok("merge_ticket", json!({"ticketId": other, "into": id}))
        .await;
    assert_eq!(merged["ticket"]["ticketId"], id);
    assert!(merged["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["text"] == "Is the shop open on Sunday?"));
    let source = h.ok("get_ticket", json!({"ticketId": other})).await;
    assert_eq!(source["ticket"]["mergedInto"], id);
    let again = h
        .call("merge_ticket", json!({"ticketId": id, "into": other}))
        .await
        .unwrap_err();
    assert_eq!(again.code, "conflict");
    let row = h.ok("delete_ticket", json!({"ticketId": id})).await;
    assert!(row["deletedAt"].is_string());
    assert_eq!(h.ok("list_tickets", query("trash")).await["total"], 1);
    assert_eq!(h.ok("counts", Value::Null).await["trash"], 1);
    let row = h.ok("restore_ticket", json!({"ticketId": id})).await;
    assert_eq!(row["deletedAt"], Value::Null);
    let row = h
        .ok("set_spam", json!({"ticketId": id, "spam": true}))
        .await;
    assert_eq!(row["spam"], true);
    assert_eq!(
        h.ok("list_tickets", query("spam")).await["tickets"][0]["ticketId"],
        id
    );
    assert_eq!(h.ok("counts", Value::Null).await["spam"], 1);
    h.ok("set_spam", json!({"ticketId": id, "spam": false}))
        .await;
    let blocked = h
        .ok("block_sender", json!({"address": "@Spam.Example"}))
        .await;
    assert_eq!(blocked[0]["address"], "@spam.example");
    assert_eq!(h.ok("list_blocked", Value::Null).await, blocked);
    let bad = h.call("block_sender", json!({"address": "nobody"})).await;
    assert_eq!(bad.unwrap_err().code, "invalid");
    let none = h
        .ok("unblock_sender", json!({"address": "@spam.example"}))
        .await;
    assert_eq!(none, json!([]));

    // Canned replies.
    assert_eq!(h.ok("canned_replies", Value::Null).await, json!([]));
    let new = json!({"id": null, "title": "Shipping", "body": "It ships in 2 days."});
    let canned = h.ok("save_canned_reply", new).await;
    let canned_id = canned["id"].clone();
    assert_eq!(
        h.ok("canned_replies", Value::Null).await[0]["title"],
        "Shipping"
    );
    // Inserted into a ticket's reply, its fields are filled by the core.
    let body = "Hi {visitor_first_name}, {ticket_id} ships today. {{x}} {order} — {business}";
    let edit = json!({"id": canned_id, "title": "Shipping", "body": body});
    h.ok("save_canned_reply", edit).await;
    let fill = json!({"id": canned_id, "ticketId": id});
    assert_eq!(
        h.ok("fill_canned_reply", fill).await,
        json!(format!(
            "Hi Ana, {id} ships today. {{x}} {{order}} — Rosa's Shop"
        ))
    );
    let unknown = json!({"id": 999_999, "ticketId": id});
    let unknown = h.call("fill_canned_reply", unknown).await.unwrap_err();
    assert_eq!(unknown.code, "not_found");
    h.ok("delete_canned_reply", json!({"id": canned_id})).await;
    assert_eq!(h.ok("canned_replies", Value::Null).await, json!([]));

    // Websites: the snippet points at the running listener (no public address set).
    assert_eq!(h.ok("list_sites", Value::Null).await, json!([]));
    let site = json!({"name": "Shop", "origins": ["https://shop.example"]});
    let site = h.ok("add_site", site).await;
    let intake = h.running.intake_addr().to_string();
    assert!(site["snippet"].as_str().unwrap().contains(&intake));
    assert_eq!(site["pointsAtThisComputer"], true);
    assert_eq!(h.ok("list_sites", Value::Null).await[0]["name"], "Shop");
    let reach = h.ok("check_public_url", json!({"url": null})).await;
    assert_eq!(
        (&reach["ok"], &reach["verdict"]),
        (&json!(false), &json!("not_set"))
    );
    let saved = h.ok("save_widget", json!({"site": "Shop"})).await;
    assert!(saved["folder"]
        .as_str()
        .unwrap()
        .ends_with("deskbell-widget-shop"));
    // Edit, rotate, remove: the listener refuses a rotated-away or removed token at once.
    let old_token = site["botToken"].as_str().unwrap().to_string();
    let edit =
        json!({"name": "Shop", "rename": "Rosa's Shop", "origins": ["HTTPS://Rosa.Example/"]});
    let edited = h.ok("edit_site", edit).await;
    assert_eq!(
        (&edited["name"], &edited["origins"], &edited["botToken"]),
        (
            &json!("Rosa's Shop"),
            &json!(["https://rosa.example"]),
            &json!(old_token)
        )
    );
    let origins_only = json!({"name": "Rosa's Shop", "origins": ["https://shop.example"]});
    assert_eq!(h.ok("edit_site", origins_only).await["name"], "Rosa's Shop");
    let unknown = h
        .call("edit_site", json!({"name": "Shop", "rename": "X"}))
        .await;
    let unknown = unknown.unwrap_err();
    assert_eq!(unknown.code, "not_found");
    assert!(
        unknown.message.contains(r#"the sites are "Rosa's Shop""#),
        "{}",
        unknown.message
    );
    let rotated = h
        .ok("rotate_site_token", json!({"name": "Rosa's Shop"}))
        .await;
    let new_token = rotated["botToken"].as_str().unwrap().to_string();
    assert_ne!(new_token, old_token);
    assert!(rotated["snippet"].as_str().unwrap().contains(&new_token));
    // No issue: a known token gets as far as the fields (422), an unknown one does not (401),
    // and no ticket (nor mail) is made.
    let post = |token: String| {
        let url = format!("http://{intake}/tickets/create");
        async move {
            let body = json!({"bot_token": token, "visitor_name": "Lin",
                "visitor_email": "lin@example.com", "issue": ""});
            let resp = reqwest::Client::new().post(url).json(&body).send().await;
            resp.unwrap().status().as_u16()
        }
    };
    assert_eq!(post(old_token).await, 401);
    assert_eq!(post(new_token.clone()).await, 422);
    h.ok("remove_site", json!({"name": "Rosa's Shop"})).await;
    assert_eq!(h.ok("list_sites", Value::Null).await, json!([]));
    assert_eq!(post(new_token).await, 401);
    let gone = h.call("remove_site", json!({"name": "Rosa's Shop"})).await;
    assert_eq!(gone.unwrap_err().code, "not_found");

    // Status line and switches.
    let status = h.ok("app_status", Value::Null).await;
    assert_eq!(status["intakeAddr"], intake);
    // The owner's notification and the visitor's confirmation of each of the two tickets,
    // and the reply (the note is not mail).
    assert_eq!(status["mailQueued"], 5);
    assert_eq!(status["sync"], json!({"state": "off"}));
    h.ok("set_notifications_paused", json!({"paused": true}))
        .await;
    assert!(h.notifications_paused());
    assert_eq!(h.tray_refreshes.load(Ordering::SeqCst), 1);
    h.ok("set_start_at_login", json!({"enabled": true})).await;
    assert_eq!(h.ok("app_status", Value::Null).await["startAtLogin"], true);
    // A mail's link opens through the desktop's opener (here: one that records it).
    let link = json!({"url": "https://shop.example/orders/1042?track=1"});
    assert_eq!(h.ok("open_link", link).await, Value::Null);
    assert_eq!(
        std::fs::read_to_string(&h.opened).unwrap(),
        "https://shop.example/orders/1042?track=1\n"
    );
    assert_eq!(
        h.ok("tunnel_status", Value::Null).await,
        json!({"state": "not_configured"}),
        "no [tunnel] command"
    );

    // The outbox: nothing sent or failed yet (no SMTP), the default budget, nothing to resend.
    let mail = h.ok("mail_status", Value::Null).await;
    assert_eq!(
        (&mail["queued"], &mail["held"], &mail["sentLast24h"]),
        (&json!(5), &json!(0), &json!(0)),
        "{mail}"
    );
    assert_eq!(mail["dailyLimit"], 400);
    assert_eq!(
        (&mail["failedTotal"], &mail["failed"]),
        (&json!(0), &json!([]))
    );
    assert_eq!(mail["nextSlotAt"], Value::Null);
    let missing = h
        .call("resend_mail", json!({"id": 999_999}))
        .await
        .unwrap_err();
    assert_eq!(missing.code, "not_found");
    assert!(
        missing.message.contains("no failed email 999999"),
        "{}",
        missing.message
    );
    let bad = h
        .call("resend_mail", json!({"id": null}))
        .await
        .unwrap_err();
    assert_eq!(bad.code, "invalid");
    let after = h.ok("resend_failed", Value::Null).await;
    assert_eq!(after["queued"], 5, "nothing failed, nothing changes");

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
    assert_eq!(
        h.ok("list_tickets", all).await["tickets"][0]["ticketId"],
        id
    );

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

/// Whatever the page sends, open_link opens only web, mail and phone links, passed whole to
/// the opener as one argument; anything else is refused with a sentence and never reaches it.
/// An opener that fails or cannot start is an error the window shows.
#[tokio::test]
async fn open_link_opens_only_web_mail_and_phone_links() {
    let h = host().await;
    let open = |url: &str| h.call("open_link", json!({ "url": url }));
    for url in [
        "https://bank.example/login?next=/a&b=c",
        "mailto:rosa@shop.example?subject=Order%201042",
        "tel:+34600000000",
    ] {
        open(url).await.unwrap_or_else(|e| panic!("{url}: {e:?}"));
    }
    for (url, says) in [
        (
            "javascript:alert(document.cookie)",
            "cannot open a javascript: link",
        ),
        ("file:///etc/passwd", "cannot open a file: link"),
        (
            "data:text/html,<script>x</script>",
            "cannot open a data: link",
        ),
        ("/account/reset", "not a valid address"),
        ("https://evil.example/\njavascript:x", "not a valid address"),
        ("https://", "not a valid address"),
        ("; rm -rf ~", "not a valid address"),
    ] {
        let e = open(url).await.unwrap_err();
        assert_eq!(e.code, "invalid_link", "{url}");
        assert!(e.message.contains(says), "{url}: {}", e.message);
    }
    assert_eq!(
        std::fs::read_to_string(&h.opened).unwrap(),
        "https://bank.example/login?next=/a&b=c\n\
         mailto:rosa@shop.example?subject=Order%201042\n\
         tel:+34600000000\n",
        "exactly the good links reached the opener, each whole"
    );

    recording_opener(&h.opener, &h.opened, 3);
    let failed = open("https://shop.example/").await.unwrap_err();
    assert_eq!(failed.code, "open_failed");
    assert!(
        failed.message.contains("could not open it"),
        "{}",
        failed.message
    );
    std::fs::remove_file(&h.opener).unwrap();
    let missing = open("https://shop.example/").await.unwrap_err();
    assert_eq!(missing.code, "open_failed");
    assert!(
        missing.message.contains("cannot be started"),
        "{}",
        missing.message
    );
}

/// `tunnel_status` once it says running (bounded).
async fn tunnel_running(h: &TestHost) -> Value {
    let end = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let s = h.ok("tunnel_status", Value::Null).await;
        if s["state"] == "running" {
            return s;
        }
        assert!(std::time::Instant::now() < end, "never running: {s}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The managed tunnel's state as the status area reads it: running with its pid, still set
/// (and running again) after a settings save rewrote the file, stopped with the core.
#[tokio::test]
async fn tunnel_status_follows_the_tunnel_through_a_settings_save() {
    // Any long-running program stands in for the tunnel here (tests/tunnel.rs runs a proxy).
    let h = host_with(&format!("{CONFIG}\n[tunnel]\ncommand = \"sleep 300\"\n")).await;
    let before = tunnel_running(&h).await;
    assert!(before["pid"].as_u64().unwrap() > 0, "{before}");
    assert!(before["since"].is_string(), "{before}");

    let mut settings = h.ok("get_settings", Value::Null).await;
    settings["owner"]["name"] = json!("Rosa M.");
    let input = json!({"settings": {
        "owner": settings["owner"], "intake": settings["intake"],
        "notifications": settings["notifications"],
        "smtp": {"preset": null, "host": "", "port": null, "security": null, "username": "", "password": null},
        "imap": {"preset": null, "host": "", "port": null, "security": null, "username": "", "password": null},
    }});
    h.ok("save_settings", input).await;
    let file = std::fs::read_to_string(&h.settings_file).unwrap();
    assert!(
        file.contains("sleep 300"),
        "the save keeps [tunnel]:\n{file}"
    );
    let after = tunnel_running(&h).await;
    assert_ne!(
        after["pid"], before["pid"],
        "the restarted core runs its own"
    );

    h.running.stop().await;
    assert_eq!(
        h.ok("tunnel_status", Value::Null).await,
        json!({"state": "stopped"})
    );
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

/// A loopback SMTP server that refuses every recipient with 550 5.1.1 until `accept` is set,
/// then takes every message; counts the messages it took.
struct FakeSmtp {
    port: u16,
    accept: std::sync::Arc<AtomicBool>,
    taken: std::sync::Arc<AtomicUsize>,
}

async fn fake_smtp() -> FakeSmtp {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accept = std::sync::Arc::new(AtomicBool::new(false));
    let taken = std::sync::Arc::new(AtomicUsize::new(0));
    let (a, t) = (accept.clone(), taken.clone());
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let (a, t) = (a.clone(), t.clone());
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 fake ESMTP\r\n").await.ok();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            t.fetch_add(1, Ordering::SeqCst);
                            w.write_all(b"250 2.0.0 queued\r\n").await.ok();
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-fake\r\n250 8BITMIME\r\n",
                        "RCPT" if !a.load(Ordering::SeqCst) => b"550 5.1.1 user unknown\r\n",
                        "DATA" => {
                            in_data = true;
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            w.write_all(b"221 bye\r\n").await.ok();
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    w.write_all(reply).await.ok();
                }
            });
        }
    });
    FakeSmtp {
        port,
        accept,
        taken,
    }
}

/// Polls `mail_status` until `done` holds (10 s at most).
async fn mail_status_until(h: &TestHost, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let status = h.ok("mail_status", Value::Null).await;
        if done(&status) {
            return status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{what}: {}", h.ok("mail_status", Value::Null).await);
}

/// Mail the server refuses is listed as failed with the server's reason, on the ticket too;
/// resend of one and of all puts it back in the queue and it leaves once the server takes it.
#[tokio::test]
async fn refused_mail_is_listed_and_resent() {
    let smtp = fake_smtp().await;
    let config = format!(
        "{CONFIG}\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"plain\"\n",
        smtp.port
    );
    let h = host_with(&config).await;
    let id = h.ticket("My parcel never came").await;
    h.ok(
        "send_reply",
        json!({"ticketId": id, "text": "Sorry! Sending another.", "files": []}),
    )
    .await;

    // The owner's notification, the visitor's confirmation and the reply: all refused.
    let status = mail_status_until(&h, "three failed", |s| s["failedTotal"] == 3).await;
    assert_eq!(
        (&status["queued"], &status["sentLast24h"]),
        (&json!(0), &json!(0))
    );
    let failed = status["failed"].as_array().unwrap();
    for f in failed {
        assert_eq!(f["ticketId"], id, "{f}");
        assert!(f["reason"].as_str().unwrap().contains("550"), "{f}");
        assert_eq!(f["bounced"], false, "refused, not bounced: {f}");
    }
    let reply = failed.iter().find(|f| f["kind"] == "reply").unwrap();
    assert_eq!(reply["to"], "ana@example.com");

    // The ticket carries its failed mail, with the id to resend, next to the failed entry.
    let detail = h.ok("get_ticket", json!({"ticketId": id})).await;
    assert_eq!(detail["failedMail"].as_array().unwrap().len(), 3);
    let out = detail["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (&out["direction"], &out["state"]),
        (&json!("out"), &json!("failed"))
    );
    assert!(detail["failedMail"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == reply["id"]));

    // Resend one: it is no longer failed in the answer, and leaves once the server takes it.
    smtp.accept.store(true, Ordering::SeqCst);
    let after = h.ok("resend_mail", json!({"id": reply["id"]})).await;
    assert_eq!(after["failedTotal"], 2, "{after}");
    assert!(after["failed"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["id"] != reply["id"]));
    let again = h.call("resend_mail", json!({"id": reply["id"]})).await;
    assert_eq!(again.unwrap_err().code, "not_found", "not failed any more");
    mail_status_until(&h, "the reply sent", |s| s["sentLast24h"] == 1).await;
    let detail = h.ok("get_ticket", json!({"ticketId": id})).await;
    let out = detail["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(out["state"], "sent");
    assert_eq!(detail["failedMail"].as_array().unwrap().len(), 2);

    // Resend all.
    let after = h.ok("resend_failed", Value::Null).await;
    assert_eq!(
        (&after["failedTotal"], &after["failed"]),
        (&json!(0), &json!([]))
    );
    let done = mail_status_until(&h, "all sent", |s| s["sentLast24h"] == 3).await;
    assert_eq!(done["queued"], 0);
    assert_eq!(smtp.taken.load(Ordering::SeqCst), 3);
    h.running.stop().await;
}

/// "Download widget.js": the served script and a snippet loading it from the site itself,
/// posting to the public address with the support address, in the Downloads folder.
#[tokio::test]
async fn save_widget_writes_the_script_and_the_self_hosted_snippet_into_downloads() {
    let h = host_with(&format!(
        "{CONFIG}public_url = \"https://desk.rosa.example/\"\n"
    ))
    .await;
    let site = json!({"name": "Rosa's Shop", "origins": ["https://shop.example"]});
    let token = h.ok("add_site", site).await["botToken"]
        .as_str()
        .unwrap()
        .to_string();
    let saved = h.ok("save_widget", json!({"site": "Rosa's Shop"})).await;
    let folder = h.downloads.join("deskbell-widget-rosa-s-shop");
    assert_eq!(saved["folder"], folder.display().to_string());
    let snippet = format!(
        "<script src=\"/widget.js\" data-endpoint=\"https://desk.rosa.example\" \
         data-bot-token=\"{token}\" data-support-email=\"rosa+support@shop.example\" \
         async></script>"
    );
    assert_eq!(saved["snippet"], snippet);
    assert_eq!(
        std::fs::read(folder.join("widget.js")).unwrap(),
        deskbell::intake::WIDGET_JS.as_bytes()
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("snippet.html")).unwrap(),
        format!("{snippet}\n")
    );
    // Again: the same folder, the files replaced.
    h.ok("save_widget", json!({"site": "Rosa's Shop"})).await;
    assert_eq!(std::fs::read_dir(&h.downloads).unwrap().count(), 1);

    let unknown = h
        .call("save_widget", json!({"site": "Nope"}))
        .await
        .unwrap_err();
    assert_eq!(unknown.code, "not_found");
    assert!(
        unknown.message.contains("\"Rosa's Shop\""),
        "{}",
        unknown.message
    );
    h.running.stop().await;
}

/// "Check" beside the public address: the address as typed, else the saved one, through the
/// real listener; this install's proof passes, another install's listener does not.
#[tokio::test]
async fn check_public_url_says_whether_the_address_reaches_this_deskbell() {
    let other = host().await;
    let theirs = format!("http://{}", other.running.intake_addr());
    let h = host_with(&format!("{CONFIG}public_url = \"{theirs}\"\n")).await;
    let ours = format!("http://{}", h.running.intake_addr());

    let report = h.ok("check_public_url", json!({"url": ours})).await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["verdict"], "this_computer");
    assert_eq!(report["url"], ours.as_str());
    let message = report["message"].as_str().unwrap();
    assert!(
        message.contains("reaches this Deskbell, but only from this computer"),
        "{message}"
    );

    // No url: the saved public address, which is another install's listener.
    let report = h.ok("check_public_url", Value::Null).await;
    assert_eq!(
        (&report["ok"], &report["verdict"]),
        (&json!(false), &json!("other_deskbell"))
    );
    assert_eq!(report["url"], theirs.as_str());
    assert!(report["message"]
        .as_str()
        .unwrap()
        .contains("reaches another Deskbell"));

    let report = h
        .ok(
            "check_public_url",
            json!({"url": "https://deskbell-reach-test.invalid"}),
        )
        .await;
    assert_eq!(report["verdict"], "dns", "{report}");
    let report = h
        .ok("check_public_url", json!({"url": "support.example"}))
        .await;
    assert_eq!(report["verdict"], "invalid_url", "{report}");
    let bad = h
        .call("check_public_url", json!({"url": 7}))
        .await
        .unwrap_err();
    assert_eq!(bad.code, "invalid");

    // A loopback public address still marks the snippets as pointing at this computer.
    let site = json!({"name": "Shop", "origins": ["https://shop.example"]});
    assert_eq!(h.ok("add_site", site).await["pointsAtThisComputer"], true);
    let https = host_with(&format!(
        "{CONFIG}public_url = \"https://desk.rosa.example\"\n"
    ))
    .await;
    let site = json!({"name": "Shop", "origins": ["https://shop.example"]});
    assert_eq!(
        https.ok("add_site", site).await["pointsAtThisComputer"],
        false
    );
    for host in [h, other, https] {
        host.running.stop().await;
    }
}
