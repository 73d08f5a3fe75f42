//! Internal notes against the real test mail stack (Postfix submission, Dovecot over IMAPS):
//! a note joins the ticket's thread and is found by search, but no mail of any kind leaves for
//! it — neither mailbox changes, no outbox row is written and the budget counts nothing.
//!
//! "Nothing was sent" is proved deterministically, not by sleeping: after the note the owner
//! sends a reply, which wakes the outbox; the worker sends what is due in queue order, so once
//! that reply has arrived and the outbox is idle, any mail queued for the note would have left
//! before it.

mod common;

use common::mailstack::{address, MailStack};
use common::NO_LIMITS;
use deskbell::app::Event;
use deskbell::Deskbell;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const NOTE: &str = "Courier says the parcel is stuck in Leipzig; refund if not there by Friday";

async fn start(dir: &Path, text: &str) -> Deskbell {
    let cfg = deskbell::Config::from_toml(text, "test", Vec::<(String, String)>::new()).unwrap();
    Deskbell::start(&cfg, dir).await.unwrap()
}

async fn post_ticket(app: &Deskbell, visitor: &str) -> String {
    let token = app
        .inbox()
        .add_site("Shop", &["https://rosa.example".into()])
        .await
        .unwrap()
        .bot_token;
    let resp = reqwest::Client::new()
        .post(format!("http://{}/tickets/create", app.intake_addr()))
        .json(&json!({
            "bot_token": token, "visitor_name": "Ana Silva", "visitor_email": visitor,
            "issue": "My parcel never arrived. Order 4711",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    resp.json::<Value>().await.unwrap()["ticket_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Waits (bounded) until every outbox row is sent: the worker has nothing left to do.
async fn wait_outbox_idle(dir: &Path) {
    for _ in 0..400 {
        if common::count(dir, "SELECT count(*) FROM outbox WHERE state <> 'sent'") == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the outbox never emptied");
}

fn cli(dir: &Path, args: &[&str]) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_deskbell"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DESKBELL_CONFIG")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("DESKBELL_OWNER_TIMEZONE", "UTC")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_is_kept_and_found_but_never_mailed_to_anyone() {
    let ms = MailStack::start();
    let (owner, visitor) = (address("owner"), address("visitor"));
    let dir = tempfile::tempdir().unwrap();
    // Confirmations on (the default), the owner's mailbox read over IMAP.
    let text = format!(
        "[intake]\nlisten = \"127.0.0.1:0\"\n{NO_LIMITS}[owner]\nemail = \"{owner}\"\nname = \"Rosa\"\n\
         business = \"Rosa's Bakery\"\ntimezone = \"UTC\"\n{}{}[mail]\nretry_first_seconds = 1\n",
        ms.smtp_config(&owner, ms.password()),
        ms.imap_config(&owner),
    );
    let app = start(dir.path(), &text).await;
    let id = post_ticket(&app, &visitor).await;

    // The ticket's automatic mail goes out: the owner's notification, the visitor's
    // confirmation. Then the snapshot.
    let owner_before = ms.wait_for(&owner, 1, Duration::from_secs(20)).len();
    let visitor_before = ms.wait_for(&visitor, 1, Duration::from_secs(20)).len();
    assert_eq!((owner_before, visitor_before), (1, 1));
    wait_outbox_idle(dir.path()).await;
    let outbox_before = common::count(dir.path(), "SELECT count(*) FROM outbox");
    assert_eq!(outbox_before, 2);
    let status_before = app.inbox().mail_status().await.unwrap();
    let before = app.inbox().ticket(&id.parse().unwrap()).await.unwrap();

    let mut events = app.inbox().subscribe();
    let note = app
        .inbox()
        .add_note(&id.parse().unwrap(), &format!("  {NOTE}\n"))
        .await
        .unwrap();
    assert_eq!(note.direction, deskbell::domain::Direction::Note);
    assert_eq!(note.text, NOTE);
    assert_eq!(
        note.from.as_deref(),
        Some(owner.as_str()),
        "the owner wrote it"
    );
    let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        event,
        Event::NoteAdded {
            ticket_id: id.clone()
        }
    );

    // Nothing queued for it, nothing counted; status and unread mark as they were.
    assert_eq!(
        common::count(dir.path(), "SELECT count(*) FROM outbox"),
        outbox_before
    );
    let status = app.inbox().mail_status().await.unwrap();
    assert_eq!(
        (status.queued, status.sent_last_24h),
        (0, status_before.sent_last_24h)
    );
    let after = app.inbox().ticket(&id.parse().unwrap()).await.unwrap();
    assert_eq!(
        (after.ticket.status, after.ticket.unread),
        (before.ticket.status, before.ticket.unread)
    );
    assert!(after.ticket.updated_at >= before.ticket.updated_at);

    // The marker: a reply wakes the outbox; once it has arrived and the outbox is idle,
    // anything queued for the note would have left first.
    app.inbox()
        .reply(&id.parse().unwrap(), "We are on it.", Vec::new())
        .await
        .unwrap();
    let visitor_box = ms.wait_for(&visitor, visitor_before + 1, Duration::from_secs(20));
    wait_outbox_idle(dir.path()).await;
    assert_eq!(
        visitor_box.len(),
        visitor_before + 1,
        "only the reply arrived"
    );
    assert_eq!(
        common::count(dir.path(), "SELECT count(*) FROM outbox"),
        outbox_before + 1,
        "one outbox row: the reply's"
    );
    assert_eq!(ms.messages(&owner, "INBOX").len(), owner_before);
    for m in ms.inbox(&visitor).iter().chain(ms.inbox(&owner).iter()) {
        assert!(
            !m.contains("Leipzig"),
            "a note's words left in a mail:\n{m}"
        );
    }

    // In the thread in time order: after the notification and the confirmation, before the
    // reply.
    let view = app.inbox().ticket(&id.parse().unwrap()).await.unwrap();
    let directions: Vec<String> = view
        .messages
        .iter()
        .map(|m| m.direction.to_string())
        .collect();
    assert_eq!(
        directions,
        ["in", "out", "out", "note", "out"],
        "{directions:?}"
    );
    let found = app
        .inbox()
        .search("leipzig refu", deskbell::inbox::Filter::default())
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    app.stop().await;

    // The command line shows it marked as a note and finds it.
    let show = cli(dir.path(), &["tickets", "show", &id, "--json"]);
    let notes: Vec<&Value> = show["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "note")
        .collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["text"], NOTE);
    let found = cli(
        dir.path(),
        &["tickets", "list", "--search", "Leipzig", "--json"],
    );
    assert_eq!(found[0]["ticket_id"], id.as_str());
}
