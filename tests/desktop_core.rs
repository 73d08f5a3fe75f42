//! The core functions the desktop window calls (search, counts, read state, a visitor's
//! history, tags, canned replies, thread entries with ids/HTML/attachments), each against a
//! real SQLite file in a temp dir through the same `Inbox` the shell holds.

use chrono::{DateTime, Duration, Utc};
use deskbell::domain::{Channel, NewTicket, Status, TicketId, Visitor};
use deskbell::inbox::{Event, InboxError};
use deskbell::mail::compose::AttachmentFile;
use deskbell::mail::import::{import, Outcome};
use deskbell::store::tickets::Filter;
use deskbell::{Config, Inbox};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

const OWNER: &str = "rosa@bakery.example";

/// Each reading is one second after the last, so "newest activity first" is observable.
struct StepClock(AtomicI64);

impl deskbell::clock::Clock for StepClock {
    fn now(&self) -> DateTime<Utc> {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        "2026-11-24T09:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::seconds(n)
    }
}

fn inbox(dir: &std::path::Path) -> Inbox {
    let cfg = Config::from_toml(
        &format!("[owner]\nemail = \"{OWNER}\"\ntimezone = \"UTC\"\n"),
        "test",
        Vec::<(String, String)>::new(),
    )
    .unwrap();
    deskbell::app::open_inbox(&cfg, dir, Arc::new(StepClock(AtomicI64::new(0)))).unwrap()
}

async fn web(inbox: &Inbox, name: &str, email: &str, issue: &str) -> TicketId {
    let new = NewTicket {
        site_id: None,
        channel: Channel::Web,
        visitor: Visitor {
            name: name.into(),
            email: email.into(),
            phone: None,
        },
        session_id: None,
        issue: issue.into(),
        page_url: None,
        spam: false,
    };
    let t = inbox.create_ticket(new, None).await.unwrap().ticket;
    t.ticket_id.parse().unwrap()
}

async fn found(inbox: &Inbox, query: &str, status: Option<Status>) -> Vec<String> {
    let filter = Filter {
        status: status.map(Into::into).unwrap_or_default(),
        ..Filter::default()
    };
    let mut ids: Vec<String> = inbox
        .search(query, filter)
        .await
        .unwrap_or_else(|e| panic!("search {query:?} failed: {e}"))
        .into_iter()
        .map(|t| t.ticket_id)
        .collect();
    ids.sort();
    ids
}

fn ids(list: &[&TicketId]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|i| i.to_string()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn search_finds_every_word_anywhere_in_a_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let zoe = web(
        &inbox,
        "Zoë Müller",
        "zoe@example.com",
        "My parcel arrived crushed",
    )
    .await;
    let ana = web(
        &inbox,
        "Ana Souza",
        "ana@example.com",
        "Where is order 1234?",
    )
    .await;
    let li = web(&inbox, "李", "li@example.cn", "我的包裹丢失了").await;
    inbox
        .reply(&ana, "Your parcel ships on Monday.", vec![])
        .await
        .unwrap();

    assert_eq!(found(&inbox, "parcel", None).await, ids(&[&zoe, &ana]));
    assert_eq!(found(&inbox, "crush", None).await, ids(&[&zoe]), "prefix");
    assert!(
        found(&inbox, "crush ", None).await.is_empty(),
        "a finished word is exact"
    );
    assert_eq!(found(&inbox, "zoe", None).await, ids(&[&zoe]), "diacritics");
    assert_eq!(found(&inbox, "MÜLLER", None).await, ids(&[&zoe]));
    assert_eq!(found(&inbox, "ana@example.com", None).await, ids(&[&ana]));
    assert_eq!(found(&inbox, &zoe.to_string(), None).await, ids(&[&zoe]));
    assert_eq!(
        found(&inbox, "我的包裹", None).await,
        ids(&[&li]),
        "unicode"
    );
    // Words may sit in different places of one ticket: the visitor's name and a reply.
    assert_eq!(found(&inbox, "ana monday", None).await, ids(&[&ana]));
    assert!(found(&inbox, "zoe monday", None).await.is_empty());
    // The reply made Ana's ticket pending.
    assert_eq!(
        found(&inbox, "parcel", Some(Status::Open)).await,
        ids(&[&zoe])
    );
    // Blank is no search: everything, newest activity first (Ana's reply is the latest).
    let all = inbox.search("  ", Filter::default()).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].ticket_id, ana.to_string());
}

#[tokio::test]
async fn any_text_is_a_valid_search() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let zoe = web(&inbox, "Zoë", "zoe@example.com", "parcel crushed, box torn").await;
    let hostile = [
        "\"",
        "\"\"",
        "'",
        "\"parcel",
        "parcel\"",
        "-parcel",
        "parcel*",
        "*",
        "NEAR(parcel crushed)",
        "NEAR",
        "parcel AND",
        "AND OR NOT",
        "( )",
        "^parcel",
        "issue:parcel",
        "{issue visitor_name}: parcel",
        "\\",
        "%_",
        "'; DROP TABLE tickets; --",
        "😀",
        "\u{0}",
        "\u{202e}parcel",
        "ｐａｒｃｅｌ",
        "a\"b\"c\" d\"\"",
    ];
    for q in hostile {
        found(&inbox, q, None).await;
    }
    let long = "parcel ".repeat(5000);
    found(&inbox, &long, None).await;
    assert_eq!(found(&inbox, "-parcel", None).await, ids(&[&zoe]));
    assert_eq!(
        found(&inbox, "\"parcel crushed\"", None).await,
        ids(&[&zoe])
    );
    assert!(found(&inbox, "😀", None).await.is_empty());
    // The store is untouched by all of it.
    assert_eq!(inbox.tickets(Filter::default()).await.unwrap().len(), 1);
}

#[tokio::test]
async fn counts_and_read_state() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let a = web(&inbox, "A", "a@example.com", "one").await;
    let b = web(&inbox, "B", "b@example.com", "two").await;
    let _c = web(&inbox, "C", "c@example.com", "three").await;
    let mut spam = NewTicket {
        site_id: None,
        channel: Channel::Web,
        visitor: Visitor {
            name: "S".into(),
            email: "s@example.com".into(),
            phone: None,
        },
        session_id: None,
        issue: "cheap pills".into(),
        page_url: None,
        spam: true,
    };
    inbox.create_ticket(spam.clone(), None).await.unwrap();
    spam.spam = false;

    let c = inbox.counts().await.unwrap();
    assert_eq!((c.open, c.pending, c.closed, c.unread), (3, 0, 0, 3));

    let mut events = inbox.subscribe();
    let before = inbox.ticket(&a).await.unwrap().ticket.updated_at;
    let detail = inbox.open_ticket(&a).await.unwrap();
    assert!(!detail.ticket.unread);
    assert!(matches!(
        events.try_recv(),
        Ok(Event::TicketUpdated { ticket_id, .. }) if ticket_id == a.to_string()
    ));
    let stored = inbox.ticket(&a).await.unwrap().ticket;
    assert!(!stored.unread, "read state is stored");
    assert_eq!(stored.updated_at, before, "reading is not activity");
    assert_eq!(inbox.counts().await.unwrap().unread, 2);
    // Opening it again writes and announces nothing.
    inbox.open_ticket(&a).await.unwrap();
    assert!(events.try_recv().is_err());
    assert!(!inbox.mark_read(&a).await.unwrap());

    inbox
        .set_ticket(&b, Some(Status::Closed), None)
        .await
        .unwrap();
    let c = inbox.counts().await.unwrap();
    assert_eq!((c.open, c.pending, c.closed, c.unread), (2, 0, 1, 2));

    let unknown: TicketId = "TKT-20200101-0001".parse().unwrap();
    assert!(matches!(
        inbox.open_ticket(&unknown).await,
        Err(InboxError::NotFound(_))
    ));
}

#[tokio::test]
async fn a_ticket_comes_with_the_visitors_other_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let first = web(&inbox, "Ana", "ana@example.com", "first").await;
    let _other = web(&inbox, "Bo", "bo@example.com", "not hers").await;
    let second = web(&inbox, "Ana S.", "ANA@Example.com", "second").await;
    let third = web(&inbox, "Ana", "ana@example.com", "third").await;

    let detail = inbox.open_ticket(&second).await.unwrap();
    let history: Vec<String> = detail.history.iter().map(|t| t.ticket_id.clone()).collect();
    assert_eq!(history, [third.to_string(), first.to_string()]);
    let none = inbox
        .visitor_history("nobody@example.com", None)
        .await
        .unwrap();
    assert!(none.is_empty());
    let all = inbox
        .visitor_history("ana@example.com", None)
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
}

#[tokio::test]
async fn tags_are_normalised_stored_and_validated() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let id = web(&inbox, "Ana", "ana@example.com", "hello").await;
    let before = inbox.ticket(&id).await.unwrap().ticket.updated_at;

    let raw: Vec<String> = ["  VIP ", "billing", "vip", "", "Late  Parcel"]
        .map(String::from)
        .to_vec();
    let t = inbox.set_tags(&id, &raw).await.unwrap();
    assert_eq!(t.tags, ["billing", "late parcel", "vip"]);
    assert_eq!(t.updated_at, before, "tagging is not activity");
    let listed = inbox.tickets(Filter::default()).await.unwrap();
    assert_eq!(listed[0].tags, ["billing", "late parcel", "vip"]);
    let detail = inbox.open_ticket(&id).await.unwrap();
    assert_eq!(detail.ticket.tags, ["billing", "late parcel", "vip"]);

    let e = inbox.set_tags(&id, &["a,b".into()]).await.unwrap_err();
    assert!(
        matches!(&e, InboxError::Invalid(m) if m.contains("\"a,b\"")),
        "{e}"
    );
    assert_eq!(e.code(), "invalid");
    let many: Vec<String> = (0..30).map(|i| format!("t{i}")).collect();
    let e = inbox.set_tags(&id, &many).await.unwrap_err();
    assert!(e.to_string().contains("at most 20"), "{e}");
    assert_eq!(
        inbox.ticket(&id).await.unwrap().ticket.tags,
        ["billing", "late parcel", "vip"],
        "a refused change leaves the tags as they were"
    );

    let t = inbox.set_tags(&id, &[]).await.unwrap();
    assert!(t.tags.is_empty());
    let unknown: TicketId = "TKT-20200101-0001".parse().unwrap();
    assert!(matches!(
        inbox.set_tags(&unknown, &["x".into()]).await,
        Err(InboxError::NotFound(_))
    ));
}

#[tokio::test]
async fn canned_replies_save_update_list_delete() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    assert!(inbox.canned_replies().await.unwrap().is_empty());
    let ship = inbox
        .save_canned_reply(None, " Shipping ", "It ships today.\r\nRosa")
        .await
        .unwrap();
    assert_eq!(ship.title, "Shipping");
    assert_eq!(ship.body, "It ships today.\nRosa");
    let allergy = inbox
        .save_canned_reply(None, "allergens", "No nuts.")
        .await
        .unwrap();
    let titles = |l: Vec<deskbell::domain::CannedReply>| -> Vec<String> {
        l.into_iter().map(|c| c.title).collect()
    };
    assert_eq!(
        titles(inbox.canned_replies().await.unwrap()),
        ["allergens", "Shipping"]
    );
    let edited = inbox
        .save_canned_reply(Some(ship.id), "Shipping", "Ships tomorrow.")
        .await
        .unwrap();
    assert_eq!(edited.id, ship.id);
    let list = inbox.canned_replies().await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].body, "Ships tomorrow.");

    let e = inbox.save_canned_reply(None, "", "x").await.unwrap_err();
    assert!(
        matches!(&e, InboxError::Invalid(m) if m.contains("title")),
        "{e}"
    );
    assert!(matches!(
        inbox.save_canned_reply(Some(9999), "t", "b").await,
        Err(InboxError::NotFound(_))
    ));

    inbox.delete_canned_reply(allergy.id).await.unwrap();
    assert_eq!(titles(inbox.canned_replies().await.unwrap()), ["Shipping"]);
    assert!(matches!(
        inbox.delete_canned_reply(allergy.id).await,
        Err(InboxError::NotFound(_))
    ));
}

fn html_mail_with_attachment() -> Vec<u8> {
    "From: Ana <ana@example.com>\r\n\
     To: rosa+support@bakery.example\r\n\
     Subject: Cake photo\r\n\
     Message-ID: <cake-1@example.com>\r\n\
     Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n\
     MIME-Version: 1.0\r\n\
     Content-Type: multipart/mixed; boundary=\"outer\"\r\n\
     \r\n\
     --outer\r\n\
     Content-Type: multipart/alternative; boundary=\"alt\"\r\n\
     \r\n\
     --alt\r\n\
     Content-Type: text/plain; charset=utf-8\r\n\
     \r\n\
     The cake arrived squashed, photo attached.\r\n\
     --alt\r\n\
     Content-Type: text/html; charset=utf-8\r\n\
     \r\n\
     <p>The cake arrived <b>squashed</b>, photo attached.</p><script>alert(1)</script>\r\n\
     --alt--\r\n\
     --outer\r\n\
     Content-Type: text/plain; name=\"../../notes.txt\"\r\n\
     Content-Disposition: attachment; filename=\"../../notes.txt\"\r\n\
     \r\n\
     crumbs everywhere\r\n\
     --outer--\r\n"
        .as_bytes()
        .to_vec()
}

#[tokio::test]
async fn thread_entries_carry_ids_html_and_attachments() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());

    // A web ticket's first entry is synthesised from the form: no row, no HTML.
    let webt = web(&inbox, "Bo", "bo@example.com", "Is rye vegan?").await;
    inbox
        .reply(
            &webt,
            "Yes.",
            vec![AttachmentFile {
                name: "menu.txt".into(),
                content_type: "text/plain".into(),
                data: b"rye: vegan".to_vec(),
            }],
        )
        .await
        .unwrap();
    let thread = inbox.open_ticket(&webt).await.unwrap().messages;
    assert_eq!(thread.len(), 2);
    assert_eq!((thread[0].id, thread[0].html.as_deref()), (None, None));
    assert!(thread[1].id.is_some());
    let sent = &thread[1].attachments[0];
    let got = inbox.attachment(sent.id).await.unwrap();
    assert_eq!(got.info, *sent);
    assert_eq!(got.data, b"rye: vegan");

    // A mail-born ticket: the stored (sanitised) HTML and the attachment's row id.
    let Outcome::Created { ticket_id } = import(
        &inbox.ports(),
        inbox.mail().unwrap(),
        html_mail_with_attachment(),
    )
    .await
    .unwrap() else {
        panic!("expected a new ticket")
    };
    let id: TicketId = ticket_id.parse().unwrap();
    let thread = inbox.open_ticket(&id).await.unwrap().messages;
    let first = &thread[0];
    assert!(first.id.is_some());
    let html = first.html.as_deref().expect("html stored");
    assert!(html.contains("<b>squashed</b>"), "{html}");
    assert!(!html.contains("script"), "{html}");
    let att = &first.attachments[0];
    assert_eq!(att.name, "../../notes.txt", "stored as sent");
    let data = inbox.attachment(att.id).await.unwrap();
    assert_eq!(data.data, b"crumbs everywhere");

    // Saved under a cleaned name inside the folder, never over an existing file.
    let downloads = dir.path().join("Downloads");
    let p1 = inbox.save_attachment(att.id, &downloads).await.unwrap();
    let p2 = inbox.save_attachment(att.id, &downloads).await.unwrap();
    assert_eq!(p1, downloads.join("notes.txt"));
    assert_eq!(p2, downloads.join("notes (1).txt"));
    assert_eq!(std::fs::read(&p2).unwrap(), b"crumbs everywhere");

    assert!(matches!(
        inbox.attachment(123_456).await,
        Err(InboxError::NotFound(_))
    ));
    // The JSON a front end sees names the new fields.
    let json = serde_json::to_value(inbox.ticket(&id).await.unwrap()).unwrap();
    let m = &json["messages"][0];
    assert!(m["id"].is_i64() && m["html"].is_string() && m["attachments"][0]["id"].is_i64());
}

/// The same functions from the command line: `tickets list --search`, `tickets tag`, and
/// `tickets show --json` carrying the new fields.
#[tokio::test]
async fn the_cli_searches_and_tags() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let inbox = inbox(dir.path());
        let id = web(&inbox, "Zoë", "zoe@example.com", "Parcel crushed").await;
        web(&inbox, "Bo", "bo@example.com", "Other thing").await;
        id
    };
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_deskbell"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("DESKBELL_OWNER_TIMEZONE", "UTC")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let hits = run(&["tickets", "list", "--search", "zoe cru", "--json"]);
    assert_eq!(hits.as_array().unwrap().len(), 1);
    assert_eq!(hits[0]["ticket_id"], id.to_string());
    let none = run(&["tickets", "list", "--search", "\"NEAR(", "--json"]);
    assert!(none.as_array().unwrap().is_empty());

    let tagged = run(&["tickets", "tag", &id.to_string(), "VIP", " late ", "--json"]);
    assert_eq!(tagged["tags"], serde_json::json!(["late", "vip"]));
    let shown = run(&["tickets", "show", &id.to_string(), "--json"]);
    assert_eq!(shown["tags"], serde_json::json!(["late", "vip"]));
    assert!(shown["messages"][0]["id"].is_null(), "{shown}");
}
