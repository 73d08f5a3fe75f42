//! The `deskbell` command line as scripts use it: real binary, real data dir.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_deskbell");

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DESKBELL_CONFIG")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("DESKBELL_OWNER_TIMEZONE", "UTC")
        .output()
        .unwrap()
}

fn ok_json(dir: &Path, args: &[&str]) -> Value {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn site_add_prints_token_and_snippet_and_lists() {
    let dir = tempfile::tempdir().unwrap();
    let site = ok_json(
        dir.path(),
        &[
            "site",
            "add",
            "Rosa's Bakery",
            "--origin",
            "https://Rosa.example/",
            "--origin",
            "http://localhost:8080",
            "--json",
        ],
    );
    let token = site["bot_token"].as_str().unwrap();
    assert!(token.starts_with("dbt_"));
    assert_eq!(
        site["origins"],
        serde_json::json!(["https://rosa.example", "http://localhost:8080"])
    );
    let snippet = site["snippet"].as_str().unwrap();
    assert!(
        snippet.contains(token) && snippet.contains("/widget.js"),
        "{snippet}"
    );
    assert!(
        !snippet.contains("data-support-email"),
        "no owner address, no mail fallback: {snippet}"
    );

    let human = run(
        dir.path(),
        &["site", "add", "Second", "--origin", "https://two.example"],
    );
    assert!(human.status.success());
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("<script") && text.contains("Bot token"),
        "{text}"
    );

    let list = ok_json(dir.path(), &["site", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    // With an owner, the widget's mail fallback writes to the support address.
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["site", "list", "--json"])
        .env_remove("DESKBELL_CONFIG")
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("DESKBELL_OWNER_TIMEZONE", "UTC")
        .env("DESKBELL_OWNER_EMAIL", "rosa@gmail.com")
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let snippet = list[0]["snippet"].as_str().unwrap();
    assert!(
        snippet.contains(r#"data-support-email="rosa+support@gmail.com""#),
        "{snippet}"
    );
    let dup = run(
        dir.path(),
        &["site", "add", "Second", "--origin", "https://x.example"],
    );
    assert!(!dup.status.success());
    assert!(stderr(&dup).contains("already exists"), "{}", stderr(&dup));

    let bad = run(
        dir.path(),
        &["site", "add", "Bad", "--origin", "rosa.example/path"],
    );
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("origin"), "{}", stderr(&bad));
}

#[tokio::test]
async fn tickets_list_show_set() {
    let dir = tempfile::tempdir().unwrap();
    // Create a ticket through the core with the same data dir.
    {
        let cfg = deskbell::Config::from_toml(
            "[owner]\ntimezone = \"UTC\"\n[intake]\nlisten = \"127.0.0.1:0\"\n",
            "t",
            Vec::<(String, String)>::new(),
        )
        .unwrap();
        let app = deskbell::Deskbell::start(&cfg, dir.path()).await.unwrap();
        let site = app
            .inbox()
            .add_site("S", &["https://s.example".into()])
            .await
            .unwrap();
        let resp = reqwest::Client::new()
            .post(format!("http://{}/tickets/create", app.intake_addr()))
            .json(&serde_json::json!({
                "bot_token": site.bot_token, "visitor_name": "Lin", "visitor_email": "lin@example.com",
                "visitor_phone": "555 0100", "issue": "Where is my parcel?\nOrder 1234",
                "session_id": "sess-9"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
        app.stop().await;
    }
    let list = ok_json(dir.path(), &["tickets", "list", "--json"]);
    let id = list[0]["ticket_id"].as_str().unwrap().to_string();
    assert_eq!(list[0]["status"], "open");

    let show = ok_json(dir.path(), &["tickets", "show", &id, "--json"]);
    assert_eq!(show["ticket_id"], id.as_str());
    assert_eq!(show["visitor"]["name"], "Lin");
    assert_eq!(show["visitor"]["phone"], "555 0100");
    assert_eq!(show["session_id"], "sess-9");
    assert_eq!(show["issue"], "Where is my parcel?\nOrder 1234");
    assert_eq!(show["messages"][0]["direction"], "in");
    assert_eq!(
        show["messages"][0]["text"],
        "Where is my parcel?\nOrder 1234"
    );
    assert!(show["created_at"].is_string() && show["updated_at"].is_string());

    let set = ok_json(
        dir.path(),
        &[
            "tickets",
            "set",
            &id,
            "--status",
            "pending",
            "--priority",
            "high",
            "--json",
        ],
    );
    assert_eq!(
        (set["status"].as_str(), set["priority"].as_str()),
        (Some("pending"), Some("high"))
    );
    let pending = ok_json(
        dir.path(),
        &["tickets", "list", "--status", "pending", "--json"],
    );
    assert_eq!(pending.as_array().unwrap().len(), 1);
    let open = ok_json(
        dir.path(),
        &["tickets", "list", "--status", "open", "--json"],
    );
    assert!(open.as_array().unwrap().is_empty());

    let human = run(dir.path(), &["tickets", "list"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains(&id) && text.contains("Lin <lin@example.com>"),
        "{text}"
    );

    let missing = run(dir.path(), &["tickets", "show", "TKT-20000101-0001"]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("not found"),
        "{}",
        stderr(&missing)
    );
    let malformed = run(dir.path(), &["tickets", "show", "ticket-1"]);
    assert!(!malformed.status.success());
    assert!(
        stderr(&malformed).contains("TKT-YYYYMMDD-NNNN"),
        "{}",
        stderr(&malformed)
    );
    let bad_status = run(dir.path(), &["tickets", "set", &id, "--status", "done"]);
    assert!(
        stderr(&bad_status).contains("open, pending, closed"),
        "{}",
        stderr(&bad_status)
    );
}

#[test]
fn config_errors_name_key_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("deskbell.toml");
    std::fs::write(&cfg, "[intake]\nmax_body_bytes = \"lots\"\n").unwrap();
    let out = run(
        dir.path(),
        &["--config", cfg.to_str().unwrap(), "site", "list"],
    );
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(
        e.contains("intake.max_body_bytes") && e.contains("deskbell.toml"),
        "{e}"
    );
    assert!(!e.contains("panicked"), "{e}");

    let out = run(
        dir.path(),
        &["--config", "/no/such/file.toml", "site", "list"],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("/no/such/file.toml"),
        "{}",
        stderr(&out)
    );

    let out = Command::new(BIN)
        .args(["--data-dir", dir.path().to_str().unwrap(), "site", "list"])
        .env("DESKBELL_INTAKE_LISTEN", "everywhere")
        .env("XDG_CONFIG_HOME", dir.path().join("none"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("DESKBELL_INTAKE_LISTEN"),
        "{}",
        stderr(&out)
    );

    // The default config file is read when present.
    let xdg = dir.path().join("config").join("deskbell");
    std::fs::create_dir_all(&xdg).unwrap();
    std::fs::write(
        xdg.join("config.toml"),
        "[owner]\ntimezone = \"Nowhere/City\"\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["--data-dir", dir.path().to_str().unwrap(), "site", "list"])
        .env_remove("DESKBELL_OWNER_TIMEZONE")
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("owner.timezone") && stderr(&out).contains("config.toml"),
        "{}",
        stderr(&out)
    );
}
