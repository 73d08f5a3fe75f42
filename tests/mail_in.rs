//! Mail in through the import pipeline (`deskbell mail import` and, later, IMAP): threading
//! rules with a real store, duplicates, automatic replies, bounces, the widget's fallback
//! mail, mbox files, and arbitrary bytes.

use deskbell::mail::import::{import, split_file, Outcome};
use deskbell::mail::thread::Rule;
use deskbell::{Config, Inbox};
use std::sync::Arc;

const OWNER: &str = "rosa@bakery.example";

/// Any mail from a person may start a ticket here (`new_tickets = "all"`): these tests are
/// about threading and storage. Which mail may start one by default (only mail to the support
/// address) is proven in mail::thread's tests and, over IMAP, in tests/mail_sync.rs.
fn inbox(dir: &std::path::Path) -> Inbox {
    let cfg = Config::from_toml(
        &format!(
            "[owner]\nemail = \"{OWNER}\"\ntimezone = \"UTC\"\n[mail]\nnew_tickets = \"all\"\n"
        ),
        "test",
        Vec::<(String, String)>::new(),
    )
    .unwrap();
    deskbell::app::open_inbox(&cfg, dir, Arc::new(deskbell::clock::SystemClock)).unwrap()
}

fn eml(headers: &str, body: &str) -> Vec<u8> {
    format!("{headers}Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n")
        .replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .into_bytes()
}

async fn web_ticket(inbox: &Inbox, visitor: &str) -> String {
    let new = deskbell::domain::NewTicket {
        site_id: None,
        channel: deskbell::domain::Channel::Web,
        visitor: deskbell::domain::Visitor {
            name: "Ana".into(),
            email: visitor.into(),
            phone: None,
        },
        session_id: None,
        issue: "Is the rye bread vegan?".into(),
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

async fn status(inbox: &Inbox, id: &str) -> String {
    inbox
        .ticket(&id.parse().unwrap())
        .await
        .unwrap()
        .ticket
        .status
        .to_string()
}

#[tokio::test]
async fn a_reply_threads_once_and_reopens_the_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let id = web_ticket(&inbox, "ana@example.com").await;
    let reply_mid = inbox
        .reply(&id.parse().unwrap(), "Yes, it is.", vec![])
        .await
        .unwrap();
    assert_eq!(status(&inbox, &id).await, "pending");

    let raw = eml(
        &format!("From: Ana <ana@example.com>\r\nTo: {OWNER}\r\nSubject: Re: Is the rye bread vegan? [{id}]\r\nMessage-ID: <ana-1@example.com>\r\nIn-Reply-To: <{reply_mid}>\r\n"),
        "Great, thanks! I'll pick one up.\r\n\r\nOn Wed, 25 Nov 2026 at 09:00, Rosa <rosa@bakery.example> wrote:\r\n> Yes, it is.\r\n",
    );
    let first = import(&inbox.ports(), inbox.mail().unwrap(), raw.clone())
        .await
        .unwrap();
    assert_eq!(
        first,
        Outcome::Appended {
            ticket_id: id.clone(),
            rule: Rule::SignedToken
        }
    );
    assert_eq!(
        import(&inbox.ports(), inbox.mail().unwrap(), raw)
            .await
            .unwrap(),
        Outcome::Duplicate
    );
    let view = inbox.ticket(&id.parse().unwrap()).await.unwrap();
    let incoming: Vec<_> = view
        .messages
        .iter()
        .filter(|m| m.message_id.as_deref() == Some("ana-1@example.com"))
        .collect();
    assert_eq!(incoming.len(), 1, "stored once");
    assert_eq!(
        incoming[0].text, "Great, thanks! I'll pick one up.",
        "only the new words"
    );
    assert!(
        incoming[0].body.contains("> Yes, it is."),
        "the full body is kept"
    );
    assert_eq!(
        view.ticket.status.to_string(),
        "open",
        "a visitor reply reopens"
    );

    // The same bytes under another Message-ID are still a duplicate (hash of the raw bytes)…
    // …and the same Message-ID with other bytes too.
    let again = eml(
        &format!("From: Ana <ana@example.com>\r\nTo: {OWNER}\r\nSubject: Re: x\r\nMessage-ID: <ana-1@example.com>\r\n"),
        "different bytes, same id",
    );
    assert_eq!(
        import(&inbox.ports(), inbox.mail().unwrap(), again)
            .await
            .unwrap(),
        Outcome::Duplicate
    );
}

#[tokio::test]
async fn strangers_automatic_mail_and_bounces() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let id = web_ticket(&inbox, "ana@example.com").await;
    let reply_mid = inbox
        .reply(&id.parse().unwrap(), "Yes.", vec![])
        .await
        .unwrap();

    // A stranger using the subject tag gets a ticket of their own.
    let stranger = eml(
        &format!("From: Mallory <mallory@evil.example>\r\nTo: {OWNER}\r\nSubject: Re: [{id}] please refund me\r\nMessage-ID: <m-1@evil.example>\r\n"),
        "Refund to my account please.",
    );
    let out = import(&inbox.ports(), inbox.mail().unwrap(), stranger)
        .await
        .unwrap();
    let Outcome::Created { ticket_id } = out else {
        panic!("{out:?}")
    };
    assert_ne!(ticket_id, id);
    let before = inbox
        .ticket(&id.parse().unwrap())
        .await
        .unwrap()
        .messages
        .len();

    // An out-of-office answer to our reply: nothing stored, status unchanged.
    let ooo = eml(
        &format!("From: Ana <ana@example.com>\r\nTo: {OWNER}\r\nSubject: Out of office\r\nMessage-ID: <ooo@example.com>\r\nAuto-Submitted: auto-replied\r\nIn-Reply-To: <{reply_mid}>\r\n"),
        "I am away until Monday.",
    );
    assert_eq!(
        import(&inbox.ports(), inbox.mail().unwrap(), ooo)
            .await
            .unwrap(),
        Outcome::Ignored("automatic reply")
    );
    let view = inbox.ticket(&id.parse().unwrap()).await.unwrap();
    assert_eq!(view.messages.len(), before);
    assert_eq!(view.ticket.status.to_string(), "pending");
    assert_eq!(
        inbox.tickets(Default::default()).await.unwrap().len(),
        2,
        "no ticket from an auto-reply"
    );

    // A bounce of our reply marks that send failed.
    let bounce = format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\nTo: {OWNER}\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce-1@mx.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; ana@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: {OWNER}\r\nTo: ana@example.com\r\nMessage-ID: <{reply_mid}>\r\nSubject: Re: x\r\n--b--\r\n"
    );
    let mut events = inbox.subscribe();
    let out = import(&inbox.ports(), inbox.mail().unwrap(), bounce.into_bytes())
        .await
        .unwrap();
    assert_eq!(
        out,
        Outcome::Bounced {
            ticket_id: Some(id.clone()),
            to: Some("ana@example.com".into()),
            reason: "550 5.1.1 user unknown".into(),
        }
    );
    // Said live, for the desktop notification and the ticket's banner.
    assert_eq!(
        events.try_recv().unwrap(),
        deskbell::Event::MailBounced {
            ticket_id: id.clone(),
            to: "ana@example.com".into(),
            reason: "550 5.1.1 user unknown".into(),
        }
    );
    let view = inbox.ticket(&id.parse().unwrap()).await.unwrap();
    let sent = view
        .messages
        .iter()
        .find(|m| m.message_id.as_deref() == Some(reply_mid.as_str()))
        .unwrap();
    assert_eq!(sent.state.as_deref(), Some("failed"));

    // An address that bounced gets no more automatic mail: her next web ticket is stored and
    // notified to the owner, but no confirmation goes to her.
    let confirmations = || {
        let conn = rusqlite::Connection::open(dir.path().join(deskbell::store::DB_FILE)).unwrap();
        conn.query_row(
            "SELECT count(*) FROM outbox WHERE kind = 'confirmation' AND rcpt = 'ana@example.com'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
    };
    let before = confirmations();
    web_ticket(&inbox, "ana@example.com").await;
    assert_eq!(
        confirmations(),
        before,
        "no confirmation to a bounced address"
    );
    web_ticket(&inbox, "bea@example.com").await;
    let conn = rusqlite::Connection::open(dir.path().join(deskbell::store::DB_FILE)).unwrap();
    let bea: i64 = conn
        .query_row(
            "SELECT count(*) FROM outbox WHERE kind = 'confirmation' AND rcpt = 'bea@example.com'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bea, 1, "other addresses still get theirs");
}

#[tokio::test]
async fn widget_fallback_mail_becomes_a_ticket_with_the_visitors_details() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let raw = eml(
        &format!("From: Sam Lee <sam@example.com>\r\nTo: {OWNER}\r\nSubject: Support request from Sam Lee\r\nMessage-ID: <w-1@example.com>\r\n"),
        "My cake order for Saturday hasn't been confirmed yet.\r\nOrder #4411.\r\n\r\n--- Deskbell ticket request ---\r\nName: Sam Lee\r\nEmail: sam@example.com\r\nPhone: +1 (555) 010-2030\r\nPage: https://rosa.example/order?item=cake\r\nSession: 3af529fd\r\n",
    );
    let out = import(&inbox.ports(), inbox.mail().unwrap(), raw)
        .await
        .unwrap();
    let Outcome::Created { ticket_id } = out else {
        panic!("{out:?}")
    };
    let t = inbox
        .ticket(&ticket_id.parse().unwrap())
        .await
        .unwrap()
        .ticket;
    assert_eq!(t.visitor.name, "Sam Lee");
    assert_eq!(t.visitor.email, "sam@example.com");
    assert_eq!(t.visitor.phone.as_deref(), Some("+1 (555) 010-2030"));
    assert_eq!(
        t.page_url.as_deref(),
        Some("https://rosa.example/order?item=cake")
    );
    assert_eq!(t.session_id.as_deref(), Some("3af529fd"));
    assert_eq!(
        t.issue,
        "My cake order for Saturday hasn't been confirmed yet.\nOrder #4411."
    );
    assert_eq!(t.channel.to_string(), "email");
}

#[tokio::test]
async fn mbox_files_import_every_message() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let one = String::from_utf8(eml(
        "From: a@example.com\r\nSubject: first\r\nMessage-ID: <1@x>\r\n",
        "one",
    ))
    .unwrap();
    let two = String::from_utf8(eml(
        "From: b@example.com\r\nSubject: second\r\nMessage-ID: <2@x>\r\n",
        "two",
    ))
    .unwrap();
    let mbox = format!("From a@example.com Wed Nov 25 10:00:00 2026\n{}\nFrom b@example.com Wed Nov 25 10:01:00 2026\n{}\n", one.replace("\r\n", "\n"), two.replace("\r\n", "\n"));
    let parts = split_file(mbox.as_bytes());
    assert_eq!(parts.len(), 2);
    for raw in parts {
        assert!(matches!(
            import(&inbox.ports(), inbox.mail().unwrap(), raw)
                .await
                .unwrap(),
            Outcome::Created { .. }
        ));
    }
    assert_eq!(inbox.tickets(Default::default()).await.unwrap().len(), 2);
}

#[tokio::test]
async fn arbitrary_bytes_never_panic_the_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    // A small deterministic generator (xorshift) over random bytes and mangled real mail.
    let seed_mail = eml("From: Ana <ana@example.com>\r\nSubject: =?utf-8?B?w6Q=?= [TKT-20261125-0001]\r\nMessage-ID: <s@x>\r\nIn-Reply-To: <tkt-20261125-0001.c.00ff@x>\r\n", "body\r\n> quoted\r\n-- \r\nsig");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for i in 0..300 {
        let mut raw = if i % 2 == 0 {
            (0..(next() % 2000))
                .map(|_| next() as u8)
                .collect::<Vec<u8>>()
        } else {
            seed_mail.clone()
        };
        for _ in 0..(next() % 20) {
            if raw.is_empty() {
                break;
            }
            let at = (next() as usize) % raw.len();
            raw[at] = next() as u8;
        }
        let _ = import(&inbox.ports(), inbox.mail().unwrap(), raw)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn attachments_over_25_mb_are_left_out_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let big = "QUFB".repeat(26 * 1024 * 1024 / 3 + 1); // base64 of 26 MB of "A"
    let small = "aGVsbG8="; // "hello"
    let raw = format!(
        "From: Ana <ana@example.com>\r\nTo: {OWNER}\r\nSubject: photos\r\nMessage-ID: <big@x>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nHere are the photos.\r\n--b\r\nContent-Type: text/plain; name=\"note.txt\"\r\nContent-Disposition: attachment; filename=\"note.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{small}\r\n--b\r\nContent-Type: image/jpeg; name=\"huge.jpg\"\r\nContent-Disposition: attachment; filename=\"huge.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{big}\r\n--b--\r\n"
    );
    let out = import(&inbox.ports(), inbox.mail().unwrap(), raw.into_bytes())
        .await
        .unwrap();
    let Outcome::Created { ticket_id } = out else {
        panic!("{out:?}")
    };
    let view = inbox.ticket(&ticket_id.parse().unwrap()).await.unwrap();
    let first = &view.messages[0];
    let names: Vec<_> = first.attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["note.txt"]);
    assert!(
        first
            .body
            .contains("over the 25 MB attachment limit: huge.jpg ("),
        "{}",
        first.body
    );
}

#[tokio::test]
async fn html_is_stored_sanitised_with_remote_images_blocked() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let raw = format!(
        "From: Ana <ana@example.com>\r\nTo: {OWNER}\r\nSubject: html\r\nMessage-ID: <h@x>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p onclick=\"x()\">Is the <b>rye</b> vegan?</p><script>alert(1)</script><img src=\"https://tracker.example/p.gif\">\r\n"
    );
    let out = import(&inbox.ports(), inbox.mail().unwrap(), raw.into_bytes())
        .await
        .unwrap();
    assert!(matches!(out, Outcome::Created { .. }), "{out:?}");
    let conn = rusqlite::Connection::open(dir.path().join(deskbell::store::DB_FILE)).unwrap();
    let html: String = conn
        .query_row(
            "SELECT html FROM messages WHERE message_id = 'h@x'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(html.contains("<b>rye</b>"), "{html}");
    for gone in ["script", "onclick", "tracker.example"] {
        assert!(!html.contains(gone), "{gone} in {html}");
    }
}

/// Rule 5 with a real store: on Gmail, a message of a thread the store already holds joins
/// that thread's ticket even with no other mark, and the state of its folder advances in the
/// same transaction.
#[tokio::test]
async fn a_gmail_thread_id_threads_onto_the_known_ticket() {
    use deskbell::mail::import::{import_from, Origin};
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let origin = |uid: u32, thrid: u64| Origin {
        folder: "INBOX".into(),
        uidvalidity: 7,
        uid,
        gm_thrid: Some(thrid),
        received: None,
        record: true,
    };
    // A mail-born ticket in Gmail thread 9001.
    let first = eml(
        "From: Bo <bo@example.com>\r\nTo: rosa@bakery.example\r\nSubject: Gluten free?\r\nMessage-ID: <bo-1@example.com>\r\n",
        "Do you bake gluten-free bread?",
    );
    let Outcome::Created { ticket_id } = import_from(
        &inbox.ports(),
        inbox.mail().unwrap(),
        first,
        Some(origin(1, 9001)),
    )
    .await
    .unwrap() else {
        panic!("a new ticket from email")
    };
    // Bo's client dropped every header that could thread it; only Gmail knows the thread.
    let bare = eml(
        "From: Bo <bo@example.com>\r\nTo: rosa@bakery.example\r\nSubject: one more thing\r\nMessage-ID: <bo-2@example.com>\r\n",
        "And rye?",
    );
    assert_eq!(
        import_from(
            &inbox.ports(),
            inbox.mail().unwrap(),
            bare.clone(),
            Some(origin(2, 9001))
        )
        .await
        .unwrap(),
        Outcome::Appended {
            ticket_id: ticket_id.clone(),
            rule: Rule::GmailThread
        }
    );
    // The same words in another Gmail thread are a new ticket.
    let other = eml(
        "From: Bo <bo@example.com>\r\nTo: rosa@bakery.example\r\nSubject: one more thing\r\nMessage-ID: <bo-3@example.com>\r\n",
        "And rye??",
    );
    assert!(matches!(
        import_from(
            &inbox.ports(),
            inbox.mail().unwrap(),
            other,
            Some(origin(3, 9002))
        )
        .await
        .unwrap(),
        Outcome::Created { .. }
    ));
    let conn = rusqlite::Connection::open(dir.path().join(deskbell::store::DB_FILE)).unwrap();
    let (validity, last): (i64, i64) = conn
        .query_row(
            "SELECT uidvalidity, last_uid FROM mailbox_state WHERE folder = 'INBOX'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((validity, last), (7, 3));
}

/// A batch (one IMAP fetch) is one transaction, in order: a message threads onto one stored
/// earlier in the same batch.
#[tokio::test]
async fn a_batch_imports_in_order_and_threads_within_itself() {
    use deskbell::mail::import::import_batch;
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let question = eml(
        "From: Bo <bo@example.com>\r\nTo: rosa@bakery.example\r\nSubject: Gluten free?\r\nMessage-ID: <b-1@example.com>\r\n",
        "Do you bake gluten-free bread?",
    );
    let answer = eml(
        &format!("From: Rosa <{OWNER}>\r\nTo: bo@example.com\r\nSubject: Re: Gluten free?\r\nMessage-ID: <r-1@bakery.example>\r\nIn-Reply-To: <b-1@example.com>\r\n"),
        "Yes, on Fridays.",
    );
    let thanks = eml(
        "From: Bo <bo@example.com>\r\nTo: rosa@bakery.example\r\nSubject: Re: Gluten free?\r\nMessage-ID: <b-2@example.com>\r\nIn-Reply-To: <r-1@bakery.example>\r\n",
        "Great, see you Friday.",
    );
    let outcomes = import_batch(
        &inbox.ports(),
        inbox.mail().unwrap(),
        vec![
            (question, None),
            (answer, None),
            (thanks.clone(), None),
            (thanks, None),
        ],
    )
    .await
    .unwrap();
    let Outcome::Created { ticket_id } = &outcomes[0] else {
        panic!("{outcomes:?}")
    };
    assert_eq!(
        outcomes[1..],
        [
            Outcome::Recorded {
                ticket_id: ticket_id.clone(),
                rule: Rule::KnownMessageId
            },
            Outcome::Appended {
                ticket_id: ticket_id.clone(),
                rule: Rule::KnownMessageId
            },
            Outcome::Duplicate,
        ]
    );
    let view = inbox.ticket(&ticket_id.parse().unwrap()).await.unwrap();
    assert_eq!(view.messages.len(), 3);
}

/// The owner's own mail on a ticket (read from Sent): an answer to the visitor makes an open
/// ticket pending, as an answer from the window does; a forward to a colleague does not; and
/// an old answer read again does not reopen a closed ticket.
#[tokio::test]
async fn the_owners_answer_by_mail_makes_the_ticket_pending() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let id = web_ticket(&inbox, "ana@example.com").await;
    let visitor = eml(
        &format!("From: Ana <ana@example.com>\r\nTo: {OWNER}\r\nSubject: more [{id}]\r\nMessage-ID: <ana-more@example.com>\r\n"),
        "And is it sugar-free?",
    );
    let got = import(&inbox.ports(), inbox.mail().unwrap(), visitor)
        .await
        .unwrap();
    assert!(matches!(got, Outcome::Appended { .. }), "{got:?}");
    assert_eq!(status(&inbox, &id).await, "open");

    let forward = eml(
        &format!("From: Rosa <{OWNER}>\r\nTo: baker@bakery.example\r\nSubject: Fwd: more\r\nMessage-ID: <fwd-1@mail.gmail.com>\r\nReferences: <ana-more@example.com>\r\n"),
        "Can you check the recipe?",
    );
    let got = import(&inbox.ports(), inbox.mail().unwrap(), forward)
        .await
        .unwrap();
    assert!(matches!(got, Outcome::Recorded { .. }), "{got:?}");
    assert_eq!(status(&inbox, &id).await, "open", "a forward is no answer");

    let answer = |n: u32| {
        eml(
            &format!("From: Rosa <{OWNER}>\r\nTo: Ana <ana@example.com>\r\nSubject: Re: more\r\nMessage-ID: <rosa-{n}@mail.gmail.com>\r\nIn-Reply-To: <ana-more@example.com>\r\n"),
            "No sugar at all.",
        )
    };
    let got = import(&inbox.ports(), inbox.mail().unwrap(), answer(1))
        .await
        .unwrap();
    assert!(matches!(got, Outcome::Recorded { .. }), "{got:?}");
    assert_eq!(status(&inbox, &id).await, "pending");

    inbox
        .set_ticket(
            &id.parse().unwrap(),
            Some(deskbell::domain::Status::Closed),
            None,
        )
        .await
        .unwrap();
    import(&inbox.ports(), inbox.mail().unwrap(), answer(2))
        .await
        .unwrap();
    assert_eq!(status(&inbox, &id).await, "closed");
}
