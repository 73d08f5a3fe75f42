//! Mail out over implicit TLS (`smtp.security = "tls"`, Gmail's port 465) against the real
//! test mail stack: a ticket's notification goes through Postfix's SMTPS port — TLS from the
//! first byte, then AUTH — and is read back from the owner's mailbox over IMAPS.

mod common;

use common::mailstack::{address, MailStack};
use common::NO_LIMITS;
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_goes_out_over_implicit_tls_and_arrives() {
    let ms = MailStack::start();
    let owner = address("owner");
    let visitor = address("visitor");
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[intake]\nlisten = \"127.0.0.1:0\"\n{NO_LIMITS}[owner]\nemail = \"{owner}\"\nname = \"Rosa\"\n\
         timezone = \"UTC\"\n{}[mail]\nretry_first_seconds = 1\nconfirm_visitor = false\n",
        ms.smtps_config(&owner, ms.password())
    );
    let cfg = deskbell::Config::from_toml(&text, "test", Vec::<(String, String)>::new()).unwrap();
    let app = deskbell::Deskbell::start(&cfg, dir.path()).await.unwrap();
    let token = app
        .inbox()
        .add_site("Shop", &["https://rosa.example".into()])
        .await
        .unwrap()
        .bot_token;
    let resp = reqwest::Client::new()
        .post(format!("http://{}/tickets/create", app.intake_addr()))
        .json(&json!({
            "bot_token": token, "visitor_name": "Ana", "visitor_email": visitor,
            "issue": "Is the sourdough vegan?",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let id = resp.json::<serde_json::Value>().await.unwrap()["ticket_id"]
        .as_str()
        .unwrap()
        .to_string();

    // Read back over IMAPS (blocking: the second worker thread keeps Deskbell running).
    let notification = ms
        .wait_for_text(&owner, &format!("[{id}]"), Duration::from_secs(20))
        .expect("the notification reaches the owner's INBOX");
    let msg = mail_parser::MessageParser::default()
        .parse(notification.as_bytes())
        .unwrap();
    assert!(
        msg.subject().unwrap_or_default().contains(&id),
        "{notification}"
    );
    assert!(
        msg.body_text(0)
            .unwrap_or_default()
            .contains("Is the sourdough vegan?"),
        "{notification}"
    );
    // Postfix received it authenticated over TLS (ESMTPSA) ...
    assert!(notification.contains("with ESMTPSA"), "{notification}");
    // ... on the SMTPS service, not the submission port: its own log name says so.
    let log = std::fs::read_to_string(ms.get("MAILSTACK_POSTFIX_LOG")).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("/smtps/smtpd[") && l.contains(&format!("sasl_username={owner}"))),
        "the SMTPS service took the login: {log}"
    );
    assert!(
        !log.lines()
            .any(|l| l.contains("/submission/smtpd[")
                && l.contains(&format!("sasl_username={owner}"))),
        "nothing went through the STARTTLS port: {log}"
    );
    let states = {
        let conn = rusqlite::Connection::open(common::db_path(dir.path())).unwrap();
        let mut stmt = conn.prepare("SELECT state FROM outbox").unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect::<Vec<_>>()
    };
    assert_eq!(states, ["sent"], "recorded as sent once");
    app.stop().await;
}

/// `deskbell doctor` over implicit TLS: the right password logs in; a wrong one reads as a
/// refused password with the server's own words, never debug text or the password.
#[test]
fn doctor_logs_in_over_implicit_tls_and_names_a_wrong_password() {
    let ms = MailStack::start();
    let owner = address("owner");
    let dir = tempfile::tempdir().unwrap();
    let doctor = |password: &str| {
        let conf = dir.path().join("config.toml");
        std::fs::write(
            &conf,
            format!(
                "[owner]\nemail = \"{owner}\"\n{}",
                ms.smtps_config(&owner, password)
            ),
        )
        .unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_deskbell"))
            .arg("--config")
            .arg(&conf)
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .arg("doctor")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let (ok, text) = doctor(ms.password());
    assert!(ok, "{text}");
    let port = ms.get("MAILSTACK_SMTPS_PORT");
    assert!(
        text.contains(&format!("SMTP:     127.0.0.1:{port} … logged in")),
        "{text}"
    );

    let wrong = "Not-The-Password-465";
    let (ok, text) = doctor(wrong);
    assert!(!ok, "{text}");
    assert!(
        text.contains("refused the username or password (535"),
        "{text}"
    );
    assert!(
        text.contains("authentication failed"),
        "the server's own words: {text}"
    );
    assert!(
        !text.contains(wrong),
        "the password is never printed: {text}"
    );
    for debug in ["Some(", "None", "kind:", "Error {"] {
        assert!(!text.contains(debug), "debug text {debug:?}: {text}");
    }
}
