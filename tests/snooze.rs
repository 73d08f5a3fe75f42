//! Snooze with a real store: a snoozed ticket leaves the waiting list and comes back by itself
//! through `Deskbell::start`'s waker (also when it came due while Deskbell was off), and at
//! once when the visitor's reply is imported.

use deskbell::domain::{Status, StatusFilter};
use deskbell::inbox::Filter;
use deskbell::mail::import::{import, Outcome};
use deskbell::{Config, Event, Inbox};
use std::sync::Arc;
use std::time::Duration;

const OWNER: &str = "rosa@bakery.example";

fn config(mail: bool) -> Config {
    let owner = if mail {
        format!("email = \"{OWNER}\"\n")
    } else {
        String::new()
    };
    Config::from_toml(
        &format!("[owner]\n{owner}timezone = \"UTC\"\n[intake]\nlisten = \"127.0.0.1:0\"\n"),
        "test",
        Vec::<(String, String)>::new(),
    )
    .unwrap()
}

fn inbox(dir: &std::path::Path, mail: bool) -> Inbox {
    deskbell::app::open_inbox(&config(mail), dir, Arc::new(deskbell::clock::SystemClock)).unwrap()
}

async fn web_ticket(inbox: &Inbox, name: &str, issue: &str) -> String {
    let new = deskbell::domain::NewTicket {
        site_id: None,
        channel: deskbell::domain::Channel::Web,
        visitor: deskbell::domain::Visitor {
            name: name.into(),
            email: "ana@example.com".into(),
            phone: None,
        },
        session_id: None,
        issue: issue.into(),
        page_url: None,
        spam: false,
    };
    let t = inbox.create_ticket(new, None).await.unwrap().ticket;
    t.ticket_id
}

fn ids(list: &[deskbell::domain::Ticket]) -> Vec<&str> {
    list.iter().map(|t| t.ticket_id.as_str()).collect()
}

fn filter(status: Option<Status>, snoozed: bool) -> Filter {
    Filter {
        status: match (status, snoozed) {
            (_, true) => StatusFilter::Snoozed,
            (Some(s), false) => s.into(),
            (None, false) => StatusFilter::All,
        },
        ..Filter::default()
    }
}

#[tokio::test]
async fn snoozed_tickets_are_not_waiting_and_are_listed_only_under_snoozed() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path(), false);
    let a = web_ticket(&inbox, "Ana", "My order is late").await;
    let b = web_ticket(&inbox, "Bo", "Refund please").await;
    let c = web_ticket(&inbox, "Cy", "Gift wrap?").await;
    let now = chrono::Utc::now();
    inbox
        .snooze(&b.parse().unwrap(), now + chrono::Duration::days(2))
        .await
        .unwrap();
    inbox
        .snooze(&a.parse().unwrap(), now + chrono::Duration::days(1))
        .await
        .unwrap();

    let counts = inbox.counts().await.unwrap();
    assert_eq!((counts.open, counts.snoozed, counts.unread), (1, 2, 3));
    let open = inbox
        .tickets(filter(Some(Status::Open), false))
        .await
        .unwrap();
    assert_eq!(
        ids(&open),
        [c.as_str()],
        "the waiting list (and the tray's)"
    );
    let snoozed = inbox.tickets(filter(None, true)).await.unwrap();
    assert_eq!(
        ids(&snoozed),
        [a.as_str(), b.as_str()],
        "soonest wake first"
    );
    let found = inbox
        .search("refund", filter(Some(Status::Open), false))
        .await
        .unwrap();
    assert!(found.is_empty(), "search keeps to the filter");
    let found = inbox.search("refund", filter(None, true)).await.unwrap();
    assert_eq!(ids(&found), [b.as_str()]);

    // Closing a snoozed ticket ends its snooze; snoozing a closed one reopens it.
    let closed = inbox
        .set_ticket(&b.parse().unwrap(), Some(Status::Closed), None)
        .await
        .unwrap();
    assert_eq!(closed.snoozed_until, None);
    let again = inbox
        .snooze(&b.parse().unwrap(), now + chrono::Duration::hours(3))
        .await
        .unwrap();
    assert_eq!(again.status, Status::Open);
    assert!(again.snoozed_until.is_some());

    // Unsnoozing puts it back among the waiting, without making it news.
    let back = inbox.unsnooze(&a.parse().unwrap()).await.unwrap();
    assert_eq!(back.snoozed_until, None);
    let counts = inbox.counts().await.unwrap();
    assert_eq!((counts.open, counts.snoozed, counts.closed), (2, 1, 0));

    let past = inbox
        .snooze(&c.parse().unwrap(), now - chrono::Duration::minutes(1))
        .await
        .unwrap_err();
    assert_eq!(past.code(), "invalid");
    assert!(
        past.to_string().contains("a time that has passed"),
        "{past}"
    );
}

#[tokio::test]
async fn a_snoozed_ticket_comes_back_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let app = deskbell::Deskbell::start(&config(false), dir.path())
        .await
        .unwrap();
    let inbox = app.inbox().clone();
    let id = web_ticket(&inbox, "Ana", "My order is late\nOrder 12").await;
    inbox.mark_read(&id.parse().unwrap()).await.unwrap();
    let mut events = app.subscribe();
    let until = chrono::Utc::now() + chrono::Duration::seconds(2);
    inbox.snooze(&id.parse().unwrap(), until).await.unwrap();
    assert_eq!(inbox.counts().await.unwrap().open, 0);

    let woke = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match events.recv().await.unwrap() {
                e @ Event::TicketWoke { .. } => return e,
                _ => continue,
            }
        }
    })
    .await
    .expect("the ticket wakes within 10 s");
    assert_eq!(
        woke,
        Event::TicketWoke {
            ticket_id: id.clone(),
            visitor: "Ana".into(),
            first_line: "My order is late".into(),
        }
    );
    assert!(chrono::Utc::now() >= until);
    let t = inbox.ticket(&id.parse().unwrap()).await.unwrap().ticket;
    assert_eq!(
        (t.snoozed_until, t.unread, t.status),
        (None, true, Status::Open)
    );
    let counts = inbox.counts().await.unwrap();
    assert_eq!((counts.open, counts.snoozed), (1, 0));
    app.stop().await;
}

#[tokio::test]
async fn tickets_that_came_due_while_stopped_wake_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let inbox = inbox(dir.path(), false);
        let id = web_ticket(&inbox, "Ana", "Hello").await;
        let until = chrono::Utc::now() + chrono::Duration::milliseconds(300);
        inbox.snooze(&id.parse().unwrap(), until).await.unwrap();
        id
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    let app = deskbell::Deskbell::start(&config(false), dir.path())
        .await
        .unwrap();
    let inbox = app.inbox().clone();
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let t = inbox.ticket(&id.parse().unwrap()).await.unwrap().ticket;
            if t.snoozed_until.is_none() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("woken at start");
    app.stop().await;
}

#[tokio::test]
async fn a_visitors_reply_wakes_a_snoozed_ticket_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path(), true);
    let id = web_ticket(&inbox, "Ana", "Is the rye bread vegan?").await;
    let tid = id.parse().unwrap();
    let reply_mid = inbox.reply(&tid, "Yes, it is.", vec![]).await.unwrap();
    let week = chrono::Utc::now() + chrono::Duration::weeks(1);
    let t = inbox.snooze(&tid, week).await.unwrap();
    assert_eq!(
        t.status,
        Status::Open,
        "a pending ticket reopens as snoozed"
    );
    assert_eq!(inbox.counts().await.unwrap().snoozed, 1);

    let mut events = inbox.subscribe();
    let raw = format!(
        "From: Ana <ana@example.com>\r\nTo: {OWNER}\r\nSubject: Re: Is the rye bread vegan? [{id}]\r\n\
         Message-ID: <ana-1@example.com>\r\nIn-Reply-To: <{reply_mid}>\r\n\
         Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nGreat, thanks!\r\n"
    );
    let out = import(&inbox.ports(), inbox.mail().unwrap(), raw.into_bytes())
        .await
        .unwrap();
    assert!(matches!(out, Outcome::Appended { .. }), "{out:?}");
    let t = inbox.ticket(&tid).await.unwrap().ticket;
    assert_eq!(
        (t.snoozed_until, t.unread, t.status),
        (None, true, Status::Open)
    );
    let counts = inbox.counts().await.unwrap();
    assert_eq!((counts.open, counts.snoozed), (1, 0));
    let open = inbox
        .tickets(filter(Some(Status::Open), false))
        .await
        .unwrap();
    assert_eq!(ids(&open), [id.as_str()]);
    // It notifies as a reply does.
    let e = events.try_recv().unwrap();
    assert!(
        matches!(e, Event::ReplyReceived { ref ticket_id, .. } if *ticket_id == id),
        "{e:?}"
    );

    // Answering a snoozed ticket makes it pending, which ends the snooze.
    inbox.snooze(&tid, week).await.unwrap();
    inbox.reply(&tid, "Any time.", vec![]).await.unwrap();
    let t = inbox.ticket(&tid).await.unwrap().ticket;
    assert_eq!((t.status, t.snoozed_until), (Status::Pending, None));
}
