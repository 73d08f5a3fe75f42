//! IMAP sync benchmark against the project's real mail stack (Dovecot + Postfix on 127.0.0.1,
//! `scripts/mailstack`), printing two figures:
//!
//! 1. Reply latency: a real Deskbell (`Deskbell::start`, SMTP + IMAPS to the stack, store in a
//!    temp dir) with one ticket made over HTTP; visitor replies are delivered one at a time
//!    through Postfix's injection port, and each is timed from the SMTP call returning to the
//!    `ReplyReceived` event for it. Goal: p95 < 1 s.
//! 2. First sync of a large mailbox (20,000 messages holding 200 ticket replies, written into
//!    the owner's Maildir), side by side in one run: Deskbell's `sync::once` with a fresh store
//!    that knows the tickets, and `mbsync` (isync) mirroring the same INBOX. Both talk plain
//!    IMAP to 127.0.0.1 through a byte-counting proxy. mbsync runs twice: as configured by
//!    default (every stored message fsync'd) and with `FSync no`, its best case. Goal:
//!    Deskbell ≥ 10× faster.
//!
//! Run: `cargo bench --bench sync`
//! (env: BENCH_REPLIES=50, BENCH_MESSAGES=20000, BENCH_TICKET_REPLIES=200).

#[path = "support/counting_proxy.rs"]
mod counting_proxy;
#[path = "support/mailbox.rs"]
mod mailbox;
#[path = "support/mbsync.rs"]
mod mbsync;

use counting_proxy::{CountingProxy, Traffic};
use deskbell::app::Event;
use deskbell::Deskbell;
use deskbell_test_mailstack::{address, MailStack};
use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const NO_LIMITS: &str = "client_rate_per_minute = 1000000\nglobal_rate_per_second = 1000000\n";

/// A config with the owner, optional `[smtp]`/`[imap]` sections, and no visitor confirmations.
fn config(owner: &str, smtp: &str, imap: &str) -> deskbell::Config {
    let text = format!(
        "[intake]\nlisten = \"127.0.0.1:0\"\n{NO_LIMITS}[owner]\nemail = \"{owner}\"\n\
         name = \"Rosa\"\nbusiness = \"Rosa's Bakery\"\ntimezone = \"UTC\"\n{smtp}{imap}\
         [mail]\nconfirm_visitor = false\nretry_first_seconds = 1\n"
    );
    deskbell::Config::from_toml(&text, "bench config", Vec::<(String, String)>::new())
        .expect("bench config parses")
}

fn plain_imap(port: u16, owner: &str, password: &str) -> String {
    format!(
        "[imap]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"plain\"\n\
         username = \"{owner}\"\npassword = \"{password}\"\n"
    )
}

async fn add_site(app: &Deskbell) -> String {
    app.inbox()
        .add_site("Shop", &["https://rosa.example".into()])
        .await
        .expect("add a site")
        .bot_token
}

async fn post_ticket(
    http: &reqwest::Client,
    app: &Deskbell,
    token: &str,
    visitor: &str,
    issue: &str,
) -> String {
    let resp = http
        .post(format!("http://{}/tickets/create", app.intake_addr()))
        .json(&serde_json::json!({
            "bot_token": token, "visitor_name": "Ana Silva", "visitor_email": visitor,
            "issue": issue,
        }))
        .send()
        .await
        .expect("POST /tickets/create");
    assert_eq!(resp.status(), 201, "ticket created");
    resp.json::<serde_json::Value>().await.expect("JSON answer")["ticket_id"]
        .as_str()
        .expect("ticket_id")
        .to_string()
}

/// Waits for an event matching `want`, or panics with `what` after `within`.
async fn wait_event(
    rx: &mut broadcast::Receiver<Event>,
    within: Duration,
    what: &str,
    want: impl Fn(&Event) -> bool,
) -> Event {
    let got = tokio::time::timeout(within, async {
        loop {
            match rx.recv().await {
                Ok(e) if want(&e) => return e,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => panic!("event stream closed"),
            }
        }
    })
    .await;
    got.unwrap_or_else(|_| panic!("timed out after {within:?} waiting for {what}"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

// ----- 1. reply latency -----------------------------------------------------------------

struct Latency {
    n: usize,
    p50: Duration,
    p95: Duration,
    max: Duration,
}

async fn reply_latency(ms_: &MailStack, n: usize) -> Latency {
    let owner = address("owner");
    let visitor = address("visitor");
    let dir = tempfile::tempdir().expect("temp dir");
    let cfg = config(
        &owner,
        &ms_.smtp_config(&owner, ms_.password()),
        &ms_.imap_config(&owner),
    );
    let app = Deskbell::start(&cfg, dir.path())
        .await
        .expect("Deskbell starts");
    let mut events = app.subscribe();
    let healthy = Instant::now();
    while app.sync_state() != deskbell::mail::imap::sync::SyncState::Ok {
        assert!(
            healthy.elapsed() < Duration::from_secs(20),
            "the IMAP sync never became healthy: {:?}",
            app.sync_state()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let token = add_site(&app).await;
    let http = reqwest::Client::new();
    let id = post_ticket(&http, &app, &token, &visitor, "Is the rye bread vegan?").await;
    // The owner's notification goes out and comes back into her INBOX; let the sync read it
    // (and both folders settle in IDLE) before timing anything.
    wait_event(
        &mut events,
        Duration::from_secs(20),
        "the owner's notification to be sent",
        |e| matches!(e, Event::MailSent { ticket_id, .. } if *ticket_id == id),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    let mut took = Vec::with_capacity(n);
    for i in 0..n {
        let words = format!("Reply {i} from the visitor: thanks, see you Friday.");
        let raw = format!(
            "From: Ana Silva <{visitor}>\r\nTo: {owner}\r\nSubject: Re: Rye bread [{id}]\r\n\
             Date: {}\r\nMessage-ID: <latency-{i}.{}@visitor.example.test>\r\nMIME-Version: 1.0\r\n\
             Content-Type: text/plain; charset=UTF-8\r\n\r\n{words}\r\n\r\n\
             On Mon, Rosa <{owner}> wrote:\r\n> Yes, it is vegan.\r\n",
            chrono::Utc::now().to_rfc2822(),
            std::process::id(),
        );
        ms_.deliver(&visitor, &owner, raw.as_bytes()).await;
        let delivered = Instant::now();
        wait_event(
            &mut events,
            Duration::from_secs(15),
            &format!("ReplyReceived for reply {i}"),
            |e| matches!(e, Event::ReplyReceived { ticket_id, first_line, .. } if *ticket_id == id && *first_line == words),
        )
        .await;
        took.push(delivered.elapsed());
    }
    app.stop().await;
    let stored: i64 = rusqlite::Connection::open(dir.path().join(deskbell::store::DB_FILE))
        .and_then(|c| {
            c.query_row(
                "SELECT count(*) FROM messages WHERE message_id LIKE 'latency-%' AND direction = 'in'",
                [],
                |r| r.get(0),
            )
        })
        .expect("read the store");
    assert_eq!(stored as usize, n, "every reply stored exactly once");
    took.sort();
    Latency {
        n,
        p50: percentile(&took, 0.50),
        p95: percentile(&took, 0.95),
        max: *took.last().expect("at least one reply"),
    }
}

// ----- 2. first sync of a large mailbox vs mbsync -------------------------------------------

struct Row {
    wall: Duration,
    messages: usize,
    traffic: Traffic,
    /// Where the time went, from the client's commands as the proxy saw them.
    phases: String,
}

/// Splits a Deskbell session at its candidate SEARCH and its first FETCH.
fn phases(writes: &[(Duration, String)]) -> String {
    let at = |what: &str| {
        writes
            .iter()
            .position(|(_, l)| l.contains(what))
            .map(|i| (i, writes[i].0))
    };
    let (Some((_, first)), Some((si, search)), Some((_, fetch)), Some((_, last))) = (
        writes.first().map(|w| (0, w.0)),
        at("UID SEARCH"),
        at("UID FETCH"),
        writes.last().map(|w| (0, w.0)),
    ) else {
        return "no SEARCH/FETCH seen".into();
    };
    let after_search = writes.get(si + 1).map_or(last, |w| w.0);
    format!(
        "login+EXAMINE {:.2} s, candidate SEARCH {:.2} s, FETCH+import {:.2} s, rest {:.2} s",
        (search - first).as_secs_f64(),
        (after_search - search).as_secs_f64(),
        (last - fetch).as_secs_f64(),
        (fetch - after_search).as_secs_f64(),
    )
}

fn doveadm(ms_: &MailStack, args: &[&str]) -> String {
    let out = std::process::Command::new("doveadm")
        .arg("-c")
        .arg(ms_.dir.join("dovecot.conf"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run doveadm");
    assert!(
        out.status.success(),
        "doveadm {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn inbox_count(ms_: &MailStack, user: &str) -> usize {
    let out = doveadm(ms_, &["mailbox", "status", "-u", user, "messages", "INBOX"]);
    out.split_whitespace()
        .find_map(|w| w.strip_prefix("messages="))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("doveadm mailbox status said {out:?}"))
}

struct Prepared {
    owner: String,
    dir: tempfile::TempDir,
    replies: Vec<mailbox::Reply>,
    messages: usize,
    bytes: u64,
}

async fn prepare(ms_: &MailStack, total: usize, replies: usize) -> Prepared {
    let owner = address("archive");
    let dir = tempfile::tempdir().expect("temp dir");
    // The tickets exist before their replies are read: made over HTTP by a Deskbell that
    // neither sends nor reads mail.
    let app = Deskbell::start(&config(&owner, "", ""), dir.path())
        .await
        .expect("Deskbell starts");
    let token = add_site(&app).await;
    let http = reqwest::Client::new();
    let mut tickets = Vec::with_capacity(replies);
    for i in 0..replies {
        let visitor = format!("visitor{i}.{}@example.test", std::process::id());
        let id = post_ticket(&http, &app, &token, &visitor, &format!("Question {i}")).await;
        tickets.push(mailbox::Ticket { id, visitor });
    }
    app.stop().await;

    // Dovecot creates the user's Maildir (owned by its mail user) on first access.
    assert_eq!(inbox_count(ms_, &owner), 0);
    let maildir = ms_.dir.join("mail").join(&owner).join("Maildir");
    assert!(maildir.is_dir(), "no Maildir at {}", maildir.display());
    let t = Instant::now();
    let filled = mailbox::fill(&maildir, &owner, total, &tickets, chrono::Utc::now(), 42);
    let status = std::process::Command::new("chown")
        .args(["-R", "nobody:nogroup"])
        .arg(&maildir)
        .status()
        .expect("chown");
    assert!(status.success(), "chown the Maildir to Dovecot's mail user");
    doveadm(ms_, &["force-resync", "-u", &owner, "INBOX"]);
    let indexed = inbox_count(ms_, &owner);
    assert_eq!(indexed, total, "Dovecot sees every generated message");
    eprintln!(
        "mailbox: {} messages, {:.1} MB, {} replies, written and indexed in {:.1} s",
        filled.messages,
        filled.bytes as f64 / 1e6,
        filled.replies.len(),
        t.elapsed().as_secs_f64()
    );
    Prepared {
        owner,
        dir,
        replies: filled.replies,
        messages: filled.messages,
        bytes: filled.bytes,
    }
}

async fn deskbell_first_sync(ms_: &MailStack, upstream: SocketAddr, p: &Prepared) -> Row {
    let proxy = CountingProxy::start(upstream).await;
    let cfg = config(
        &p.owner,
        "",
        &plain_imap(proxy.addr.port(), &p.owner, ms_.password()),
    );
    let inbox = deskbell::app::open_inbox(
        &cfg,
        p.dir.path(),
        std::sync::Arc::new(deskbell::clock::SystemClock),
    )
    .expect("open the store");
    let target =
        deskbell::mail::imap::Target::from_account(&cfg.imap, Some(&p.owner)).expect("target");
    let opts = deskbell::app::sync_options(&cfg);
    let t = Instant::now();
    let passes = tokio::time::timeout(
        Duration::from_secs(600),
        deskbell::mail::imap::sync::once(
            &inbox.ports(),
            inbox.mail().expect("mail is set up"),
            &target,
            &opts,
        ),
    )
    .await
    .expect("Deskbell's first sync finished within 10 minutes")
    .expect("Deskbell's first sync succeeded");
    let wall = t.elapsed();
    let fetched = passes.iter().map(|p| p.fetched).sum();

    // Every reply is on its own ticket, once.
    let conn = rusqlite::Connection::open(p.dir.path().join(deskbell::store::DB_FILE))
        .expect("open the store file");
    let mut q = conn
        .prepare(
            "SELECT count(*) FROM messages m JOIN tickets t ON t.id = m.ticket \
             WHERE m.message_id = ?1 AND t.ticket_id = ?2 AND m.direction = 'in'",
        )
        .expect("query");
    let missing: Vec<&str> = p
        .replies
        .iter()
        .filter(|r| {
            q.query_row([&r.message_id, &r.ticket_id], |row| row.get::<_, i64>(0))
                .expect("query")
                != 1
        })
        .map(|r| r.ticket_id.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} replies not on their ticket exactly once (e.g. {:?}); passes: {:?}",
        missing.len(),
        p.replies.len(),
        &missing[..missing.len().min(5)],
        passes
            .iter()
            .map(|p| (&p.folder, p.fetched))
            .collect::<Vec<_>>()
    );
    Row {
        wall,
        messages: fetched,
        traffic: proxy.traffic(),
        phases: phases(&proxy.client_writes()),
    }
}

/// Mirrors INBOX with mbsync through its own counting proxy.
async fn mbsync_mirror(
    ms_: &MailStack,
    upstream: SocketAddr,
    p: &Prepared,
    version: &str,
    fsync: bool,
) -> Row {
    let proxy = CountingProxy::start(upstream).await;
    let (wall, mirrored) =
        mbsync::mirror(proxy.addr.port(), &p.owner, ms_.password(), version, fsync).await;
    assert_eq!(mirrored, p.messages, "mbsync mirrored every message");
    Row {
        wall,
        messages: mirrored,
        traffic: proxy.traffic(),
        phases: format!("{} client writes", proxy.client_writes().len()),
    }
}

fn mb(b: u64) -> String {
    format!("{:.2} MB", b as f64 / 1e6)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let replies_n = env_num("BENCH_REPLIES", 50).max(1);
    let total = env_num("BENCH_MESSAGES", 20_000);
    let ticket_replies = env_num("BENCH_TICKET_REPLIES", 200).min(total);
    let version = mbsync::version();

    let ms_ = MailStack::start();
    let plain: SocketAddr = format!("127.0.0.1:{}", ms_.get("MAILSTACK_IMAP_PORT"))
        .parse()
        .expect("IMAP address");

    println!("== 1. Reply latency: SMTP delivery -> ReplyReceived (IMAPS + IDLE) ==");
    let lat = reply_latency(&ms_, replies_n).await;
    println!("| replies | p50 ms | p95 ms | max ms |");
    println!("|---|---|---|---|");
    println!(
        "| {} | {:.0} | {:.0} | {:.0} |",
        lat.n,
        ms(lat.p50),
        ms(lat.p95),
        ms(lat.max)
    );
    println!(
        "goal p95 < 1000 ms: {}\n",
        if lat.p95 < Duration::from_secs(1) {
            "MET"
        } else {
            "NOT MET"
        }
    );

    let p = prepare(&ms_, total, ticket_replies).await;
    let desk = deskbell_first_sync(&ms_, plain, &p).await;
    let mirror = mbsync_mirror(&ms_, plain, &p, &version, true).await;
    let mirror_nosync = mbsync_mirror(&ms_, plain, &p, &version, false).await;
    println!(
        "== 2. First sync: INBOX of {} messages ({:.1} MB, {} ticket replies), plain IMAP via a counting proxy on 127.0.0.1 ==",
        p.messages,
        p.bytes as f64 / 1e6,
        p.replies.len()
    );
    println!("| client | wall s | messages fetched | bytes client->server | bytes server->client | total |");
    println!("|---|---|---|---|---|---|");
    for (name, r) in [
        ("Deskbell sync::once (first sync)", &desk),
        (&*format!("mbsync ({version}), Sync Pull"), &mirror),
        (
            &*format!("mbsync ({version}), Sync Pull, FSync no"),
            &mirror_nosync,
        ),
    ] {
        println!(
            "| {name} | {:.2} | {} | {} | {} | {} |",
            r.wall.as_secs_f64(),
            r.messages,
            mb(r.traffic.up),
            mb(r.traffic.down),
            mb(r.traffic.total())
        );
    }
    println!("Deskbell: {}", desk.phases);
    let ratio = |m: &Row| m.wall.as_secs_f64() / desk.wall.as_secs_f64();
    let met = |r: f64| if r >= 10.0 { "MET" } else { "NOT MET" };
    let bytes_ratio = mirror.traffic.total() as f64 / desk.traffic.total().max(1) as f64;
    println!(
        "Deskbell vs mbsync: {:.1}x faster (goal >= 10x: {}); vs mbsync with FSync no: {:.1}x ({}); \
         {bytes_ratio:.0}x fewer bytes; all {} replies on their tickets, once.",
        ratio(&mirror),
        met(ratio(&mirror)),
        ratio(&mirror_nosync),
        met(ratio(&mirror_nosync)),
        p.replies.len()
    );
}
