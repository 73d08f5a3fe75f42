//! `[mail] save_sent = "always"` against the real test stack. Unlike Gmail, Postfix + Dovecot
//! file nothing in Sent for mail sent over SMTP (like most servers), so every copy found there
//! is Deskbell's. Each mail to the visitor is in Sent exactly once — across an SMTP outage, a
//! restart, and a crash between the APPEND and its record — and the sync, reading Sent, does
//! not take Deskbell's own copies for replies sent from another mail client.

mod common;

use common::mailstack::{address, MailStack};
use common::NO_LIMITS;
use deskbell::Deskbell;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

async fn start(dir: &Path, text: &str) -> Deskbell {
    let cfg = deskbell::Config::from_toml(text, "test", Vec::<(String, String)>::new()).unwrap();
    Deskbell::start(&cfg, dir).await.unwrap()
}

/// The Message-ID header of each message in `folder`.
fn message_ids(ms: &MailStack, user: &str, folder: &str) -> Vec<String> {
    ms.messages(user, folder)
        .iter()
        .map(|raw| {
            let text = String::from_utf8_lossy(raw);
            text.lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("message-id")
                        .then(|| v.trim().to_string())
                })
                .unwrap_or_default()
        })
        .collect()
}

/// Waits (bounded) until `folder` holds `n` messages.
fn wait_folder(ms: &MailStack, user: &str, folder: &str, n: usize) -> Vec<String> {
    let start = Instant::now();
    loop {
        let ids = message_ids(ms, user, folder);
        if ids.len() >= n || start.elapsed() > Duration::from_secs(30) {
            return ids;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn outbox_mid(dir: &Path, kind: &str) -> String {
    let conn = rusqlite::Connection::open(common::db_path(dir)).unwrap();
    conn.query_row(
        "SELECT message_id FROM outbox WHERE kind = ?1",
        [kind],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_mail_to_a_visitor_is_in_sent_once_across_an_outage_a_restart_and_a_crash() {
    let ms = MailStack::start();
    let (owner, visitor) = (address("owner"), address("visitor"));
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[intake]\nlisten = \"127.0.0.1:0\"\n{NO_LIMITS}[owner]\nemail = \"{owner}\"\nname = \"Rosa\"\n\
         timezone = \"UTC\"\n{}{}[mail]\nretry_first_seconds = 1\nsave_sent = \"always\"\n",
        ms.smtp_config(&owner, ms.password()),
        ms.imap_config(&owner),
    );
    let app = start(dir.path(), &text).await;
    let token = app
        .inbox()
        .add_site("Shop", &["https://rosa.example".into()])
        .await
        .unwrap()
        .bot_token;
    let mut id = String::new();
    for _ in 0..50 {
        let resp = reqwest::Client::new()
            .post(format!("http://{}/tickets/create", app.intake_addr()))
            .json(&json!({
                "bot_token": token, "visitor_name": "Ana Silva", "visitor_email": visitor,
                "issue": "My parcel never arrived",
            }))
            .send()
            .await
            .unwrap();
        if resp.status() == 201 {
            id = resp.json::<Value>().await.unwrap()["ticket_id"]
                .as_str()
                .unwrap()
                .to_string();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!id.is_empty(), "the ticket was taken");

    // The confirmation to the visitor is filed; the notification to the owner is not (it is
    // in the owner's INBOX already).
    let confirmation = format!("<{}>", outbox_mid(dir.path(), "confirmation"));
    assert_eq!(
        wait_folder(&ms, &owner, "Sent", 1),
        std::slice::from_ref(&confirmation)
    );

    // An SMTP outage: the reply waits, and so does its copy.
    ms.stop_smtp();
    let tid: deskbell::domain::TicketId = id.parse().unwrap();
    app.inbox()
        .reply(&tid, "It left our shop today.", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        message_ids(&ms, &owner, "Sent"),
        std::slice::from_ref(&confirmation)
    );
    ms.start_smtp();
    assert!(ms
        .wait_for_text(&visitor, "It left our shop today", Duration::from_secs(60))
        .is_some());
    let reply = format!("<{}>", outbox_mid(dir.path(), "reply"));
    let sent = wait_folder(&ms, &owner, "Sent", 2);
    assert_eq!(sent, [confirmation.clone(), reply.clone()]);

    // The sync reads Sent and knows its own copies: the thread has each mail once.
    let thread_len = |app: &Deskbell| {
        let inbox = app.inbox().clone();
        let tid = tid.clone();
        async move { inbox.ticket(&tid).await.unwrap().messages.len() }
    };
    let entries = thread_len(&app).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        thread_len(&app).await,
        entries,
        "no copy imported as a reply"
    );
    let out_with_mid = common::count(
        dir.path(),
        &format!(
            "SELECT count(*) FROM messages WHERE message_id = '{}'",
            reply.trim_matches(['<', '>'])
        ),
    );
    assert_eq!(out_with_mid, 1);
    app.stop().await;

    // A crash after the APPEND, before its record: the copy is due again at the next start.
    // The worker finds it in Sent and marks it instead of filing it twice.
    let changed = rusqlite::Connection::open(common::db_path(dir.path()))
        .unwrap()
        .execute(
            "UPDATE outbox SET sent_copy = 'due' WHERE kind = 'reply'",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let app = start(dir.path(), &text).await;
    let start_wait = Instant::now();
    while common::count(
        dir.path(),
        "SELECT count(*) FROM outbox WHERE sent_copy = 'due'",
    ) > 0
    {
        assert!(
            start_wait.elapsed() < Duration::from_secs(30),
            "never marked"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(message_ids(&ms, &owner, "Sent"), [confirmation, reply]);
    app.stop().await;
}

#[test]
fn auto_files_copies_except_where_the_server_files_them() {
    let cfg = |lines: &str| {
        deskbell::Config::from_toml(lines, "t", Vec::<(String, String)>::new()).unwrap()
    };
    let saves = |c: &deskbell::Config| c.mail.saves_sent(&c.smtp);
    assert!(
        !saves(&cfg("[smtp]\npreset = \"gmail\"\n")),
        "Gmail files its own"
    );
    assert!(!saves(&cfg("[smtp]\nhost = \"smtp.office365.com\"\n")));
    assert!(saves(&cfg("[smtp]\nhost = \"mail.example.net\"\n")));
    assert!(saves(&cfg(
        "[smtp]\npreset = \"gmail\"\n[mail]\nsave_sent = \"always\"\n"
    )));
    assert!(!saves(&cfg(
        "[smtp]\nhost = \"mail.example.net\"\n[mail]\nsave_sent = \"never\"\n"
    )));
}
