//! Triage with a real store, the real `deskbell` binary and real HTTP: merge, trash and its
//! purge, spam, blocked senders, and the list's filters, sorts and pages.
//! (A reply to a merged ticket's confirmation through the real mail servers is in
//! tests/mail_sync.rs.)

use deskbell::domain::{Channel, Direction, NewTicket, Priority, SortBy, StatusFilter, Visitor};
use deskbell::inbox::Filter;
use deskbell::mail::import::{import, Outcome};
use deskbell::{Config, Event, Inbox};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

const BIN: &str = env!("CARGO_BIN_EXE_deskbell");
const OWNER: &str = "rosa@bakery.example";

fn config() -> Config {
    Config::from_toml(
        &format!(
            "[owner]\nemail = \"{OWNER}\"\ntimezone = \"UTC\"\n[intake]\nlisten = \"127.0.0.1:0\"\n\
             [mail]\nconfirm_visitor = false\n"
        ),
        "test",
        Vec::<(String, String)>::new(),
    )
    .unwrap()
}

fn inbox_at(dir: &Path, clock: Arc<dyn deskbell::clock::Clock>) -> Inbox {
    deskbell::app::open_inbox(&config(), dir, clock).unwrap()
}

fn inbox(dir: &Path) -> Inbox {
    inbox_at(dir, Arc::new(deskbell::clock::SystemClock))
}

async fn ticket(inbox: &Inbox, email: &str, issue: &str) -> String {
    let new = NewTicket {
        site_id: None,
        channel: Channel::Web,
        visitor: Visitor {
            name: email.split('@').next().unwrap().into(),
            email: email.into(),
            phone: None,
        },
        session_id: None,
        issue: issue.into(),
        page_url: None,
        spam: false,
    };
    inbox
        .create_ticket(new, None)
        .await
        .unwrap()
        .ticket
        .ticket_id
}

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

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn ids_of(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| t["ticket_id"].as_str().unwrap().to_string())
        .collect()
}

fn list(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["tickets", "list", "--json"];
    all.extend_from_slice(args);
    ids_of(&serde_json::from_str(&ok(dir, &all)).unwrap())
}

#[tokio::test]
async fn a_merge_joins_the_threads_in_time_order_and_the_source_still_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let target = ticket(&inbox, "ana@example.com", "Where is my order #1042?").await;
    let source = ticket(
        &inbox,
        "ana@example.com",
        "Any news? Still waiting for #1042",
    )
    .await;
    let tid = target.parse().unwrap();
    let sid = source.parse().unwrap();
    inbox.add_note(&sid, "Called the courier").await.unwrap();
    inbox.set_tags(&sid, &["shipping".into()]).await.unwrap();
    inbox
        .set_ticket(&sid, None, Some(Priority::Urgent))
        .await
        .unwrap();
    inbox
        .set_ticket(&tid, Some(deskbell::domain::Status::Closed), None)
        .await
        .unwrap();
    let mut events = inbox.subscribe();

    let merged = inbox.merge(&sid, &tid).await.unwrap();
    assert_eq!(merged.ticket_id, target);
    // The source was waiting on the owner: the closed target is open again, as urgent.
    assert_eq!(merged.status, deskbell::domain::Status::Open);
    assert_eq!(merged.priority, Priority::Urgent);
    assert_eq!(merged.tags, ["shipping"]);
    assert!(matches!(events.try_recv(), Ok(Event::TicketUpdated { .. })));

    let view = inbox.ticket(&tid).await.unwrap();
    let texts: Vec<(Direction, &str)> = view
        .messages
        .iter()
        .map(|m| (m.direction, m.text.as_str()))
        .collect();
    assert_eq!(texts[0], (Direction::In, "Where is my order #1042?"));
    assert_eq!(
        texts[1],
        (Direction::In, "Any news? Still waiting for #1042")
    );
    assert_eq!(texts[2], (Direction::Note, "Called the courier"));
    assert!(
        texts[3]
            .1
            .starts_with(&format!("Merged {source} into this ticket")),
        "{texts:?}"
    );
    let times: Vec<_> = view.messages.iter().map(|m| m.at).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "time order");

    // The source resolves, says where it went, and is in no list; its words find the target.
    let s = inbox.ticket(&sid).await.unwrap();
    assert_eq!(s.ticket.merged_into.as_deref(), Some(target.as_str()));
    assert!(s.messages.len() <= 1, "only its own first words remain");
    let every = inbox.tickets(Filter::default()).await.unwrap();
    assert_eq!(
        every.iter().map(|t| &t.ticket_id).collect::<Vec<_>>(),
        [&target]
    );
    let found = inbox.search(&source, Filter::default()).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].ticket_id, target);
    let found = inbox.search("courier", Filter::default()).await.unwrap();
    assert_eq!(found[0].ticket_id, target);

    // Changing the source is refused with where to go; merging into it too.
    let e = inbox.add_note(&sid, "x").await.unwrap_err();
    assert!(
        e.to_string().contains(&format!("merged into {target}")),
        "{e}"
    );
    let third = ticket(&inbox, "bo@example.com", "Gift wrap?").await;
    let e = inbox
        .merge(&third.parse().unwrap(), &sid)
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains(&format!("merge into {target}")),
        "{e}"
    );
    let e = inbox.merge(&tid, &tid).await.unwrap_err();
    assert!(e.to_string().contains("itself"), "{e}");

    // A mail answering the source by its subject tag, from its visitor, lands on the target.
    let raw = format!(
        "From: Ana <ana@example.com>\r\nTo: {OWNER}\r\nSubject: Re: Any news? [{source}]\r\n\
         Message-ID: <ana-late@example.com>\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n\r\nIt came!\r\n"
    );
    let out = import(&inbox.ports(), inbox.mail().unwrap(), raw.into_bytes())
        .await
        .unwrap();
    assert!(
        matches!(&out, Outcome::Appended { ticket_id, .. } if *ticket_id == target),
        "{out:?}"
    );

    // The CLI: `show` of the source says where it went; merging needs a live source.
    let shown = ok(dir.path(), &["tickets", "show", &source]);
    assert!(shown.contains(&format!("Merged into {target}")), "{shown}");
    let again = run(dir.path(), &["tickets", "merge", &source, "--into", &third]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("merged into"));
    let out = ok(dir.path(), &["tickets", "merge", &third, "--into", &target]);
    assert!(
        out.contains(&format!("{third} is merged into {target}")),
        "{out}"
    );
}

#[tokio::test]
async fn trash_is_restorable_a_reply_restores_and_the_waker_purges_after_30_days() {
    let dir = tempfile::tempdir().unwrap();
    let long_ago = chrono::Utc::now() - chrono::Duration::days(31);
    let old = inbox_at(dir.path(), Arc::new(deskbell::clock::FixedClock(long_ago)));
    let gone = ticket(&old, "spam@example.com", "Buy followers").await;
    old.delete(&gone.parse().unwrap()).await.unwrap();
    drop(old);

    let inbox = inbox(dir.path());
    let kept = ticket(&inbox, "ana@example.com", "Wrong cake delivered").await;
    let back = ticket(&inbox, "bo@example.com", "Refund please").await;
    for id in [&kept, &back] {
        let t = inbox.delete(&id.parse().unwrap()).await.unwrap();
        assert!(t.deleted_at.is_some());
    }
    let counts = inbox.counts().await.unwrap();
    assert_eq!((counts.open, counts.trash), (0, 3));
    assert!(inbox.tickets(Filter::default()).await.unwrap().is_empty());
    let trash = Filter {
        status: StatusFilter::Trash,
        ..Filter::default()
    };
    assert_eq!(inbox.tickets(trash.clone()).await.unwrap().len(), 3);

    // Restore by hand, and by the visitor writing again.
    inbox.restore(&kept.parse().unwrap()).await.unwrap();
    let raw = format!(
        "From: bo@example.com\r\nTo: {OWNER}\r\nSubject: Re: Refund [{back}]\r\n\
         Message-ID: <bo-2@example.com>\r\n\r\nHello? Still waiting.\r\n"
    );
    import(&inbox.ports(), inbox.mail().unwrap(), raw.into_bytes())
        .await
        .unwrap();
    let t = inbox.ticket(&back.parse().unwrap()).await.unwrap().ticket;
    assert_eq!((t.deleted_at, t.unread), (None, true));
    drop(inbox);

    // The waker (started with Deskbell) purges what was deleted 31 days ago, and only that.
    let app = deskbell::Deskbell::start(&config(), dir.path())
        .await
        .unwrap();
    let inbox = app.inbox().clone();
    let purged = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if inbox.ticket(&gone.parse().unwrap()).await.is_err() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(purged.is_ok(), "the 31-day-old trash was purged");
    let open: Vec<String> = inbox
        .tickets(Filter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.ticket_id)
        .collect();
    assert_eq!(open.len(), 2);
    assert!(open.contains(&kept) && open.contains(&back));
    app.stop().await;

    // The CLI: delete, the trash view, restore.
    ok(dir.path(), &["tickets", "delete", &kept]);
    assert_eq!(
        list(dir.path(), &["--status", "trash"]),
        std::slice::from_ref(&kept)
    );
    assert_eq!(
        list(dir.path(), &["--trash"]),
        std::slice::from_ref(&kept),
        "the same"
    );
    assert!(
        !list(dir.path(), &["--all"]).contains(&kept),
        "--all is --status all"
    );
    let shown = ok(dir.path(), &["tickets", "show", &kept]);
    assert!(shown.contains("In the trash since"), "{shown}");
    ok(dir.path(), &["tickets", "restore", &kept]);
    assert!(list(dir.path(), &["--status", "trash"]).is_empty());
}

#[tokio::test]
async fn spam_and_blocked_senders_never_notify_and_stay_out_of_the_lists() {
    let dir = tempfile::tempdir().unwrap();
    // Blocking from the CLI: an address and a whole domain.
    let out = ok(dir.path(), &["block", "Troll@Example.com"]);
    assert!(out.contains("Blocked troll@example.com"), "{out}");
    ok(dir.path(), &["block", "@spam.example"]);
    let bad = run(dir.path(), &["block", "not an address"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not an address"));
    let blocked: Value = serde_json::from_str(&ok(dir.path(), &["blocked", "--json"])).unwrap();
    let keys: Vec<&str> = blocked
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["address"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["@spam.example", "troll@example.com"]);

    // Real HTTP intake: a blocked sender's ticket is kept, as spam, without a notification.
    let app = deskbell::Deskbell::start(&config(), dir.path())
        .await
        .unwrap();
    let site = app.inbox().add_site("Shop", &[]).await.unwrap();
    let mut events = app.subscribe();
    let post = |email: &'static str, issue: &'static str| {
        let url = format!("http://{}/tickets/create", app.intake_addr());
        let token = site.bot_token.clone();
        async move {
            let resp = reqwest::Client::new()
                .post(url)
                .json(&serde_json::json!({
                    "bot_token": token, "visitor_name": "V", "visitor_email": email, "issue": issue,
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
    };
    let troll = post("TROLL@example.com", "You are all terrible").await;
    let bulk = post("offers@spam.example", "Cheap SEO").await;
    let ana = post("ana@example.com", "Do you deliver on Sundays?").await;
    let mut created = Vec::new();
    while let Ok(e) = events.try_recv() {
        if let Event::TicketCreated {
            ticket_id, spam, ..
        } = e
        {
            created.push((ticket_id, spam));
        }
    }
    assert_eq!(
        created,
        [
            (troll.clone(), true),
            (bulk.clone(), true),
            (ana.clone(), false)
        ]
    );
    let inbox = app.inbox().clone();
    let spam = Filter {
        status: StatusFilter::Spam,
        ..Filter::default()
    };
    let ids = |v: Vec<deskbell::domain::Ticket>| {
        let mut v: Vec<String> = v.into_iter().map(|t| t.ticket_id).collect();
        v.sort();
        v
    };
    assert_eq!(ids(inbox.tickets(spam.clone()).await.unwrap()), {
        let mut v = vec![troll.clone(), bulk.clone()];
        v.sort();
        v
    });
    assert_eq!(
        ids(inbox.tickets(Filter::default()).await.unwrap()),
        std::slice::from_ref(&ana)
    );
    let counts = inbox.counts().await.unwrap();
    assert_eq!((counts.open, counts.spam, counts.unread), (1, 2, 1));

    // A blocked sender's mail onto a non-spam ticket is stored but wakes and notifies nothing.
    inbox
        .set_ticket(
            &ana.parse().unwrap(),
            Some(deskbell::domain::Status::Closed),
            None,
        )
        .await
        .unwrap();
    let raw = format!(
        "From: troll@example.com\r\nTo: rosa+support@bakery.example\r\nSubject: Re: Sundays [{ana}]\r\n\
         Message-ID: <t-1@example.com>\r\nIn-Reply-To: <nothing@x>\r\n\r\nLOL\r\n"
    );
    // The troll is no participant of Ana's ticket: the subject tag alone does not thread it,
    // and a blocked sender's new ticket (to the support address) is spam.
    let out = import(&inbox.ports(), inbox.mail().unwrap(), raw.into_bytes())
        .await
        .unwrap();
    let Outcome::Blocked { ticket_id } = out else {
        panic!("{out:?}")
    };
    assert!(
        inbox
            .ticket(&ticket_id.parse().unwrap())
            .await
            .unwrap()
            .ticket
            .spam
    );
    let raw = format!(
        "From: troll@example.com\r\nTo: {OWNER}\r\nSubject: Re: [{troll}]\r\n\
         Message-ID: <t-2@example.com>\r\n\r\nMore\r\n"
    );
    inbox
        .set_spam(&troll.parse().unwrap(), false)
        .await
        .unwrap();
    inbox
        .set_ticket(
            &troll.parse().unwrap(),
            Some(deskbell::domain::Status::Closed),
            None,
        )
        .await
        .unwrap();
    let out = import(&inbox.ports(), inbox.mail().unwrap(), raw.into_bytes())
        .await
        .unwrap();
    assert!(matches!(out, Outcome::Blocked { .. }), "{out:?}");
    let t = inbox.ticket(&troll.parse().unwrap()).await.unwrap();
    assert_eq!(
        t.ticket.status,
        deskbell::domain::Status::Closed,
        "not reopened"
    );
    assert!(t.messages.iter().any(|m| m.text == "More"), "but kept");
    while let Ok(e) = events.try_recv() {
        assert!(
            !matches!(
                e,
                Event::ReplyReceived { .. } | Event::TicketCreated { spam: false, .. }
            ),
            "{e:?}"
        );
    }
    app.stop().await;

    // Unblocked, the sender is heard again; spam / not-spam from the CLI.
    ok(dir.path(), &["unblock", "troll@example.com"]);
    ok(dir.path(), &["tickets", "spam", &ana]);
    assert!(list(dir.path(), &["--status", "spam"]).contains(&ana));
    ok(dir.path(), &["tickets", "not-spam", &ana]);
    assert!(list(dir.path(), &["--status", "closed"]).contains(&ana));
    let out = ok(dir.path(), &["blocked"]);
    assert!(
        out.contains("@spam.example") && !out.contains("troll@"),
        "{out}"
    );
}

#[tokio::test]
async fn six_hundred_tickets_page_fully_and_filter_and_sort() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let site = inbox.add_site("Bakery", &[]).await.unwrap();
    let mut all = Vec::new();
    for n in 0..600 {
        let mut new = NewTicket {
            site_id: (n % 3 == 0).then_some(site.id),
            channel: Channel::Web,
            visitor: Visitor {
                name: format!("V{n}"),
                email: format!("v{n}@example.com"),
                phone: None,
            },
            session_id: None,
            issue: format!("Question {n}"),
            page_url: None,
            spam: false,
        };
        new.issue
            .push_str(if n % 2 == 0 { " about bread" } else { "" });
        all.push(
            inbox
                .create_ticket(new, None)
                .await
                .unwrap()
                .ticket
                .ticket_id,
        );
    }
    let urgent = all[17].clone();
    let high = all[400].clone();
    inbox
        .set_ticket(&urgent.parse().unwrap(), None, Some(Priority::Urgent))
        .await
        .unwrap();
    inbox
        .set_ticket(&high.parse().unwrap(), None, Some(Priority::High))
        .await
        .unwrap();
    inbox
        .set_tags(&all[5].parse().unwrap(), &["Wholesale".into()])
        .await
        .unwrap();
    drop(inbox);

    // Pages of 250 from the CLI: every ticket once, in order.
    let mut paged = Vec::new();
    for offset in ["0", "250", "500", "750"] {
        paged.extend(list(dir.path(), &["--limit", "250", "--offset", offset]));
    }
    assert_eq!(paged.len(), 600);
    let mut unique = paged.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 600, "no ticket twice");
    let human = ok(dir.path(), &["tickets", "list", "--limit", "250"]);
    assert!(
        human.contains("1–250 of 600 (next: --offset 250)"),
        "{human}"
    );

    let by_priority = list(dir.path(), &["--sort", "priority", "--limit", "3"]);
    assert_eq!(by_priority[..2], [urgent.clone(), high.clone()]);
    let by_created = list(dir.path(), &["--sort", "created", "--limit", "1"]);
    assert_eq!(by_created, [all[599].clone()]);

    // Filters combine with each other and with search.
    assert_eq!(list(dir.path(), &["--tag", "wholesale"]), [all[5].clone()]);
    assert_eq!(
        list(dir.path(), &["--priority", "urgent"]),
        std::slice::from_ref(&urgent)
    );
    assert_eq!(
        list(
            dir.path(),
            &[
                "--status",
                "open",
                "--priority",
                "urgent",
                "--sort",
                "updated"
            ]
        ),
        std::slice::from_ref(&urgent)
    );
    assert_eq!(list(dir.path(), &["--site", "Bakery"]).len(), 200);
    let bread_at_bakery = list(dir.path(), &["--site", "Bakery", "--search", "bread"]);
    assert_eq!(bread_at_bakery.len(), 100, "n % 6 == 0");
    let bad = run(dir.path(), &["tickets", "list", "--sort", "mood"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("updated, created, priority"));

    // The core's page answers the total with each page.
    let inbox = self::inbox(dir.path());
    let page = inbox
        .page(
            "",
            Filter {
                sort: Some(SortBy::Updated),
                limit: Some(100),
                offset: 550,
                ..Filter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((page.tickets.len(), page.total), (50, 600));
}
