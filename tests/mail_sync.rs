//! Mail in over IMAP against the real test mail stack (Dovecot + Postfix): a visitor's reply
//! reaches its ticket once with only the new words, the owner's own replies from the Sent
//! folder join the thread, the first sync reads only candidates, polling works without IDLE,
//! and faults (Dovecot restart mid-IDLE, a cut connection, a UIDVALIDITY change, Deskbell
//! stopped while replies arrive) lose and repeat nothing.

mod common;

use common::imap_proxy::ImapProxy;
use common::mailstack::{address, MailStack};
use common::NO_LIMITS;
use deskbell::app::Event;
use deskbell::Deskbell;
use serde_json::json;
use std::path::Path;
use std::time::Duration;
use tokio::sync::broadcast;

fn config(ms: &MailStack, owner: &str, imap: &str, extra_mail: &str) -> String {
    format!(
        "[intake]\nlisten = \"127.0.0.1:0\"\n{NO_LIMITS}[owner]\nemail = \"{owner}\"\nname = \"Rosa\"\n\
         business = \"Rosa's Bakery\"\ntimezone = \"UTC\"\n{}{imap}[mail]\nretry_first_seconds = 1\n\
         confirm_visitor = false\n{extra_mail}",
        ms.smtp_config(owner, ms.password())
    )
}

/// The owner's support address (the default `[mail] support_address`): mail to it may start a
/// ticket. Postfix here splits `+` like Gmail does (recipient_delimiter), so it lands in the
/// owner's INBOX.
fn support(owner: &str) -> String {
    owner.replacen('@', "+support@", 1)
}

/// The `[imap]` section for plain IMAP through a proxy on loopback.
fn proxied_imap(proxy: &ImapProxy, owner: &str, ms: &MailStack) -> String {
    format!(
        "[imap]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"plain\"\nusername = \"{owner}\"\npassword = \"{}\"\n",
        proxy.addr.port(),
        ms.password()
    )
}

/// The inbox, IMAP target and config of `text`, for driving the sync directly (no Deskbell).
fn direct(
    dir: &Path,
    text: &str,
    owner: &str,
) -> (
    deskbell::Inbox,
    deskbell::mail::imap::Target,
    deskbell::Config,
) {
    let cfg = deskbell::Config::from_toml(text, "test", Vec::<(String, String)>::new()).unwrap();
    let inbox =
        deskbell::app::open_inbox(&cfg, dir, std::sync::Arc::new(deskbell::clock::SystemClock))
            .unwrap();
    let target = deskbell::mail::imap::Target::from_account(&cfg.imap, Some(owner)).unwrap();
    (inbox, target, cfg)
}

/// A private mail stack, an owner and a visitor on it, and a data directory.
fn world() -> (MailStack, String, String, tempfile::TempDir) {
    (
        MailStack::start(),
        address("owner"),
        address("visitor"),
        tempfile::tempdir().unwrap(),
    )
}

async fn start(dir: &Path, text: &str) -> Deskbell {
    let cfg = deskbell::Config::from_toml(text, "test", Vec::<(String, String)>::new()).unwrap();
    Deskbell::start(&cfg, dir).await.unwrap()
}

async fn post_ticket(app: &Deskbell, visitor: &str, issue: &str) -> String {
    let token = match app.inbox().sites().await.unwrap().into_iter().next() {
        Some(s) => s.bot_token,
        None => {
            app.inbox()
                .add_site("Shop", &["https://rosa.example".into()])
                .await
                .unwrap()
                .bot_token
        }
    };
    let resp = reqwest::Client::new()
        .post(format!("http://{}/tickets/create", app.intake_addr()))
        .json(&json!({
            "bot_token": token, "visitor_name": "Ana Silva", "visitor_email": visitor,
            "issue": issue,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    resp.json::<serde_json::Value>().await.unwrap()["ticket_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Waits (bounded) for an event matching `want`.
async fn wait_event(
    rx: &mut broadcast::Receiver<Event>,
    within: Duration,
    want: impl Fn(&Event) -> bool,
) -> Option<Event> {
    tokio::time::timeout(within, async {
        loop {
            match rx.recv().await {
                Ok(e) if want(&e) => return e,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => panic!("event stream closed"),
            }
        }
    })
    .await
    .ok()
}

/// Waits (bounded) until the sync reports a healthy connection.
async fn wait_synced(app: &Deskbell) {
    for _ in 0..200 {
        if app.sync_state() == deskbell::mail::imap::sync::SyncState::Ok {
            // Both folders' workers reach IDLE shortly after the first reports Ok.
            tokio::time::sleep(Duration::from_millis(300)).await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("sync never became healthy: {:?}", app.sync_state());
}

fn count(dir: &Path, sql: &str, arg: &str) -> i64 {
    let conn = rusqlite::Connection::open(common::db_path(dir)).unwrap();
    conn.query_row(sql, [arg], |r| r.get(0)).unwrap()
}

fn stored(dir: &Path, message_id: &str) -> i64 {
    count(
        dir,
        "SELECT count(*) FROM messages WHERE message_id = ?1",
        message_id,
    )
}

/// The owner's sent reply as the visitor's mailbox received it, and its Message-ID.
fn owner_reply(ms: &MailStack, visitor: &str) -> (Vec<u8>, String) {
    let got = ms.wait_for(visitor, 1, Duration::from_secs(15));
    let raw = got
        .into_iter()
        .next()
        .expect("the owner's reply reaches the visitor");
    let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let id = msg.message_id().unwrap().to_string();
    (raw, id)
}

/// A visitor's answer in Gmail's shape: new words, attribution, quoted history.
fn visitor_reply(
    visitor: &str,
    owner_to: &str,
    subject: &str,
    in_reply_to: &str,
    n: u32,
    words: &str,
) -> (Vec<u8>, String) {
    let mid = format!(
        "CAJ{n}x{}@mail.gmail.com",
        &visitor[..visitor.find('@').unwrap()]
    );
    let raw = format!(
        "From: Ana Silva <{visitor}>\r\nTo: {owner_to}\r\nSubject: Re: {subject}\r\n\
         Date: Wed, 25 Nov 2026 10:0{n}:00 +0000\r\nMessage-ID: <{mid}>\r\n\
         In-Reply-To: <{in_reply_to}>\r\nReferences: <{in_reply_to}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\n{words}\r\n\r\n\
         On Wed, 25 Nov 2026 at 09:00, Rosa <rosa@example.test> wrote:\r\n> Yes, it is vegan.\r\n> Rosa\r\n"
    );
    (raw.into_bytes(), mid)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_reply_lands_once_with_only_the_new_words_and_stays_unread() {
    let (ms, owner, visitor, dir) = world();
    let app = start(
        dir.path(),
        &config(&ms, &owner, &ms.imap_config(&owner), ""),
    )
    .await;
    let mut events = app.subscribe();
    wait_synced(&app).await;

    let id = post_ticket(&app, &visitor, "Is the rye bread vegan?").await;
    app.inbox()
        .reply(&id.parse().unwrap(), "Yes, it is vegan.", Vec::new())
        .await
        .unwrap();
    let (sent, reply_mid) = owner_reply(&ms, &visitor);
    let sent = mail_parser::MessageParser::default().parse(&sent).unwrap();
    let reply_to = sent
        .reply_to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap()
        .to_string();
    assert!(
        reply_to.contains("+tkt-"),
        "answers go to the plus-address: {reply_to}"
    );

    let (raw, mid) = visitor_reply(
        &visitor,
        &reply_to,
        sent.subject().unwrap(),
        &reply_mid,
        1,
        "Great, I'll pick one up on Friday.",
    );
    let sent_at = std::time::Instant::now();
    ms.deliver(&visitor, &reply_to, &raw).await;
    let e = wait_event(
        &mut events,
        Duration::from_secs(15),
        |e| matches!(e, Event::ReplyReceived { ticket_id, .. } if *ticket_id == id),
    )
    .await
    .expect("the reply reaches its ticket");
    eprintln!("reply on the ticket {:?} after delivery", sent_at.elapsed());
    let Event::ReplyReceived { first_line, .. } = e else {
        unreachable!()
    };
    assert_eq!(first_line, "Great, I'll pick one up on Friday.");

    let view = app.inbox().ticket(&id.parse().unwrap()).await.unwrap();
    let mine: Vec<_> = view
        .messages
        .iter()
        .filter(|m| m.message_id.as_deref() == Some(mid.as_str()))
        .collect();
    assert_eq!(mine.len(), 1, "stored once");
    // Its Date header says 10:01 this morning; the thread places it when the server got it.
    assert!(
        chrono::Utc::now() - mine[0].at < chrono::Duration::minutes(5),
        "placed at the server's receipt time: {}",
        mine[0].at
    );
    assert_eq!(
        view.messages.last().map(|m| m.message_id.clone()),
        Some(Some(mid.clone())),
        "last in the thread"
    );
    assert_eq!(mine[0].text, "Great, I'll pick one up on Friday.");
    assert!(
        mine[0].body.contains("> Yes, it is vegan."),
        "the full body is kept"
    );
    assert_eq!(stored(dir.path(), &mid), 1);

    // BODY.PEEK only: the owner's mailbox still shows the reply as unread.
    let flags = ms.flags(&owner, "INBOX");
    assert!(!flags.is_empty());
    assert!(flags.iter().all(|f| !f.contains("\\Seen")), "{flags:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owners_replies_from_sent_join_the_thread_once() {
    let (ms, owner, visitor, dir) = world();
    let app = start(
        dir.path(),
        &config(&ms, &owner, &ms.imap_config(&owner), ""),
    )
    .await;
    let mut events = app.subscribe();
    wait_synced(&app).await;
    let id = post_ticket(&app, &visitor, "Do you deliver on Sundays?").await;
    // The owner answers the notification from Gmail on her phone; Gmail keeps the copy in
    // Sent (the test stack does not, so the test stores it as Gmail would).
    let notification = ms.wait_for(&owner, 1, Duration::from_secs(15));
    let note = mail_parser::MessageParser::default()
        .parse(&notification[0])
        .unwrap();
    let note_mid = note.message_id().unwrap().to_string();
    let own = format!(
        "From: Rosa <{owner}>\r\nTo: {visitor}\r\nSubject: Re: {}\r\nMessage-ID: <rosa-phone-1@mail.gmail.com>\r\n\
         In-Reply-To: <{note_mid}>\r\nReferences: <{note_mid}>\r\nDate: Wed, 25 Nov 2026 11:00:00 +0000\r\n\r\n\
         Yes, every Sunday from 8 to 12.\r\n\r\nSent from my iPhone\r\n",
        note.subject().unwrap()
    );
    assert_eq!(
        app.inbox()
            .ticket(&id.parse().unwrap())
            .await
            .unwrap()
            .ticket
            .status,
        deskbell::domain::Status::Open
    );
    ms.append(&owner, "Sent", own.as_bytes());
    let updated = wait_event(
        &mut events,
        Duration::from_secs(15),
        |e| matches!(e, Event::TicketUpdated { ticket_id, .. } if *ticket_id == id),
    )
    .await
    .expect("the owner's reply is recorded");
    // Answered from the phone as from the window: the ticket waits on the visitor now.
    assert!(
        matches!(
            updated,
            Event::TicketUpdated {
                status: deskbell::domain::Status::Pending,
                ..
            }
        ),
        "{updated:?}"
    );
    assert_eq!(
        app.inbox()
            .ticket(&id.parse().unwrap())
            .await
            .unwrap()
            .ticket
            .status,
        deskbell::domain::Status::Pending
    );
    // She had also Cc'd herself: the same message in INBOX is not stored again.
    ms.deliver(&owner, &owner, own.as_bytes()).await;
    // A later visitor mail proves the INBOX copy was processed before it.
    let (raw, mid) = visitor_reply(
        &visitor,
        &owner,
        &format!("Sunday [{id}]"),
        "rosa-phone-1@mail.gmail.com",
        2,
        "Perfect, see you Sunday.",
    );
    ms.deliver(&visitor, &owner, &raw).await;
    wait_event(
        &mut events,
        Duration::from_secs(15),
        |e| matches!(e, Event::ReplyReceived { ticket_id, .. } if *ticket_id == id),
    )
    .await
    .expect("the visitor's answer to the owner's Gmail reply threads by its Message-ID");

    let view = app.inbox().ticket(&id.parse().unwrap()).await.unwrap();
    let own_entries: Vec<_> = view
        .messages
        .iter()
        .filter(|m| m.message_id.as_deref() == Some("rosa-phone-1@mail.gmail.com"))
        .collect();
    assert_eq!(
        own_entries.len(),
        1,
        "stored once though it is in Sent and INBOX"
    );
    assert_eq!(own_entries[0].direction.as_str(), "out");
    assert_eq!(own_entries[0].text, "Yes, every Sunday from 8 to 12.");
    assert_eq!(stored(dir.path(), &mid), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_sync_reads_only_candidates_then_everything_new() {
    let (ms, owner, visitor, dir) = world();
    // Deskbell runs without IMAP first: a ticket and the owner's answer exist.
    let app = start(dir.path(), &config(&ms, &owner, "", "")).await;
    let id = post_ticket(&app, &visitor, "Can I order a cake for 20?").await;
    app.inbox()
        .reply(&id.parse().unwrap(), "Yes! Which flavour?", Vec::new())
        .await
        .unwrap();
    let (_, reply_mid) = owner_reply(&ms, &visitor);
    app.stop().await;

    // Meanwhile the owner's mailbox fills with her private mail and one reply to the ticket.
    for n in 0..25 {
        let raw = format!("From: Friend {n} <friend{n}@example.test>\r\nTo: {owner}\r\nSubject: Dinner {n}\r\nMessage-ID: <private-{n}@example.test>\r\n\r\nSee you at 8?\r\n");
        ms.deliver(&format!("friend{n}@example.test"), &owner, raw.as_bytes())
            .await;
    }
    let (raw, mid) = visitor_reply(
        &visitor,
        &owner,
        "Your question",
        &reply_mid,
        3,
        "Chocolate, please.",
    );
    ms.deliver(&visitor, &owner, &raw).await;
    ms.wait_for(&owner, 27, Duration::from_secs(15));

    let text = config(&ms, &owner, &ms.imap_config(&owner), "");
    let (inbox, target, cfg) = direct(dir.path(), &text, &owner);
    let opts = deskbell::app::sync_options(&cfg);
    let passes =
        deskbell::mail::imap::sync::once(&inbox.ports(), inbox.mail().unwrap(), &target, &opts)
            .await
            .unwrap();
    let inbox_pass = &passes[0];
    assert_eq!(inbox_pass.folder, "INBOX");
    // The notification and the reply are candidates ([TKT-…] / tkt- references); the 25
    // private mails are not even fetched.
    assert_eq!(inbox_pass.fetched, 2, "{:?}", inbox_pass.outcomes);
    assert_eq!(stored(dir.path(), &mid), 1);
    assert_eq!(
        count(
            dir.path(),
            "SELECT count(*) FROM tickets WHERE channel = ?1",
            "email"
        ),
        0
    );

    // From now on every new mail goes through the pipeline: a stranger's question is a ticket.
    let raw = format!("From: Bo <bo@example.test>\r\nTo: {}\r\nSubject: Gluten free?\r\nMessage-ID: <bo-1@example.test>\r\n\r\nDo you bake gluten-free bread?\r\n", support(&owner));
    ms.deliver("bo@example.test", &support(&owner), raw.as_bytes())
        .await;
    ms.wait_for(&owner, 28, Duration::from_secs(15));
    let passes =
        deskbell::mail::imap::sync::once(&inbox.ports(), inbox.mail().unwrap(), &target, &opts)
            .await
            .unwrap();
    assert_eq!(passes[0].fetched, 1);
    assert_eq!(
        count(
            dir.path(),
            "SELECT count(*) FROM tickets WHERE channel = ?1",
            "email"
        ),
        1
    );
    // A third pass finds nothing new.
    let passes =
        deskbell::mail::imap::sync::once(&inbox.ports(), inbox.mail().unwrap(), &target, &opts)
            .await
            .unwrap();
    assert_eq!(passes[0].fetched, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_idle_the_mailbox_is_polled() {
    let ms = MailStack::start();
    let owner = address("owner");
    let visitor = address("visitor");
    let upstream = format!("127.0.0.1:{}", ms.get("MAILSTACK_IMAP_PORT"))
        .parse()
        .unwrap();
    let proxy = ImapProxy::start(upstream, true).await;
    let dir = tempfile::tempdir().unwrap();
    let app = start(
        dir.path(),
        &config(
            &ms,
            &owner,
            &proxied_imap(&proxy, &owner, &ms),
            "poll_seconds = 1\n",
        ),
    )
    .await;
    let mut events = app.subscribe();
    wait_synced(&app).await;
    let id = post_ticket(&app, &visitor, "Opening hours?").await;
    let raw = format!("From: {visitor}\r\nTo: {owner}\r\nSubject: Re: hours [{id}]\r\nMessage-ID: <poll-1@example.test>\r\n\r\nAnd on holidays?\r\n");
    ms.deliver(&visitor, &owner, raw.as_bytes()).await;
    wait_event(
        &mut events,
        Duration::from_secs(15),
        |e| matches!(e, Event::ReplyReceived { ticket_id, .. } if *ticket_id == id),
    )
    .await
    .expect("polling picks the reply up");
    let cmds = proxy.commands();
    assert!(
        !cmds.iter().any(|c| c.ends_with(" IDLE")),
        "no IDLE sent to a server without it: {cmds:?}"
    );
    assert_eq!(stored(dir.path(), "poll-1@example.test"), 1);
    app.stop().await;
}

async fn arrived(events: &mut broadcast::Receiver<Event>, n: u32) {
    let want = format!("update {n}");
    wait_event(
        events,
        Duration::from_secs(20),
        move |e| matches!(e, Event::ReplyReceived { first_line, .. } if *first_line == want),
    )
    .await
    .unwrap_or_else(|| panic!("reply {n} never arrived"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarts_cuts_uidvalidity_changes_and_downtime_lose_and_repeat_nothing() {
    let ms = MailStack::start();
    let owner = address("owner");
    let visitor = address("visitor");
    let upstream = format!("127.0.0.1:{}", ms.get("MAILSTACK_IMAP_PORT"))
        .parse()
        .unwrap();
    let proxy = ImapProxy::start(upstream, false).await;
    let dir = tempfile::tempdir().unwrap();
    let text = config(&ms, &owner, &proxied_imap(&proxy, &owner, &ms), "");
    let app = start(dir.path(), &text).await;
    let mut events = app.subscribe();
    wait_synced(&app).await;
    let id = post_ticket(&app, &visitor, "Where is my order?").await;
    // The owner's new-ticket notification lands first, so no Dovecot restart below can
    // catch it in LMTP delivery and leave it in Postfix's retry queue: INBOX then holds
    // exactly the notification and the five replies, UIDs 1 to 6.
    assert_eq!(ms.wait_for(&owner, 1, Duration::from_secs(15)).len(), 1);
    let reply = |n: u32| {
        format!("From: {visitor}\r\nTo: {owner}\r\nSubject: Re: order [{id}]\r\nMessage-ID: <fault-{n}@example.test>\r\n\r\nupdate {n}\r\n").into_bytes()
    };
    // 1. Dovecot restarts while Deskbell is in IDLE.
    ms.restart_imap();
    ms.deliver(&visitor, &owner, &reply(1)).await;
    arrived(&mut events, 1).await;

    // 2. The network drops every connection.
    wait_synced(&app).await;
    proxy.cut();
    ms.deliver(&visitor, &owner, &reply(2)).await;
    arrived(&mut events, 2).await;

    // 3. The server gives INBOX a new UIDVALIDITY: everything is rescanned, nothing doubled.
    wait_synced(&app).await;
    ms.set_uidvalidity(&owner, "INBOX", 4242);
    ms.deliver(&visitor, &owner, &reply(3)).await;
    arrived(&mut events, 3).await;

    // 4. Deskbell is stopped while two replies arrive.
    app.stop().await;
    ms.deliver(&visitor, &owner, &reply(4)).await;
    ms.deliver(&visitor, &owner, &reply(5)).await;
    let app = start(dir.path(), &text).await;
    let mut events = app.subscribe();
    let mut seen = Vec::new();
    while seen.len() < 2 {
        match wait_event(&mut events, Duration::from_secs(20), |e| {
            matches!(e, Event::ReplyReceived { .. })
        })
        .await
        {
            Some(Event::ReplyReceived { first_line, .. }) => seen.push(first_line),
            _ => panic!("replies after downtime never arrived; got {seen:?}"),
        }
    }
    seen.sort();
    assert_eq!(seen, ["update 4", "update 5"]);
    app.stop().await;

    for n in 1..=5 {
        assert_eq!(
            stored(dir.path(), &format!("fault-{n}@example.test")),
            1,
            "reply {n}"
        );
    }
    let conn = rusqlite::Connection::open(common::db_path(dir.path())).unwrap();
    let (validity, last): (i64, i64) = conn
        .query_row(
            "SELECT uidvalidity, last_uid FROM mailbox_state WHERE folder = 'INBOX'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(validity, 4242);
    let held = ms.messages(&owner, "INBOX").len();
    assert_eq!(held, 6, "the notification and five replies");
    assert_eq!(last, 6, "state advanced past every message");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_and_tls_problems_are_named_and_reported_as_sync_errors() {
    use deskbell::config::Account;
    use deskbell::mail::imap::{sync::check, ImapError, Target};
    let ms = MailStack::start();
    let owner = address("owner");
    let account = |port: &str, security: &str, password: &str, ca: bool| {
        let text = format!(
            "[imap]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"{security}\"\nusername = \"{owner}\"\npassword = \"{password}\"\n{}",
            if ca { format!("ca_file = \"{}\"\n", ms.get("MAILSTACK_CA")) } else { String::new() }
        );
        let cfg = deskbell::Config::from_toml(&text, "t", Vec::<(String, String)>::new()).unwrap();
        let a: Account = cfg.imap.clone();
        Target::from_account(&a, None).unwrap()
    };
    let imaps = ms.get("MAILSTACK_IMAPS_PORT").to_string();
    let imap = ms.get("MAILSTACK_IMAP_PORT").to_string();

    let (count, sent) = check(&account(&imaps, "tls", ms.password(), true))
        .await
        .unwrap();
    assert_eq!((count, sent.as_deref()), (0, Some("Sent")));
    let (_, sent) = check(&account(&imap, "starttls", ms.password(), true))
        .await
        .unwrap();
    assert_eq!(sent.as_deref(), Some("Sent"));

    let e = check(&account(&imaps, "tls", "wrong", true))
        .await
        .unwrap_err();
    assert!(matches!(e, ImapError::Login { .. }), "{e:?}");
    assert!(e.to_string().contains("app password"), "{e}");
    assert!(!e.to_string().contains("Some("), "no debug text: {e}");
    assert!(!e.is_transient());
    let e = check(&account(&imaps, "tls", ms.password(), false))
        .await
        .unwrap_err();
    assert!(matches!(e, ImapError::UntrustedCertificate { .. }), "{e:?}");
    let e = check(&account(&imap, "tls", ms.password(), true))
        .await
        .unwrap_err();
    assert!(
        matches!(e, ImapError::Tls { .. }),
        "TLS spoken to a plain port: {e:?}"
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = check(&account(&closed.to_string(), "tls", ms.password(), true))
        .await
        .unwrap_err();
    assert!(matches!(e, ImapError::Unreachable { .. }), "{e:?}");
    assert!(e.is_transient());
    // A password never travels unencrypted beyond this computer.
    let remote = deskbell::Config::from_toml(
        "[imap]\nhost = \"imap.example.com\"\nsecurity = \"plain\"\npassword = \"x\"\n",
        "t",
        Vec::<(String, String)>::new(),
    );
    assert!(remote.is_err());

    // The running sync says what is wrong, as an event and in its state, without a retry storm.
    let dir = tempfile::tempdir().unwrap();
    let wrong = ms.imap_config(&owner).replace(ms.password(), "wrong");
    let app = start(dir.path(), &config(&ms, &owner, &wrong, "")).await;
    let mut events = app.subscribe();
    let e = wait_event(&mut events, Duration::from_secs(15), |e| {
        matches!(e, Event::SyncError { .. })
    })
    .await
    .expect("a sync error event");
    let Event::SyncError { reason, .. } = e else {
        unreachable!()
    };
    assert!(reason.contains("refused the password"), "{reason}");
    assert!(
        !reason.contains("wrong"),
        "the password is not repeated: {reason}"
    );
    assert!(matches!(
        app.sync_state(),
        deskbell::mail::imap::sync::SyncState::Error(_)
    ));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_is_reissued_on_time_and_mail_still_arrives() {
    use deskbell::mail::imap::sync::{run, SyncHealth, SyncOptions, SyncState};
    let ms = MailStack::start();
    let owner = address("owner");
    let visitor = address("visitor");
    let upstream = format!("127.0.0.1:{}", ms.get("MAILSTACK_IMAP_PORT"))
        .parse()
        .unwrap();
    let proxy = ImapProxy::start(upstream, false).await;
    let dir = tempfile::tempdir().unwrap();
    let text = config(&ms, &owner, &proxied_imap(&proxy, &owner, &ms), "");
    let (inbox, target, _) = direct(dir.path(), &text, &owner);
    let opts = SyncOptions {
        idle_refresh: Duration::from_millis(700),
        ..SyncOptions::default()
    };
    let state = SyncHealth::default();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut events = inbox.subscribe();
    let worker = tokio::spawn(run(
        inbox.ports(),
        inbox.mail().unwrap().clone(),
        target,
        opts,
        state.clone(),
        stopped,
    ));
    tokio::time::sleep(Duration::from_secs(3)).await;
    let idles = |p: &ImapProxy| p.commands().iter().filter(|c| c.ends_with(" IDLE")).count();
    // Two folders, each re-issuing about every 0.7 s.
    assert!(idles(&proxy) >= 4, "IDLE re-issued: {:?}", proxy.commands());
    assert!(
        proxy.commands().iter().any(|c| c == "DONE"),
        "each IDLE is ended with DONE"
    );
    let raw = format!("From: {visitor}\r\nTo: {}\r\nSubject: hello\r\nMessage-ID: <refresh-1@example.test>\r\n\r\nA question.\r\n", support(&owner));
    ms.deliver(&visitor, &support(&owner), raw.as_bytes()).await;
    wait_event(&mut events, Duration::from_secs(15), |e| {
        matches!(e, Event::TicketCreated { .. })
    })
    .await
    .expect("mail still arrives between refreshes");
    assert_eq!(state.get(), SyncState::Ok);
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), worker)
        .await
        .expect("the worker stops promptly")
        .unwrap();
    assert_eq!(state.get(), SyncState::Off);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_syncs_once_and_reports_json() {
    let ms = MailStack::start();
    let owner = address("owner");
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("config.toml");
    std::fs::write(&conf, config(&ms, &owner, &ms.imap_config(&owner), "")).unwrap();
    let run = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_deskbell"))
            .arg("--config")
            .arg(&conf)
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(["mail", "sync", "--once", "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let first = run();
    assert_eq!(first[0]["folder"], "INBOX");
    assert_eq!(first[1]["folder"], "Sent");
    let raw = format!("From: Bo <bo@example.test>\r\nTo: {}\r\nSubject: Gluten free?\r\nMessage-ID: <cli-1@example.test>\r\n\r\nDo you bake gluten-free bread?\r\n", support(&owner));
    ms.deliver("bo@example.test", &support(&owner), raw.as_bytes())
        .await;
    ms.wait_for(&owner, 1, Duration::from_secs(15));
    let second = run();
    assert_eq!(second[0]["fetched"], 1, "{second}");
    assert!(
        second[0]["outcomes"][0]
            .as_str()
            .unwrap()
            .starts_with("Created"),
        "{second}"
    );
    assert_eq!(run()[0]["fetched"], 0, "nothing twice");

    // doctor logs in to both servers and says so.
    let doctor = std::process::Command::new(env!("CARGO_BIN_EXE_deskbell"))
        .arg("--config")
        .arg(&conf)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("doctor")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&doctor.stdout);
    assert!(
        doctor.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&doctor.stderr)
    );
    assert!(
        out.contains("IMAP:") && out.contains("INBOX holds 1 message(s); sent mail: Sent"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_gmail_the_thread_id_is_fetched_and_threads_unmarked_mail() {
    let ms = MailStack::start();
    let owner = address("owner");
    let upstream = format!("127.0.0.1:{}", ms.get("MAILSTACK_IMAP_PORT"))
        .parse()
        .unwrap();
    let proxy = ImapProxy::start_with(upstream, false, Some(1_781_234_567_890_123_456)).await;
    let dir = tempfile::tempdir().unwrap();
    let text = config(&ms, &owner, &proxied_imap(&proxy, &owner, &ms), "");
    let (inbox, target, cfg) = direct(dir.path(), &text, &owner);
    let opts = deskbell::app::sync_options(&cfg);
    deskbell::mail::imap::sync::once(&inbox.ports(), inbox.mail().unwrap(), &target, &opts)
        .await
        .unwrap();
    let first = format!("From: Bo <bo@example.test>\r\nTo: {}\r\nSubject: Gluten free?\r\nMessage-ID: <gm-1@example.test>\r\n\r\nDo you bake gluten-free bread?\r\n", support(&owner));
    let second = format!("From: Bo <bo@example.test>\r\nTo: {owner}\r\nSubject: one more thing\r\nMessage-ID: <gm-2@example.test>\r\n\r\nAnd rye?\r\n");
    ms.deliver("bo@example.test", &support(&owner), first.as_bytes())
        .await;
    ms.wait_for(&owner, 1, Duration::from_secs(15));
    ms.deliver("bo@example.test", &owner, second.as_bytes())
        .await;
    ms.wait_for(&owner, 2, Duration::from_secs(15));
    let passes =
        deskbell::mail::imap::sync::once(&inbox.ports(), inbox.mail().unwrap(), &target, &opts)
            .await
            .unwrap();
    use deskbell::mail::import::Outcome;
    let outcomes = &passes[0].outcomes;
    assert!(
        matches!(outcomes[0], Outcome::Created { .. }),
        "{outcomes:?}"
    );
    assert!(
        matches!(
            &outcomes[1],
            Outcome::Appended {
                rule: deskbell::mail::thread::Rule::GmailThread,
                ..
            }
        ),
        "no marks, only Gmail's thread id: {outcomes:?}"
    );
    assert!(
        proxy.commands().iter().any(|c| c.contains("X-GM-THRID")),
        "asked for the thread id"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_connection_for_imap_names_the_exact_problem() {
    use deskbell::mail::check::{imap, Problem};
    let ms = MailStack::start();
    let owner = address("owner");
    let account = |port: &str, security: &str, password: &str, ca: bool| {
        let text = format!(
            "[imap]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"{security}\"\npassword = \"{password}\"\n{}",
            if ca { format!("ca_file = \"{}\"\n", ms.get("MAILSTACK_CA")) } else { String::new() }
        );
        deskbell::Config::from_toml(&text, "t", Vec::<(String, String)>::new())
            .unwrap()
            .imap
    };
    let imaps = ms.get("MAILSTACK_IMAPS_PORT").to_string();
    let plain = ms.get("MAILSTACK_IMAP_PORT").to_string();
    let r = imap(&account(&imaps, "tls", ms.password(), true), Some(&owner)).await;
    assert_eq!(r.problem, Problem::Ok, "{r:?}");
    assert!(r.message.contains("\"Sent\""), "{}", r.message);
    let r = imap(&account(&imaps, "tls", "nope", true), Some(&owner)).await;
    assert_eq!(r.problem, Problem::WrongPassword, "{r:?}");
    assert!(!r.message.contains("nope") && !r.hint.clone().unwrap_or_default().contains("nope"));
    let r = imap(&account(&plain, "tls", ms.password(), true), Some(&owner)).await;
    assert_eq!(r.problem, Problem::Tls, "{r:?}");
    assert!(r.hint.unwrap().contains("993"));
    let r = imap(&account(&imaps, "tls", ms.password(), false), Some(&owner)).await;
    assert_eq!(r.problem, Problem::UntrustedCertificate, "{r:?}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let r = imap(
        &account(&closed.to_string(), "tls", ms.password(), true),
        Some(&owner),
    )
    .await;
    assert_eq!(r.problem, Problem::Unreachable, "{r:?}");
    let r = imap(&deskbell::config::Account::default(), Some(&owner)).await;
    assert_eq!(r.problem, Problem::NotConfigured, "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_takes_the_password_from_the_secret_store_not_the_config() {
    use deskbell::secrets::{account_key, AccountKind, FileStore, SecretStore};
    let ms = MailStack::start();
    let owner = address("owner");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let imap = ms
        .imap_config(&owner)
        .replace(&format!("password = \"{}\"\n", ms.password()), "");
    assert!(!imap.contains(ms.password()));
    let conf = dir.path().join("config.toml");
    std::fs::write(&conf, config(&ms, &owner, &imap, "")).unwrap();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_deskbell"))
            .env("DESKBELL_SECRETS", "file")
            .arg("--config")
            .arg(&conf)
            .arg("--data-dir")
            .arg(&data)
            .args(["mail", "sync", "--once"])
            .output()
            .unwrap()
    };
    let without = run();
    assert!(
        !without.status.success(),
        "no password anywhere: the sync cannot log in"
    );
    assert!(String::from_utf8_lossy(&without.stderr).contains("imap.password"));
    FileStore::new(&data)
        .set(&account_key(AccountKind::Imap, &owner), ms.password())
        .unwrap();
    let with = run();
    assert!(
        with.status.success(),
        "{}",
        String::from_utf8_lossy(&with.stderr)
    );
    let logs = String::from_utf8_lossy(&with.stderr);
    assert!(!logs.contains(ms.password()), "never logged: {logs}");
}

/// On a personal Gmail, INBOX is mostly the owner's own life. With the default
/// `new_tickets = "support"`, five personal mails to the owner's address and one to the
/// support address (`owner+support@`, delivered into INBOX like Gmail does) make one ticket
/// and one event (what the desktop notification shows); the personal mails are left on the
/// server as they were (still there, still unread) and nothing of them is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_mail_to_the_support_address_becomes_a_ticket() {
    let (ms, owner, visitor, dir) = world();
    let app = start(
        dir.path(),
        &config(&ms, &owner, &ms.imap_config(&owner), ""),
    )
    .await;
    let mut events = app.subscribe();
    wait_synced(&app).await;
    for n in 0..5 {
        let raw = format!("From: Friend {n} <friend{n}@example.test>\r\nTo: {owner}\r\nSubject: Dinner {n}\r\nMessage-ID: <personal-{n}@example.test>\r\n\r\nSee you at 8?\r\n");
        ms.deliver(&format!("friend{n}@example.test"), &owner, raw.as_bytes())
            .await;
    }
    let raw = format!("From: Ana <{visitor}>\r\nTo: {}\r\nSubject: A cake for 20?\r\nMessage-ID: <support-1@example.test>\r\n\r\nCan you bake a cake for 20 people?\r\n", support(&owner));
    ms.deliver(&visitor, &support(&owner), raw.as_bytes()).await;
    let created = wait_event(&mut events, Duration::from_secs(15), |e| {
        matches!(e, Event::TicketCreated { .. })
    })
    .await
    .expect("the support mail becomes a ticket");
    let Event::TicketCreated { visitor: who, .. } = &created else {
        unreachable!()
    };
    assert_eq!(who, "Ana");
    // Every mail has reached the server; give the sync time to see them all.
    ms.wait_for(&owner, 6, Duration::from_secs(15));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut more = 0;
    while let Ok(e) = events.try_recv() {
        if matches!(e, Event::TicketCreated { .. }) {
            more += 1;
        }
    }
    assert_eq!(more, 0, "no ticket, no notification for personal mail");
    assert_eq!(
        count(dir.path(), "SELECT count(*) FROM tickets WHERE ?1 = ?1", ""),
        1
    );
    // A mail-born ticket is already in the owner's mailbox: no notification mail for it
    // either (the desktop notification comes from the event above).
    assert_eq!(
        count(
            dir.path(),
            "SELECT count(*) FROM outbox WHERE kind = ?1",
            "notification"
        ),
        0
    );
    assert_eq!(
        count(
            dir.path(),
            "SELECT count(*) FROM messages WHERE message_id LIKE ?1",
            "personal-%"
        ),
        0,
        "nothing of the personal mail is stored"
    );
    let inbox = ms.inbox(&owner);
    for n in 0..5 {
        assert!(
            inbox
                .iter()
                .any(|m| m.contains(&format!("<personal-{n}@example.test>"))),
            "personal mail {n} is still on the server"
        );
    }
    let flags = ms.flags(&owner, "INBOX");
    assert!(
        flags.iter().all(|f| !f.contains("\\Seen")),
        "nothing was marked read: {flags:?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_merge_a_reply_to_the_sources_confirmation_lands_on_the_target() {
    let (ms, owner, visitor, dir) = world();
    let text = config(&ms, &owner, &ms.imap_config(&owner), "")
        .replace("confirm_visitor = false", "confirm_visitor = true");
    let app = start(dir.path(), &text).await;
    let mut events = app.subscribe();
    wait_synced(&app).await;
    let target = post_ticket(&app, &visitor, "Where is my order #1042?").await;
    let source = post_ticket(&app, &visitor, "Any news on order #1042?").await;

    // The confirmation of the source, as the visitor's mailbox received it.
    let got = ms.wait_for(&visitor, 2, Duration::from_secs(15));
    let confirmation = got
        .iter()
        .map(|raw| mail_parser::MessageParser::default().parse(raw).unwrap())
        .find(|m| m.subject().is_some_and(|s| s.contains(&source)))
        .expect("the source's confirmation reached the visitor");
    let conf_mid = confirmation.message_id().unwrap().to_string();
    let reply_to = confirmation
        .reply_to()
        .or(confirmation.from())
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap()
        .to_string();
    let subject = confirmation.subject().unwrap().to_string();

    app.inbox()
        .merge(&source.parse().unwrap(), &target.parse().unwrap())
        .await
        .unwrap();

    let (raw, mid) = visitor_reply(
        &visitor,
        &reply_to,
        &subject,
        &conf_mid,
        1,
        "It arrived today, thank you!",
    );
    ms.deliver(&visitor, &reply_to, &raw).await;
    let e = wait_event(&mut events, Duration::from_secs(15), |e| {
        matches!(e, Event::ReplyReceived { .. })
    })
    .await
    .expect("the reply was imported");
    let Event::ReplyReceived { ticket_id, .. } = e else {
        unreachable!()
    };
    assert_eq!(ticket_id, target, "it lands on the target");
    let view = app.inbox().ticket(&target.parse().unwrap()).await.unwrap();
    assert!(view
        .messages
        .iter()
        .any(|m| m.message_id.as_deref() == Some(mid.as_str())));
    assert!(
        view.messages
            .iter()
            .any(|m| m.message_id.as_deref() == Some(conf_mid.as_str())),
        "the source's confirmation moved with its thread"
    );
    let s = app.inbox().ticket(&source.parse().unwrap()).await.unwrap();
    assert_eq!(s.ticket.merged_into.as_deref(), Some(target.as_str()));
    app.stop().await;
}

/// Standard base64 (the forms AUTH PLAIN and AUTH LOGIN put a password in).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `DESKBELL_LOG=trace` — what anyone debugging a login turns on — never shows a password:
/// serve (sending through SMTP and syncing over IMAP), doctor and `mail sync --once`, with the
/// right password and a wrong one, against the real servers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_level_shows_a_password() {
    assert_eq!(base64(b"\0ana\0pw"), "AGFuYQBwdw==");
    let ms = MailStack::start();
    let owner = address("owner");
    let dir = tempfile::tempdir().unwrap();
    let wrong = "Wr0ng-Pa55word-for-the-log-test";
    let bin = env!("CARGO_BIN_EXE_deskbell");
    let mut logs = String::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for password in [ms.password().to_string(), wrong.to_string()] {
        let conf = dir.path().join("config.toml");
        let text = config(&ms, &owner, &ms.imap_config(&owner), "")
            .replace(
                &format!("password = \"{}\"", ms.password()),
                &format!("password = \"{password}\""),
            )
            .replace("127.0.0.1:0", &format!("127.0.0.1:{port}"));
        std::fs::write(&conf, text).unwrap();
        let cmd = |args: &[&str]| {
            let mut c = std::process::Command::new(bin);
            c.arg("--config")
                .arg(&conf)
                .arg("--data-dir")
                .arg(dir.path().join("data"))
                .args(args)
                .env("DESKBELL_LOG", "trace")
                .env("HOME", dir.path());
            c
        };
        for args in [&["mail", "sync", "--once"][..], &["doctor"][..]] {
            let out = cmd(args).output().unwrap();
            logs.push_str(&String::from_utf8_lossy(&out.stdout));
            logs.push_str(&String::from_utf8_lossy(&out.stderr));
        }
        // serve: a ticket makes it log in to SMTP (the owner's notification) while it syncs.
        // The site is registered before serve starts, so its first load of the sites has it.
        let token = if password == ms.password() {
            let site = cmd(&[
                "site",
                "add",
                "Shop",
                "--origin",
                "https://shop.example",
                "--json",
            ])
            .output()
            .unwrap();
            serde_json::from_slice::<serde_json::Value>(&site.stdout).unwrap()["bot_token"]
                .as_str()
                .unwrap()
                .to_string()
        } else {
            String::new()
        };
        let serve = cmd(&["serve"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        wait_for_listener(port);
        if password == ms.password() {
            let resp = reqwest::Client::new()
                .post(format!("http://127.0.0.1:{port}/tickets/create"))
                .json(&json!({"bot_token": token, "visitor_name": "Ana",
                    "visitor_email": "ana@example.test", "issue": "Hello"}))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 201);
            let got = ms.wait_for(&owner, 1, Duration::from_secs(20));
            assert_eq!(
                got.len(),
                1,
                "serve logged in to SMTP and sent the notification"
            );
        } else {
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        let _ = rustix::process::kill_process(
            rustix::process::Pid::from_child(&serve),
            rustix::process::Signal::TERM,
        );
        let out = serve.wait_with_output().unwrap();
        logs.push_str(&String::from_utf8_lossy(&out.stdout));
        logs.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    // The log is a real trace (Deskbell's own debug lines and the libraries' info lines) ...
    assert!(logs.lines().count() > 50, "{logs}");
    assert!(logs.contains("TRACE") || logs.contains("DEBUG"), "{logs}");
    // ... without a password in any form.
    for pw in [ms.password(), wrong] {
        let forms = [
            pw.to_string(),
            base64(pw.as_bytes()),
            base64(format!("\0{owner}\0{pw}").as_bytes()),
            base64(format!("{owner}\0{owner}\0{pw}").as_bytes()),
        ];
        for f in forms {
            assert!(!logs.contains(&f), "{f:?} is in the log");
        }
    }
}

/// Waits (bounded) until something accepts connections on `port`.
fn wait_for_listener(port: u16) {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("serve never listened on {port}");
}

/// Runs `deskbell doctor` over `conf`; whether it passed, and its stdout and stderr together.
fn doctor(conf: &Path, data: &Path) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_deskbell"))
        .arg("--config")
        .arg(conf)
        .arg("--data-dir")
        .arg(data)
        .arg("doctor")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Rust's debug dress, which no owner should read in an error.
fn assert_no_debug_text(text: &str) {
    for debug in ["Some(", "None", "code:", "info:", "Error {", "kind:"] {
        assert!(!text.contains(debug), "debug text {debug:?} in: {text}");
    }
}

/// Against a server that refuses passwords before TLS (Cyrus's default: `LOGINDISABLED`),
/// Deskbell sends no LOGIN and says that the server wants TLS; a wrong password reads as a
/// refused password with the server's own words. Neither shows debug text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_wants_tls_gets_no_password_and_the_owner_plain_words() {
    use common::imap_proxy::Faults;
    let ms = MailStack::start();
    let owner = address("owner");
    let upstream = format!("127.0.0.1:{}", ms.get("MAILSTACK_IMAP_PORT"))
        .parse()
        .unwrap();
    let cyrus = ImapProxy::start_faulty(
        upstream,
        Faults {
            login_disabled: true,
            ..Faults::default()
        },
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (conf, data) = (dir.path().join("config.toml"), dir.path().join("data"));
    std::fs::write(
        &conf,
        config(&ms, &owner, &proxied_imap(&cyrus, &owner, &ms), ""),
    )
    .unwrap();
    let (ok, text) = doctor(&conf, &data);
    assert!(!ok, "{text}");
    assert!(
        text.contains("takes a password only over an encrypted connection")
            && text.contains("LOGINDISABLED")
            && text.contains("imap.security = \"starttls\""),
        "{text}"
    );
    assert_no_debug_text(&text);
    let commands = cyrus.commands();
    assert!(
        commands.iter().any(|c| c.ends_with(" LOGOUT")),
        "Deskbell read the greeting and said goodbye: {commands:?}"
    );
    assert!(
        !commands.iter().any(|c| c
            .split(' ')
            .nth(1)
            .is_some_and(|w| w.eq_ignore_ascii_case("LOGIN"))),
        "no LOGIN is sent to a server that disabled it: {commands:?}"
    );
    assert!(
        !commands.iter().any(|c| c.contains(ms.password())),
        "the password never crossed the plain connection"
    );
    // The settings window's "Test connection" says the same.
    let cfg = deskbell::Config::from_toml(
        &proxied_imap(&cyrus, &owner, &ms),
        "t",
        Vec::<(String, String)>::new(),
    )
    .unwrap();
    let r = deskbell::mail::check::imap(&cfg.imap, Some(&owner)).await;
    assert_eq!(r.problem, deskbell::mail::check::Problem::Tls, "{r:?}");
    assert!(
        r.message.contains(
            "takes a password only over an encrypted connection (it announces LOGINDISABLED)"
        ),
        "{r:?}"
    );
    assert!(
        r.hint.as_deref().unwrap_or_default().contains("993"),
        "{r:?}"
    );
    assert_no_debug_text(&format!("{} {}", r.message, r.hint.unwrap_or_default()));

    // A wrong password, over IMAPS straight to Dovecot.
    let wrong = "Not-The-Password-42";
    let imap = ms.imap_config(&owner).replace(ms.password(), wrong);
    std::fs::write(&conf, config(&ms, &owner, &imap, "")).unwrap();
    let (ok, text) = doctor(&conf, &data);
    assert!(!ok, "{text}");
    assert!(text.contains("refused the password"), "{text}");
    assert!(
        text.contains("Authentication failed"),
        "the server's own words: {text}"
    );
    assert!(
        !text.contains(wrong),
        "the password is never printed: {text}"
    );
    assert_no_debug_text(&text);
}

/// Starts `deskbell serve` over `conf`, its log on stderr at `DESKBELL_LOG=deskbell=info,warn`.
fn serve(conf: &Path, data: &Path) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_deskbell"))
        .arg("--config")
        .arg(conf)
        .arg("--data-dir")
        .arg(data)
        .arg("serve")
        .env("DESKBELL_LOG", "deskbell=info,warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Stops `serve` (SIGTERM) and returns what it logged.
fn stop_serve(child: std::process::Child) -> String {
    let _ = rustix::process::kill_process(
        rustix::process::Pid::from_child(&child),
        rustix::process::Signal::TERM,
    );
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Waits (bounded) until the data dir holds `n` tickets.
async fn wait_tickets(data: &Path, n: i64) -> i64 {
    wait_count(data, "SELECT count(*) FROM tickets", n).await
}

/// Waits (bounded) until `sql` counts `n` in the data dir's database; the last count.
async fn wait_count(data: &Path, sql: &str, n: i64) -> i64 {
    let mut got = 0;
    for _ in 0..150 {
        if common::db_path(data).exists() {
            got = common::count(data, sql);
            if got >= n {
                return got;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    got
}

/// An ordinary restart of the IMAP server, and a network cut, are logged as a closed
/// connection being reopened: no rustls documentation URL, no "check imap.host", no
/// sync-error event; and mail still arrives afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restart_is_logged_as_a_closed_connection_not_a_setup_problem() {
    let ms = MailStack::start();
    let owner = address("owner");
    let visitor = address("visitor");
    let dir = tempfile::tempdir().unwrap();
    let (conf, data) = (dir.path().join("config.toml"), dir.path().join("data"));
    let mail = |n: u32| {
        format!("From: {visitor}\r\nTo: {}\r\nSubject: question {n}\r\nMessage-ID: <restart-{n}@example.test>\r\n\r\nHello {n}\r\n", support(&owner)).into_bytes()
    };
    let mut logs = String::new();

    // 1. Over IMAPS (TLS), Dovecot restarts: rustls sees the socket close without close_notify.
    std::fs::write(&conf, config(&ms, &owner, &ms.imap_config(&owner), "")).unwrap();
    let child = serve(&conf, &data);
    // Both folders have had their first pass (mail from before it is read only if it can
    // belong to a ticket): from now on every new message is read.
    let synced = "SELECT count(*) FROM mailbox_state WHERE folder IN ('INBOX', 'Sent')";
    if wait_count(&data, synced, 2).await != 2 {
        panic!("the first sync never ended: {}", stop_serve(child));
    }
    ms.deliver(&visitor, &support(&owner), &mail(1)).await;
    if wait_tickets(&data, 1).await != 1 {
        panic!("the sync runs: {}", stop_serve(child));
    }
    ms.restart_imap();
    ms.deliver(&visitor, &support(&owner), &mail(2)).await;
    let got = wait_tickets(&data, 2).await;
    let log = stop_serve(child);
    assert_eq!(got, 2, "mail after the restart arrives: {log}");
    logs.push_str(&log);

    // 2. Plain through a proxy that drops every connection at once.
    let upstream = format!("127.0.0.1:{}", ms.get("MAILSTACK_IMAP_PORT"))
        .parse()
        .unwrap();
    let proxy = ImapProxy::start(upstream, false).await;
    std::fs::write(
        &conf,
        config(&ms, &owner, &proxied_imap(&proxy, &owner, &ms), ""),
    )
    .unwrap();
    let child = serve(&conf, &data);
    ms.deliver(&visitor, &support(&owner), &mail(3)).await;
    assert_eq!(wait_tickets(&data, 3).await, 3, "the sync runs");
    proxy.cut();
    ms.deliver(&visitor, &support(&owner), &mail(4)).await;
    let got = wait_tickets(&data, 4).await;
    let log = stop_serve(child);
    assert_eq!(got, 4, "mail after the cut arrives: {log}");
    logs.push_str(&log);

    assert!(
        logs.matches("the server closed the connection; reconnecting")
            .count()
            >= 2,
        "both hang-ups are told as such: {logs}"
    );
    for wrong in [
        "docs.rs",
        "close_notify",
        "check imap.host",
        "IMAP sync failed",
        "sync_error",
    ] {
        assert!(!logs.contains(wrong), "{wrong:?} in the log: {logs}");
    }
}

/// With no Sent folder when Deskbell starts, the Sent worker looks again later: once the
/// owner has one, her replies from other mail apps are read from it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sent_folder_made_later_is_found_and_read() {
    use common::imap_proxy::Faults;
    use deskbell::mail::imap::sync::{run, SyncHealth, SyncOptions, SyncState};
    use std::sync::atomic::AtomicBool;
    let (ms, owner, visitor, dir) = world();
    let upstream = format!("127.0.0.1:{}", ms.get("MAILSTACK_IMAP_PORT"))
        .parse()
        .unwrap();
    let proxy = ImapProxy::start_faulty(
        upstream,
        Faults {
            hide_sent: std::sync::Arc::new(AtomicBool::new(true)),
            ..Faults::default()
        },
    )
    .await;
    let text = config(&ms, &owner, &proxied_imap(&proxy, &owner, &ms), "");
    let (inbox, target, _) = direct(dir.path(), &text, &owner);
    let opts = SyncOptions {
        sent_look_again: Duration::from_millis(500),
        ..SyncOptions::default()
    };
    let state = SyncHealth::default();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut events = inbox.subscribe();
    let worker = tokio::spawn(run(
        inbox.ports(),
        inbox.mail().unwrap().clone(),
        target,
        opts,
        state.clone(),
        stopped,
    ));
    // A ticket from mail, so the owner's reply has something to join.
    let question = format!("From: Ana <{visitor}>\r\nTo: {}\r\nSubject: Rye bread?\r\nMessage-ID: <late-sent-q@example.test>\r\n\r\nDo you bake rye?\r\n", support(&owner));
    ms.deliver(&visitor, &support(&owner), question.as_bytes())
        .await;
    let Some(Event::TicketCreated { ticket_id, .. }) =
        wait_event(&mut events, Duration::from_secs(15), |e| {
            matches!(e, Event::TicketCreated { .. })
        })
        .await
    else {
        panic!("no ticket from the visitor's mail");
    };
    // No Sent folder is not a failure: the sync is healthy without one.
    for _ in 0..100 {
        if state.get() == SyncState::Ok {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state.get(), SyncState::Ok);
    let examined_sent = |p: &ImapProxy| {
        p.commands()
            .iter()
            .any(|c| c.ends_with(" EXAMINE \"Sent\"") || c.ends_with(" EXAMINE Sent"))
    };
    assert!(!examined_sent(&proxy), "{:?}", proxy.commands());

    // The owner makes a Sent folder (in another mail app); the worker finds it.
    proxy.show_sent(true);
    for _ in 0..100 {
        if examined_sent(&proxy) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        examined_sent(&proxy),
        "the Sent folder is looked for again: {:?}",
        proxy.commands()
    );
    let own = format!(
        "From: Rosa <{owner}>\r\nTo: {visitor}\r\nSubject: Re: Rye bread? [{ticket_id}]\r\n\
         Message-ID: <late-sent-reply@mail.example.test>\r\nIn-Reply-To: <late-sent-q@example.test>\r\n\
         References: <late-sent-q@example.test>\r\nDate: Wed, 25 Nov 2026 11:00:00 +0000\r\n\r\n\
         Yes, on Fridays.\r\n"
    );
    ms.append(&owner, "Sent", own.as_bytes());
    wait_event(
        &mut events,
        Duration::from_secs(15),
        |e| matches!(e, Event::TicketUpdated { ticket_id: t, .. } if *t == ticket_id),
    )
    .await
    .expect("the owner's reply in the new Sent folder is read");
    assert_eq!(stored(dir.path(), "late-sent-reply@mail.example.test"), 1);
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), worker)
        .await
        .expect("the worker stops promptly")
        .unwrap();
}
