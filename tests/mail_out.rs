//! Mail out against the real test mail stack (Postfix submission with STARTTLS + AUTH,
//! delivered to Dovecot, read back over IMAPS): notification, confirmation, reply with
//! threading and attachment, SMTP down then up across a restart, wrong password, and the
//! per-recipient cap.

mod common;

use common::mailstack::{address, MailStack};
use common::NO_LIMITS;
use deskbell::mail::marks::Secret;
use mail_parser::{MessageParser, MimeHeaders};
use serde_json::json;
use std::time::Duration;

fn mail_config(ms: &MailStack, owner: &str, password: &str, extra: &str) -> String {
    format!(
        "{NO_LIMITS}[owner]\nemail = \"{owner}\"\nname = \"Rosa\"\nbusiness = \"Rosa's Bakery\"\n{}[mail]\nretry_first_seconds = 1\naccount_pause_seconds = 3600\n{extra}",
        ms.smtp_config(owner, password)
    )
}

async fn start(dir: &std::path::Path, config: &str) -> deskbell::Deskbell {
    let text = format!("[intake]\nlisten = \"127.0.0.1:0\"\n{config}");
    // `[owner]` appears in `config`; the timezone is fixed for stable ids.
    let text = text.replace("[owner]\n", "[owner]\ntimezone = \"UTC\"\n");
    let cfg = deskbell::Config::from_toml(&text, "test", Vec::<(String, String)>::new()).unwrap();
    deskbell::Deskbell::start(&cfg, dir).await.unwrap()
}

/// Registers the test shop's site and returns its bot token.
async fn shop_token(app: &deskbell::Deskbell) -> String {
    app.inbox()
        .add_site("Shop", &["https://rosa.example".into()])
        .await
        .unwrap()
        .bot_token
}

async fn post_ticket(app: &deskbell::Deskbell, token: &str, visitor: &str, issue: &str) -> String {
    let resp = reqwest::Client::new()
        .post(format!("http://{}/tickets/create", app.intake_addr()))
        .json(&json!({
            "bot_token": token, "visitor_name": "José Müller", "visitor_email": visitor,
            "visitor_phone": "+49 170 1234567", "issue": issue,
            "page_url": "https://rosa.example/order"
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

fn header<'a>(m: &'a mail_parser::Message<'a>, name: &str) -> Option<String> {
    m.header_raw(name).map(|v| v.trim().to_string())
}

async fn outbox_states(dir: &std::path::Path) -> Vec<(String, String, i64, Option<String>)> {
    let conn = rusqlite::Connection::open(common::db_path(dir)).unwrap();
    let mut stmt = conn
        .prepare("SELECT kind, state, attempts, last_error FROM outbox ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notification_confirmation_and_threaded_reply_arrive() {
    let ms = MailStack::start();
    let owner = address("owner");
    let visitor = address("visitor");
    let dir = tempfile::tempdir().unwrap();
    // The owner's signature goes on the reply only, not on the automatic mail.
    let config = mail_config(&ms, &owner, ms.password(), "").replace(
        "business = \"Rosa's Bakery\"\n",
        "business = \"Rosa's Bakery\"\nsignature = \"Rosa\\nBakery on Main St.\"\n",
    );
    let app = start(dir.path(), &config).await;
    let token = shop_token(&app).await;
    let id = post_ticket(
        &app,
        &token,
        &visitor,
        "Where is my Käsekuchen? 🎂\nOrder 4711",
    )
    .await;

    // The owner's notification: one, with both parts and Reply-To the visitor.
    let owner_box = ms.wait_for(&owner, 1, Duration::from_secs(20));
    assert_eq!(owner_box.len(), 1, "exactly one notification");
    let n = MessageParser::default().parse(&owner_box[0]).unwrap();
    let subject = n.subject().unwrap();
    assert!(
        subject.contains(&format!("New Support Ticket #{id}"))
            && subject.contains(&format!("[{id}]")),
        "{subject}"
    );
    let reply_to = header(&n, "Reply-To").unwrap();
    assert!(reply_to.contains(&visitor), "{reply_to}");
    assert!(n
        .body_text(0)
        .unwrap()
        .contains("Where is my Käsekuchen? 🎂"));
    assert!(n.body_html(0).unwrap().contains("Käsekuchen"));
    let secret = deskbell::secrets::install_secret(dir.path()).unwrap();
    let mid = n.message_id().unwrap();
    assert_eq!(
        secret.verify(mid).map(|t| t.to_string()),
        Some(id.clone()),
        "signed Message-ID"
    );
    assert_eq!(Secret([0; 32]).verify(mid), None);

    // The visitor's confirmation: automatic-reply headers, Reply-To the owner's plus-address.
    let visitor_box = ms.wait_for(&visitor, 1, Duration::from_secs(20));
    assert_eq!(visitor_box.len(), 1);
    let c = MessageParser::default().parse(&visitor_box[0]).unwrap();
    assert_eq!(
        header(&c, "Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    assert_eq!(
        header(&c, "X-Auto-Response-Suppress").as_deref(),
        Some("All")
    );
    let (local, domain) = owner.split_once('@').unwrap();
    let plus = format!("{local}+{}@{domain}", id.to_ascii_lowercase());
    assert!(header(&c, "Reply-To").unwrap().contains(&plus));
    assert!(c.body_text(0).is_some() && c.body_html(0).is_some());
    let confirmation_id = c.message_id().unwrap().to_string();

    // The owner answers with an attachment: threaded onto the confirmation.
    let attachment = deskbell::mail::compose::AttachmentFile {
        name: "Rechnung März.pdf".into(),
        content_type: "application/pdf".into(),
        data: b"%PDF-1.4 test".to_vec(),
    };
    app.inbox()
        .reply(
            &id.parse().unwrap(),
            "Hallo José,\n\nyour cake leaves today.",
            vec![attachment],
        )
        .await
        .unwrap();
    let visitor_box = ms.wait_for(&visitor, 2, Duration::from_secs(20));
    assert_eq!(visitor_box.len(), 2);
    let r = MessageParser::default().parse(&visitor_box[1]).unwrap();
    let subject = r.subject().unwrap();
    assert!(
        subject.starts_with("Re: ") && subject.ends_with(&format!("[{id}]")),
        "{subject}"
    );
    assert_eq!(
        header(&r, "In-Reply-To").unwrap(),
        format!("<{confirmation_id}>")
    );
    assert!(header(&r, "References").unwrap().contains(&confirmation_id));
    let text = r.body_text(0).unwrap().replace("\r\n", "\n");
    assert!(
        text.contains("your cake leaves today.\n\n-- \nRosa\nBakery on Main St.\n"),
        "{text}"
    );
    let html = r.body_html(0).unwrap().replace("\r\n", "\n");
    assert!(
        html.contains("--&nbsp;<br>\nRosa<br>\nBakery on Main St.</p>"),
        "{html}"
    );
    for automatic in [&n, &c] {
        assert!(!automatic
            .body_text(0)
            .unwrap()
            .contains("Bakery on Main St."));
    }
    let att = r.attachment(0).expect("the attachment");
    assert_eq!(att.attachment_name(), Some("Rechnung März.pdf"));
    assert_eq!(att.contents(), b"%PDF-1.4 test");
    assert_eq!(
        secret
            .verify(r.message_id().unwrap())
            .map(|t| t.to_string()),
        Some(id.clone())
    );

    // Everything sent is on the thread; the ticket now waits for the visitor.
    let view = app.inbox().ticket(&id.parse().unwrap()).await.unwrap();
    let kinds: Vec<_> = view
        .messages
        .iter()
        .map(|m| (m.direction.to_string(), m.state.clone()))
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|(d, s)| d == "out" && s.as_deref() == Some("sent"))
            .count(),
        3,
        "{kinds:?}"
    );
    assert_eq!(view.ticket.status.to_string(), "pending");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_down_then_up_across_a_restart_delivers_each_once() {
    let ms = MailStack::start();
    let owner = address("owner");
    let dir = tempfile::tempdir().unwrap();
    let config = mail_config(&ms, &owner, ms.password(), "confirm_visitor = false\n");
    ms.stop_smtp();

    let app = start(dir.path(), &config).await;
    let token = shop_token(&app).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            post_ticket(
                &app,
                &token,
                &address("v"),
                &format!("ticket {i} while SMTP is down"),
            )
            .await,
        );
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let states = outbox_states(dir.path()).await;
    assert_eq!(states.len(), 3);
    assert!(
        states
            .iter()
            .all(|(_, s, a, e)| s == "queued" && *a >= 1 && e.is_some()),
        "{states:?}"
    );
    app.stop().await;

    // Deskbell restarts, then the server comes back.
    let app = start(dir.path(), &config).await;
    ms.start_smtp();
    let got = ms.wait_for(&owner, 3, Duration::from_secs(40));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let got_after = ms.messages(&owner, "INBOX");
    assert_eq!(got.len(), 3);
    assert_eq!(got_after.len(), 3, "nothing sent twice");
    let mut subjects: Vec<String> = got_after
        .iter()
        .map(|raw| {
            MessageParser::default()
                .parse(raw)
                .unwrap()
                .subject()
                .unwrap()
                .to_string()
        })
        .collect();
    subjects.sort();
    for id in &ids {
        assert_eq!(
            subjects.iter().filter(|s| s.contains(id.as_str())).count(),
            1,
            "{id} once"
        );
    }
    assert!(outbox_states(dir.path())
        .await
        .iter()
        .all(|(_, s, _, _)| s == "sent"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_fails_readably_without_a_retry_storm() {
    let ms = MailStack::start();
    let owner = address("owner");
    let dir = tempfile::tempdir().unwrap();
    let app = start(
        dir.path(),
        &mail_config(&ms, &owner, "not-the-password", "confirm_visitor = false\n"),
    )
    .await;
    let mut events = app.subscribe();
    let token = shop_token(&app).await;
    let first = post_ticket(&app, &token, &address("v"), "first").await;
    let reason = loop {
        match tokio::time::timeout(Duration::from_secs(20), events.recv()).await {
            Ok(Ok(deskbell::Event::SendFailed {
                reason, ticket_id, ..
            })) => {
                assert_eq!(ticket_id, first);
                break reason;
            }
            Ok(Ok(_)) => continue,
            other => panic!("no SendFailed event: {other:?}"),
        }
    };
    assert!(
        reason.contains("refused the username or password"),
        "{reason}"
    );
    assert!(reason.contains("app password"), "{reason}");
    // More tickets arrive: they are stored and wait; no further login attempts are made.
    for i in 0..3 {
        post_ticket(&app, &token, &address("v"), &format!("later {i}")).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let states = outbox_states(dir.path()).await;
    assert_eq!(states[0].1, "failed");
    assert_eq!(states[0].2, 1, "one attempt");
    assert!(states[0].3.as_deref().unwrap().contains("password"));
    assert!(
        states[1..]
            .iter()
            .all(|(_, s, a, _)| s == "queued" && *a == 0),
        "{states:?}"
    );
    assert_eq!(
        app.inbox().tickets(Default::default()).await.unwrap().len(),
        4
    );
    // The window's status line: one failed, three waiting.
    assert_eq!(
        app.inbox().mail_counts().await.unwrap(),
        deskbell::inbox::MailCounts {
            queued: 3,
            failed: 1
        }
    );
    app.stop().await;

    // The owner fixes the password. `mail status` names the failed mail and why; `mail
    // resend` puts it back; the next start sends it, once, with its Message-ID.
    let good = mail_config(&ms, &owner, ms.password(), "confirm_visitor = false\n");
    let conf = dir.path().join("config.toml");
    std::fs::write(
        &conf,
        format!("[intake]\nlisten = \"127.0.0.1:0\"\n{good}")
            .replace("[owner]\n", "[owner]\ntimezone = \"UTC\"\n"),
    )
    .unwrap();
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_deskbell"))
            .arg("--config")
            .arg(&conf)
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let status: serde_json::Value =
        serde_json::from_str(&cli(&["mail", "status", "--json"])).unwrap();
    assert_eq!(status["queued"], 3);
    assert_eq!(status["failedTotal"], 1);
    assert_eq!(status["failed"][0]["ticketId"], first.as_str());
    assert_eq!(status["failed"][0]["kind"], "notification");
    assert!(
        status["failed"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("password"),
        "{status}"
    );
    let text = cli(&["mail", "status"]);
    assert!(
        text.contains("Failed:     1") && text.contains(&first),
        "{text}"
    );
    let failed_id = status["failed"][0]["id"].as_i64().unwrap();
    assert!(cli(&["mail", "resend", &failed_id.to_string()]).contains("queued again"));
    // Not failed any more: resending it again is refused, clearly.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_deskbell"))
        .arg("--config")
        .arg(&conf)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["mail", "resend", &failed_id.to_string()])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains(&format!("no failed mail {failed_id}")),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    let text = std::fs::read_to_string(&conf).unwrap();
    let cfg = deskbell::Config::from_toml(&text, "test", Vec::<(String, String)>::new()).unwrap();
    let app = deskbell::Deskbell::start(&cfg, dir.path()).await.unwrap();
    let got = ms.wait_for(&owner, 4, Duration::from_secs(30));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(got.len(), 4, "the resent one and the three waiting");
    let firsts = ms
        .inbox(&owner)
        .iter()
        .filter(|m| m.contains(&format!("New Support Ticket #{first}")))
        .count();
    assert_eq!(firsts, 1, "the resent mail arrives once");
    let status = app.inbox().mail_status().await.unwrap();
    assert_eq!(
        (status.queued, status.failed_total, status.sent_last_24h),
        (0, 0, 4)
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automatic_mail_to_one_visitor_is_capped() {
    let ms = MailStack::start();
    let owner = address("owner");
    let visitor = address("flood");
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path(), &mail_config(&ms, &owner, ms.password(), "")).await;
    let token = shop_token(&app).await;
    for i in 0..13 {
        post_ticket(&app, &token, &visitor, &format!("flood {i}")).await;
    }
    let states = outbox_states(dir.path()).await;
    assert_eq!(
        states
            .iter()
            .filter(|(k, _, _, _)| k == "confirmation")
            .count(),
        10
    );
    assert_eq!(
        states
            .iter()
            .filter(|(k, _, _, _)| k == "notification")
            .count(),
        13
    );
    let got = ms.wait_for(&visitor, 10, Duration::from_secs(40));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(got.len(), 10);
    assert_eq!(
        ms.messages(&visitor, "INBOX").len(),
        10,
        "never more than the cap"
    );
    app.stop().await;
}

fn doctor(dir: &std::path::Path, config: &str) -> (bool, String) {
    let cfg = dir.join("doctor.toml");
    std::fs::write(&cfg, config).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_deskbell"))
        .arg("--config")
        .arg(&cfg)
        .arg("--data-dir")
        .arg(dir)
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

#[test]
fn doctor_says_exactly_what_is_wrong() {
    let ms = MailStack::start();
    let owner = address("owner");
    let dir = tempfile::tempdir().unwrap();
    let base = format!("[owner]\nemail = \"{owner}\"\n");

    let (ok, text) = doctor(
        dir.path(),
        &format!("{base}{}", ms.smtp_config(&owner, ms.password())),
    );
    assert!(ok, "{text}");
    assert!(text.contains("logged in"), "{text}");

    let (ok, text) = doctor(
        dir.path(),
        &format!("{base}{}", ms.smtp_config(&owner, "wrong")),
    );
    assert!(!ok);
    assert!(text.contains("refused the username or password"), "{text}");
    assert!(
        !text.contains("wrong"),
        "the password is never printed: {text}"
    );

    // Implicit TLS against the STARTTLS port: a TLS failure, named as such.
    let tls = ms
        .smtp_config(&owner, ms.password())
        .replace("security = \"starttls\"", "security = \"tls\"");
    let (ok, text) = doctor(dir.path(), &format!("{base}{tls}"));
    assert!(!ok);
    assert!(
        text.contains("secure connection") || text.contains("did not answer"),
        "{text}"
    );

    // Without the test CA the server's certificate is not trusted.
    let untrusted = ms
        .smtp_config(&owner, ms.password())
        .lines()
        .filter(|l| !l.starts_with("ca_file"))
        .collect::<Vec<_>>()
        .join("\n");
    let (ok, text) = doctor(dir.path(), &format!("{base}{untrusted}\n"));
    assert!(!ok);
    assert!(text.contains("secure connection"), "{text}");

    // Nothing listening.
    let port = ms.get("MAILSTACK_SUBMISSION_PORT");
    let closed = ms
        .smtp_config(&owner, ms.password())
        .replace(&format!("port = {port}"), "port = 1");
    let (ok, text) = doctor(dir.path(), &format!("{base}{closed}"));
    assert!(!ok);
    assert!(text.contains("cannot reach 127.0.0.1:1"), "{text}");
}

/// What the outbox holds, by state and whether the budget holds it back.
fn budget_view(dir: &std::path::Path) -> (i64, i64, Vec<String>) {
    let conn = rusqlite::Connection::open(common::db_path(dir)).unwrap();
    let sent: i64 = conn
        .query_row(
            "SELECT count(*) FROM outbox WHERE state = 'sent'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut stmt = conn
        .prepare("SELECT hold FROM outbox WHERE state = 'queued' AND hold IS NOT NULL")
        .unwrap();
    let held: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let queued: i64 = conn
        .query_row(
            "SELECT count(*) FROM outbox WHERE state = 'queued'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (sent, queued, held)
}

/// [`budget_view`] once `ready` holds for it, or as it is after 20 s (the caller asserts).
async fn budget_view_when(
    dir: &std::path::Path,
    ready: impl Fn(&(i64, i64, Vec<String>)) -> bool,
) -> (i64, i64, Vec<String>) {
    let mut view = budget_view(dir);
    for _ in 0..200 {
        if ready(&view) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        view = budget_view(dir);
    }
    view
}

/// `daily_send_limit = 10`: automatic mail stops at 8 of them and waits, still queued, with
/// the reason; the owner's replies still go, up to the limit, also after a restart (the count
/// is in the store, not in memory); past the limit even a reply waits. Counted on the real
/// mail server: exactly 10 messages leave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_budget_keeps_room_for_the_owners_replies_across_a_restart() {
    let ms = MailStack::start();
    let owner = address("owner");
    let dir = tempfile::tempdir().unwrap();
    let config = mail_config(
        &ms,
        &owner,
        ms.password(),
        // No digest here: each notification is a mail of its own.
        "daily_send_limit = 10\nconfirmations_per_hour = 2\ndigest_after = 100\n",
    );
    let app = start(dir.path(), &config).await;
    let token = shop_token(&app).await;
    let visitors: Vec<String> = (0..9).map(|i| address(&format!("v{i}"))).collect();
    let mut ids = Vec::new();
    for (i, v) in visitors.iter().enumerate() {
        ids.push(post_ticket(&app, &token, v, &format!("question {i}")).await);
    }
    // 9 notifications + 2 confirmations (the hourly cap) = 11 automatic mails for 8 slots.
    let (sent, queued, held) =
        budget_view_when(dir.path(), |(sent, _, held)| *sent == 8 && held.len() == 3).await;
    assert_eq!((sent, queued, held.len()), (8, 3, 3), "{held:?}");
    assert!(
        held[0].contains("automatic mail has used its 8 of the 10"),
        "{held:?}"
    );

    // The owner answers: it goes at once, past the held automatic mail.
    let first: deskbell::domain::TicketId = ids[0].parse().unwrap();
    app.inbox()
        .reply(&first, "Yes, we can.", vec![])
        .await
        .unwrap();
    ms.wait_for_text(&visitors[0], "Yes, we can.", Duration::from_secs(20))
        .expect("the reply is not held");
    app.stop().await;

    // After a restart the day's count is still there: one more reply fits, the next waits.
    let app = start(dir.path(), &config).await;
    let second: deskbell::domain::TicketId = ids[1].parse().unwrap();
    app.inbox()
        .reply(&second, "Tomorrow.", vec![])
        .await
        .unwrap();
    ms.wait_for_text(&visitors[1], "Tomorrow.", Duration::from_secs(20))
        .expect("the tenth message goes");
    let third: deskbell::domain::TicketId = ids[2].parse().unwrap();
    app.inbox().reply(&third, "Friday.", vec![]).await.unwrap();
    let (sent, queued, held) = budget_view_when(dir.path(), |(_, _, held)| held.len() == 4).await;
    assert_eq!((sent, queued), (10, 4), "{held:?}");
    assert!(
        held.iter().any(|h| h.contains("daily sending limit of 10")),
        "{held:?}"
    );
    app.stop().await;
    // What really left, counted at the server.
    let delivered: usize = std::iter::once(&owner)
        .chain(&visitors)
        .map(|u| ms.messages(u, "INBOX").len())
        .sum();
    assert_eq!(delivered, 10, "exactly the limit left");
}

/// A scripted flood of the public form: 1,000 tickets from 1,000 addresses within a minute,
/// with `daily_send_limit = 100` and `digest_minutes = 1`. Every ticket is stored; the owner
/// gets five notifications, then one digest listing every later ticket, so each ticket id is
/// in some mail she received; confirmations stop at the hourly cap and repeat none of the
/// visitors' words; far fewer than 100 messages leave; and an answer to the last visitor
/// still arrives within seconds. Counted at the mail server, not only in the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_flood_neither_burns_the_quota_nor_hides_a_ticket() {
    const N: usize = 1000;
    let ms = MailStack::start();
    let owner = address("owner");
    let dir = tempfile::tempdir().unwrap();
    let config = mail_config(
        &ms,
        &owner,
        ms.password(),
        "daily_send_limit = 100\ndigest_minutes = 1\n",
    );
    let app = start(dir.path(), &config).await;
    let token = shop_token(&app).await;
    let tag = address("f");
    let tag = tag.split('@').next().unwrap().to_string();
    let visitor = |i: usize| format!("{tag}-{i}@example.test");
    let started = std::time::Instant::now();
    let client = reqwest::Client::new();
    let url = format!("http://{}/tickets/create", app.intake_addr());
    let mut ids = Vec::with_capacity(N);
    for chunk in (0..N).collect::<Vec<_>>().chunks(8) {
        let posts = chunk.iter().map(|&i| {
            let (client, url, token) = (client.clone(), url.clone(), token.clone());
            let email = visitor(i);
            async move {
                let resp = client
                    .post(url)
                    .json(&json!({
                        "bot_token": token, "visitor_name": format!("Flood {i}"),
                        "visitor_email": email,
                        "issue": format!("flood words {i}: visit http://spam.example/{i}"),
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
        });
        ids.extend(futures_util::future::join_all(posts).await);
    }
    let posted = started.elapsed();
    assert!(posted < Duration::from_secs(60), "posted in {posted:?}");
    assert_eq!(
        app.inbox().tickets(Default::default()).await.unwrap().len(),
        N,
        "every ticket stored"
    );

    // Five notifications at once, then the digest after a minute.
    let got = ms.wait_for(&owner, 6, Duration::from_secs(150));
    assert_eq!(got.len(), 6, "5 notifications and 1 digest");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let owner_mail: Vec<String> = ms.inbox(&owner);
    assert_eq!(owner_mail.len(), 6);
    let digests: Vec<&String> = owner_mail
        .iter()
        .filter(|m| m.contains("new support tickets"))
        .collect();
    assert_eq!(digests.len(), 1, "one digest");
    // Every ticket id in some mail the owner received (quoted-printable keeps ids intact).
    let everything = owner_mail.join("\n");
    let missing: Vec<&String> = ids.iter().filter(|id| !everything.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} tickets unmentioned: {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );

    // Confirmations: the hourly cap (30), none with the visitor's words.
    let confirmations: Vec<String> = (0..60).flat_map(|i| ms.inbox(&visitor(i))).collect();
    assert_eq!(confirmations.len(), 30, "the hourly cap of confirmations");
    assert!(
        confirmations.iter().all(|m| !m.contains("flood words")
            && !m.contains("spam.example")
            && !m.contains("Flood ")),
        "a confirmation repeats a visitor's words"
    );

    // The owner still gets through at once.
    let last: deskbell::domain::TicketId = ids[N - 1].parse().unwrap();
    let asked = std::time::Instant::now();
    app.inbox()
        .reply(&last, "We are on it.", vec![])
        .await
        .unwrap();
    ms.wait_for_text(&visitor(N - 1), "We are on it.", Duration::from_secs(20))
        .expect("the owner's reply reaches the visitor");
    eprintln!(
        "posted {N} in {posted:?}; reply delivered {:?} after it was sent",
        asked.elapsed()
    );
    let status = app.inbox().mail_status().await.unwrap();
    // 5 notifications + 1 digest + 30 confirmations + the reply.
    let sent = 5 + 1 + 30 + 1;
    assert_eq!(status.sent_last_24h, sent, "{status:?}");
    assert!(status.sent_last_24h <= 100);
    assert_eq!(
        (status.queued, status.held, status.failed_total),
        (0, 0, 0),
        "{status:?}"
    );
    // Every departure counts against both shares; automatic mail may use 80 of the 100.
    assert_eq!(
        (status.automatic_left, status.replies_left),
        (80 - sent, 100 - sent)
    );
    app.stop().await;
}

/// A reply queued by the CLI while Deskbell runs on the same data dir leaves at once, not at
/// the outbox's next 30-second poll; a snooze set by the CLI wakes on time the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_and_snoozes_from_another_process_are_acted_on_at_once() {
    let ms = MailStack::start();
    let owner = address("owner");
    let visitor = address("visitor");
    let dir = tempfile::tempdir().unwrap();
    let text = mail_config(&ms, &owner, ms.password(), "confirm_visitor = false\n");
    let app = start(dir.path(), &text).await;
    let mut events = app.subscribe();
    let token = shop_token(&app).await;
    let id = post_ticket(&app, &token, &visitor, "Do you ship to Porto?").await;
    ms.wait_for(&owner, 1, Duration::from_secs(15));

    let conf = dir.path().join("config.toml");
    let cli_config = format!("[intake]\nlisten = \"127.0.0.1:0\"\n{text}")
        .replace("[owner]\n", "[owner]\ntimezone = \"UTC\"\n");
    std::fs::write(&conf, cli_config).unwrap();
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_deskbell"))
            .arg("--config")
            .arg(&conf)
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let queued = std::time::Instant::now();
    cli(&["reply", &id, "--text", "Yes, we ship to Porto."]);
    let got = ms.wait_for_text(&visitor, "ship to Porto", Duration::from_secs(10));
    let took = queued.elapsed();
    eprintln!("a reply queued by the CLI reached the visitor {took:?} later");
    assert!(
        got.is_some(),
        "the CLI's reply waited for the outbox's poll (nothing within 10 s)"
    );

    let until = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    cli(&["tickets", "snooze", &id, "--until", &until]);
    let woke = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match events.recv().await {
                Ok(deskbell::Event::TicketWoke { ticket_id, .. }) if ticket_id == id => return,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("{e}"),
            }
        }
    })
    .await;
    assert!(woke.is_ok(), "the CLI's snooze did not wake on time");
    app.stop().await;
}

/// A reply queued the moment a ticket arrives — before its confirmation has left — is
/// threaded on that confirmation all the same, and never on the owner's notification (which
/// the visitor never had).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_queued_before_the_confirmation_left_still_threads_on_it() {
    let ms = MailStack::start();
    let owner = address("owner");
    let visitor = address("visitor");
    let dir = tempfile::tempdir().unwrap();
    let config = mail_config(&ms, &owner, ms.password(), "");
    ms.stop_smtp();
    let app = start(dir.path(), &config).await;
    let token = shop_token(&app).await;
    let id = post_ticket(&app, &token, &visitor, "Do you bake rye on Sundays?").await;
    app.inbox()
        .reply(&id.parse().unwrap(), "Yes, every Sunday.", Vec::new())
        .await
        .unwrap();
    ms.start_smtp();
    let got = ms.wait_for(&visitor, 2, Duration::from_secs(40));
    assert_eq!(got.len(), 2, "the confirmation and the reply");
    let parsed: Vec<_> = got
        .iter()
        .map(|raw| MessageParser::default().parse(raw).unwrap())
        .collect();
    let is_reply =
        |m: &mail_parser::Message<'_>| m.body_text(0).is_some_and(|t| t.contains("every Sunday"));
    let confirmation = parsed.iter().find(|m| !is_reply(m)).unwrap();
    let reply = parsed.iter().find(|m| is_reply(m)).unwrap();
    let conf_id = format!("<{}>", confirmation.message_id().unwrap());
    assert_eq!(
        header(reply, "In-Reply-To").as_deref(),
        Some(conf_id.as_str())
    );
    let refs = header(reply, "References").unwrap_or_default();
    assert!(refs.contains(&conf_id), "{refs}");
    let notification = ms.wait_for(&owner, 1, Duration::from_secs(20));
    let notification = MessageParser::default().parse(&notification[0]).unwrap();
    let note_id = notification.message_id().unwrap().to_string();
    assert!(
        !refs.contains(&note_id),
        "the owner's notification in {refs}"
    );
    app.stop().await;
}
