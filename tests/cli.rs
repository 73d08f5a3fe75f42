//! The `deskbell` command line as scripts use it: real binary, real data dir.

#[path = "common/nginx.rs"]
#[allow(dead_code)]
mod nginx;

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

/// A running Deskbell (listener on a free loopback port, UTC) over `dir`, beside the CLI.
async fn start_core(dir: &Path) -> deskbell::Deskbell {
    let cfg = deskbell::Config::from_toml(
        "[owner]\ntimezone = \"UTC\"\n[intake]\nlisten = \"127.0.0.1:0\"\n",
        "t",
        Vec::<(String, String)>::new(),
    )
    .unwrap();
    deskbell::Deskbell::start(&cfg, dir).await.unwrap()
}

/// Posts `body` to the running listener's `/tickets/create`; the HTTP status.
async fn post_ticket(app: &deskbell::Deskbell, body: serde_json::Value) -> u16 {
    reqwest::Client::new()
        .post(format!("http://{}/tickets/create", app.intake_addr()))
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
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

#[test]
fn site_edit_renames_and_replaces_origins() {
    let dir = tempfile::tempdir().unwrap();
    let add = |name: &str| {
        ok_json(
            dir.path(),
            &[
                "site",
                "add",
                name,
                "--origin",
                "https://a.example",
                "--json",
            ],
        )
    };
    let token = add("Shop")["bot_token"].as_str().unwrap().to_string();
    add("Other");

    let edited = ok_json(
        dir.path(),
        &[
            "site",
            "edit",
            "Shop",
            "--rename",
            " Rosa's Shop ",
            "--origin",
            "HTTPS://Rosa.Example/",
            "--origin",
            "http://localhost:8080",
            "--json",
        ],
    );
    assert_eq!(edited["name"], "Rosa's Shop");
    assert_eq!(
        edited["origins"],
        serde_json::json!(["https://rosa.example", "http://localhost:8080"])
    );
    assert_eq!(
        edited["bot_token"],
        token.as_str(),
        "editing keeps the token"
    );
    assert!(edited["snippet"].as_str().unwrap().contains(&token));

    // Origins alone; the name stays.
    let human = run(
        dir.path(),
        &[
            "site",
            "edit",
            "Rosa's Shop",
            "--origin",
            "https://b.example",
        ],
    );
    assert!(human.status.success(), "{}", stderr(&human));
    assert!(String::from_utf8_lossy(&human.stdout).contains("https://b.example"));
    let list = ok_json(dir.path(), &["site", "list", "--json"]);
    assert_eq!(list[0]["name"], "Rosa's Shop");
    assert_eq!(list[0]["origins"], serde_json::json!(["https://b.example"]));

    let taken = run(
        dir.path(),
        &["site", "edit", "Rosa's Shop", "--rename", "Other"],
    );
    assert!(!taken.status.success());
    assert!(
        stderr(&taken).contains("already exists"),
        "{}",
        stderr(&taken)
    );
    let unknown = run(dir.path(), &["site", "edit", "Shop", "--rename", "X"]);
    assert!(!unknown.status.success());
    assert!(
        stderr(&unknown)
            .contains(r#"there is no site named "Shop"; the sites are "Rosa's Shop", "Other""#),
        "{}",
        stderr(&unknown)
    );
    let nothing = run(dir.path(), &["site", "edit", "Other"]);
    assert!(
        stderr(&nothing).contains("nothing to change"),
        "{}",
        stderr(&nothing)
    );
    let bad = run(
        dir.path(),
        &["site", "edit", "Other", "--origin", "other.example/x"],
    );
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("origin"), "{}", stderr(&bad));
}

/// A rotate or remove by a separate `deskbell` process takes effect on the running listener's
/// very next request, although the listener had the old token cached.
// multi-thread: the listener must serve while the test waits on the CLI processes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_rotate_token_and_remove_take_effect_on_a_running_listener() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_core(dir.path()).await;
    let post = |token: String| {
        post_ticket(
            &app,
            serde_json::json!({
                "bot_token": token, "visitor_name": "Lin",
                "visitor_email": "lin@example.com", "issue": "Where is my parcel?"
            }),
        )
    };
    let site = ok_json(
        dir.path(),
        &[
            "site",
            "add",
            "Shop",
            "--origin",
            "https://shop.example",
            "--json",
        ],
    );
    let old = site["bot_token"].as_str().unwrap().to_string();
    assert_eq!(post(old.clone()).await, 201, "the old token, now cached");

    let rotated = ok_json(dir.path(), &["site", "rotate-token", "Shop", "--json"]);
    let new = rotated["bot_token"].as_str().unwrap().to_string();
    assert!(new.starts_with("dbt_") && new != old);
    assert!(rotated["snippet"].as_str().unwrap().contains(&new));
    assert_eq!(
        post(old.clone()).await,
        401,
        "the old token is refused at once"
    );
    assert_eq!(post(new.clone()).await, 201);
    assert_eq!(post(old.clone()).await, 401);

    let human = run(dir.path(), &["site", "rotate-token", "Shop"]);
    assert!(human.status.success(), "{}", stderr(&human));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("old one is refused") && text.contains("<script"),
        "{text}"
    );
    let newest = ok_json(dir.path(), &["site", "list", "--json"])[0]["bot_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(post(new).await, 401);
    assert_eq!(post(newest.clone()).await, 201);

    let removed = ok_json(dir.path(), &["site", "remove", "Shop", "--json"]);
    assert_eq!(removed["removed"], "Shop");
    assert_eq!(
        post(newest).await,
        401,
        "a removed site's token is refused at once"
    );
    assert_eq!(
        ok_json(dir.path(), &["site", "list", "--json"]),
        serde_json::json!([])
    );
    // Its tickets stay, marked as from a removed site.
    let tickets = ok_json(dir.path(), &["tickets", "list", "--json"]);
    assert_eq!(tickets.as_array().unwrap().len(), 3);
    assert!(
        tickets
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["site"] == "(removed site)"),
        "{tickets}"
    );
    let again = run(dir.path(), &["site", "remove", "Shop"]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("there are no sites yet"),
        "{}",
        stderr(&again)
    );
    app.stop().await;
}

#[tokio::test]
async fn tickets_list_show_set() {
    let dir = tempfile::tempdir().unwrap();
    // Create a ticket through the core with the same data dir.
    {
        let app = start_core(dir.path()).await;
        let site = app
            .inbox()
            .add_site("S", &["https://s.example".into()])
            .await
            .unwrap();
        let body = serde_json::json!({
            "bot_token": site.bot_token, "visitor_name": "Lin", "visitor_email": "lin@example.com",
            "visitor_phone": "555 0100", "issue": "Where is my parcel?\nOrder 1234",
            "session_id": "sess-9"
        });
        assert_eq!(post_ticket(&app, body).await, 201);
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

#[tokio::test]
async fn site_widget_writes_the_served_script_and_a_self_hosted_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let with_owner = |args: &[&str]| {
        Command::new(BIN)
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env_remove("DESKBELL_CONFIG")
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("DESKBELL_OWNER_TIMEZONE", "UTC")
            .env("DESKBELL_OWNER_EMAIL", "rosa@gmail.com")
            .env("DESKBELL_INTAKE_PUBLIC_URL", "https://desk.rosa.example/")
            .output()
            .unwrap()
    };
    let site = ok_json(
        dir.path(),
        &[
            "site",
            "add",
            "Rosa's Bakery",
            "--origin",
            "https://rosa.example",
            "--json",
        ],
    );
    let token = site["bot_token"].as_str().unwrap();

    let out = dir.path().join("upload/me");
    let done = with_owner(&[
        "site",
        "widget",
        "Rosa's Bakery",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(done.status.success(), "{}", stderr(&done));
    let text = String::from_utf8_lossy(&done.stdout);
    let snippet = format!(
        "<script src=\"/widget.js\" data-endpoint=\"https://desk.rosa.example\" \
         data-bot-token=\"{token}\" data-support-email=\"rosa+support@gmail.com\" async></script>"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("snippet.html")).unwrap(),
        format!("{snippet}\n")
    );
    assert!(text.contains(&snippet), "prints the snippet: {text}");
    assert!(
        text.contains(&out.join("widget.js").display().to_string())
            && text.contains(&out.join("snippet.html").display().to_string())
            && text.contains("Upload widget.js to your website"),
        "{text}"
    );

    // The very bytes the listener serves at GET /widget.js.
    let served_dir = tempfile::tempdir().unwrap();
    let app = start_core(served_dir.path()).await;
    let served = reqwest::get(format!("http://{}/widget.js", app.intake_addr()))
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    let served = served.bytes().await.unwrap();
    app.stop().await;
    assert_eq!(
        std::fs::read(out.join("widget.js")).unwrap(),
        served.to_vec()
    );

    // --src: where the owner will upload it (a folder gets the file name).
    let cdn = with_owner(&[
        "site",
        "widget",
        "Rosa's Bakery",
        "--out",
        out.to_str().unwrap(),
        "--src",
        "https://cdn.rosa.example/js/",
    ]);
    assert!(cdn.status.success(), "{}", stderr(&cdn));
    let html = std::fs::read_to_string(out.join("snippet.html")).unwrap();
    assert!(
        html.starts_with(
            "<script src=\"https://cdn.rosa.example/js/widget.js\" \
             data-endpoint=\"https://desk.rosa.example\" "
        ),
        "{html}"
    );
    let bad_src = with_owner(&[
        "site",
        "widget",
        "Rosa's Bakery",
        "--out",
        out.to_str().unwrap(),
        "--src",
        "javascript:alert(1)",
    ]);
    assert!(!bad_src.status.success());
    assert!(
        stderr(&bad_src).contains("script address"),
        "{}",
        stderr(&bad_src)
    );

    // An unknown site names the ones there are, and writes nothing.
    let elsewhere = dir.path().join("elsewhere");
    let unknown = with_owner(&[
        "site",
        "widget",
        "Rosa",
        "--out",
        elsewhere.to_str().unwrap(),
    ]);
    assert!(!unknown.status.success());
    assert!(
        stderr(&unknown).contains("no site named \"Rosa\"")
            && stderr(&unknown).contains("\"Rosa's Bakery\""),
        "{}",
        stderr(&unknown)
    );
    assert!(!elsewhere.exists());
}

/// `doctor` prints a `Public:` line whatever else is set up: a note when there is no public
/// address, this Deskbell through a real proxy (nginx, the tunnel's stand-in), and a failure
/// when the proxy reaches another Deskbell (another data dir, so another install key).
// multi-thread: the listener must serve while the test waits on the doctor process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_checks_the_public_address() {
    let ours = tempfile::tempdir().unwrap();
    let app = start_core(ours.path()).await;
    let proxy = nginx::Nginx::proxy_to(app.intake_addr());
    let doctor = |dir: &Path, public_url: Option<&str>| {
        let conf = dir.join("config").join("deskbell");
        std::fs::create_dir_all(&conf).unwrap();
        let line = public_url.map(|u| format!("[intake]\npublic_url = \"{u}\"\n"));
        std::fs::write(conf.join("config.toml"), line.unwrap_or_default()).unwrap();
        let out = run(dir, &["doctor"]);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        (out.status.success(), stdout, stderr(&out))
    };

    let (_, out, _) = doctor(ours.path(), None);
    assert!(
        out.contains(
            "Public:   not set (intake.public_url): the widget snippet points at this computer"
        ),
        "{out}"
    );

    let (ok, out, err) = doctor(ours.path(), Some(&proxy.http_url()));
    assert!(
        out.contains(&format!(
            "Public:   {} reaches this Deskbell",
            proxy.http_url()
        )),
        "{out}{err}"
    );
    // It fails only for what is missing here (no owner address), not for the public address.
    assert!(!ok);
    assert!(err.contains("owner.email is not set"), "{err}");
    assert!(!err.contains("public address"), "{err}");

    let theirs = tempfile::tempdir().unwrap();
    let (ok, out, err) = doctor(theirs.path(), Some(&proxy.http_url()));
    assert!(!ok);
    assert!(
        out.contains("FAILED: it reaches another Deskbell, not this one"),
        "{out}"
    );
    assert!(
        err.contains("the public address") && err.contains("does not reach this Deskbell"),
        "{err}"
    );
    app.stop().await;
}

#[tokio::test]
async fn tickets_note_adds_an_internal_note_that_is_shown_and_found() {
    let dir = tempfile::tempdir().unwrap();
    {
        let app = start_core(dir.path()).await;
        let new = deskbell::domain::NewTicket {
            site_id: None,
            channel: deskbell::domain::Channel::Web,
            visitor: deskbell::domain::Visitor {
                name: "Lin".into(),
                email: "lin@example.com".into(),
                phone: None,
            },
            session_id: None,
            issue: "Where is my parcel?".into(),
            page_url: None,
            spam: false,
        };
        app.inbox().create_ticket(new, None).await.unwrap();
        app.stop().await;
    }
    let list = ok_json(dir.path(), &["tickets", "list", "--json"]);
    let id = list[0]["ticket_id"].as_str().unwrap().to_string();

    let note = ok_json(
        dir.path(),
        &[
            "tickets",
            "note",
            &id,
            "--text",
            "  Courier says Tuesday\nask again then  ",
            "--json",
        ],
    );
    assert_eq!(note["direction"], "note");
    assert_eq!(note["text"], "Courier says Tuesday\nask again then");
    assert!(note["message_id"].is_null() && note["state"].is_null());

    let show = ok_json(dir.path(), &["tickets", "show", &id, "--json"]);
    assert_eq!(show["status"], "open", "a note changes no status");
    assert_eq!(show["unread"], true);
    let messages = show["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1]["direction"], "note");
    assert_eq!(messages[1]["text"], "Courier says Tuesday\nask again then");

    let human = run(dir.path(), &["tickets", "show", &id]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("[note] Courier says Tuesday\n[note] ask again then"),
        "{text}"
    );
    assert!(text.contains("not sent"), "{text}");

    let found = ok_json(
        dir.path(),
        &["tickets", "list", "--search", "courier tues", "--json"],
    );
    assert_eq!(found.as_array().unwrap().len(), 1, "notes are searchable");

    let human = run(dir.path(), &["tickets", "note", &id, "--text", "second"]);
    assert!(human.status.success(), "{}", stderr(&human));
    assert!(String::from_utf8_lossy(&human.stdout).contains("not sent"));

    let empty = run(dir.path(), &["tickets", "note", &id, "--text", "  \n "]);
    assert!(!empty.status.success());
    assert!(stderr(&empty).contains("empty"), "{}", stderr(&empty));
    let missing = run(
        dir.path(),
        &["tickets", "note", "TKT-20000101-0001", "--text", "x"],
    );
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("not found"),
        "{}",
        stderr(&missing)
    );
    let long = "x".repeat(deskbell::inbox::MAX_NOTE_CHARS + 1);
    let too_long = run(dir.path(), &["tickets", "note", &id, "--text", &long]);
    assert!(!too_long.status.success());
    assert!(stderr(&too_long).contains("limit"), "{}", stderr(&too_long));
}

#[tokio::test]
async fn tickets_snooze_list_show_unsnooze() {
    let dir = tempfile::tempdir().unwrap();
    {
        let app = start_core(dir.path()).await;
        let site = app
            .inbox()
            .add_site("S", &["https://s.example".into()])
            .await
            .unwrap();
        for (name, issue) in [("Ana", "My order is late"), ("Bo", "Refund please")] {
            let body = serde_json::json!({
                "bot_token": site.bot_token, "visitor_name": name,
                "visitor_email": "v@example.com", "issue": issue,
            });
            assert_eq!(post_ticket(&app, body).await, 201);
        }
        app.stop().await;
    }
    let list = ok_json(dir.path(), &["tickets", "list", "--json"]);
    let ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ticket_id"].as_str().unwrap().to_string())
        .collect();
    let (a, b) = (&ids[0], &ids[1]);

    let snoozed = ok_json(
        dir.path(),
        &["tickets", "snooze", a, "--for", "2h", "--json"],
    );
    assert_eq!(snoozed["status"], "open");
    let until =
        chrono::DateTime::parse_from_rfc3339(snoozed["snoozed_until"].as_str().unwrap()).unwrap();
    let ahead = until.with_timezone(&chrono::Utc) - chrono::Utc::now();
    assert!(
        ahead > chrono::Duration::minutes(119) && ahead <= chrono::Duration::hours(2),
        "{ahead}"
    );
    // A closed ticket snoozed until a set time reopens as snoozed.
    ok_json(
        dir.path(),
        &["tickets", "set", b, "--status", "closed", "--json"],
    );
    let day = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive();
    let later = ok_json(
        dir.path(),
        &[
            "tickets",
            "snooze",
            b,
            "--until",
            &format!("{day}T08:00:00+01:00"),
            "--json",
        ],
    );
    assert_eq!(
        (later["status"].as_str(), later["snoozed_until"].as_str()),
        (Some("open"), Some(format!("{day}T07:00:00Z").as_str()))
    );

    let waiting = ok_json(
        dir.path(),
        &["tickets", "list", "--status", "open", "--json"],
    );
    assert!(waiting.as_array().unwrap().is_empty(), "{waiting}");
    let list = ok_json(
        dir.path(),
        &["tickets", "list", "--status", "snoozed", "--json"],
    );
    let order: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ticket_id"].as_str().unwrap())
        .collect();
    assert_eq!(order, [a.as_str(), b.as_str()], "soonest wake first");

    let show = run(dir.path(), &["tickets", "show", b]);
    let text = String::from_utf8_lossy(&show.stdout);
    let shown = format!("Snoozed until {} 07:00", day.format("%a %Y-%m-%d"));
    assert!(text.contains(&shown), "{text}");
    let human = run(dir.path(), &["tickets", "snooze", a, "--for", "1d"]);
    assert!(
        String::from_utf8_lossy(&human.stdout).contains("is snoozed until"),
        "{}",
        stderr(&human)
    );

    let back = ok_json(dir.path(), &["tickets", "unsnooze", a, "--json"]);
    assert!(back["snoozed_until"].is_null());
    let waiting = ok_json(
        dir.path(),
        &["tickets", "list", "--status", "open", "--json"],
    );
    assert_eq!(waiting[0]["ticket_id"], a.as_str());
    let human = run(dir.path(), &["tickets", "unsnooze", b]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("no longer snoozed"));

    let past = run(
        dir.path(),
        &["tickets", "snooze", a, "--until", "2000-01-01T00:00:00Z"],
    );
    assert!(!past.status.success());
    assert!(
        stderr(&past).contains("a time that has passed"),
        "{}",
        stderr(&past)
    );
    let bad = run(dir.path(), &["tickets", "snooze", a, "--for", "2 days"]);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("like 45m, 2h, 3d or 1w"),
        "{}",
        stderr(&bad)
    );
    let neither = run(dir.path(), &["tickets", "snooze", a]);
    assert!(!neither.status.success());
    let status = run(dir.path(), &["tickets", "list", "--status", "asleep"]);
    assert!(stderr(&status).contains("snoozed"), "{}", stderr(&status));
}

/// `--help` says what Deskbell is and what `serve` runs, in the owner's terms: which worker
/// runs when which section is set (not "as they land").
#[test]
fn help_says_what_the_program_and_serve_do() {
    let dir = tempfile::tempdir().unwrap();
    let help = run(dir.path(), &["--help"]);
    assert!(help.status.success(), "{}", stderr(&help));
    let text = String::from_utf8_lossy(&help.stdout);
    for words in [
        "tickets from your website, answered by email",
        "threaded back onto the ticket",
        "sending mail when [smtp] is set",
        "reading replies when [imap] is",
    ] {
        assert!(text.contains(words), "{words:?} in:\n{text}");
    }
    let serve = run(dir.path(), &["serve", "--help"]);
    assert!(serve.status.success(), "{}", stderr(&serve));
    let serve = String::from_utf8_lossy(&serve.stdout);
    assert!(
        serve.contains("Mail out runs when [smtp] is set, mail in when [imap] is"),
        "{serve}"
    );
    for out in [&*text, &*serve] {
        assert!(!out.contains("as they land"), "{out}");
    }
}
