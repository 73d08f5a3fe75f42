//! List and search benchmark: a year of a busy support inbox (100,000 tickets, 300,000
//! thread messages) in a temp dir, then the window's reads timed through the core's own API
//! (`Inbox::page`, `Inbox::counts`), each repeated, with p50/p95/max printed against the goal:
//! a list page ≤ 20 ms p95, a search ≤ 50 ms p95, on this 2-core machine.
//!
//! How the data is made (printed as it goes):
//! - tickets through `Inbox::create_ticket`, many in flight so the group-commit writer
//!   batches them, under a clock that steps through the past year (created times and ticket
//!   ids spread over 365 days); 70% from three websites, 30% by mail;
//! - triage through the API with the clock at "now": statuses (30% open, 10% pending, the
//!   rest closed), priorities, tags on 30%, and a few snoozed, spam and trashed;
//! - thread messages as plain INSERTs into `messages` in large transactions (the FTS5
//!   triggers of migration 0002 index them), dated between the ticket's creation and now;
//!   then each ticket's `updated_at` is its last message, as the mail import leaves it.
//!
//! Texts come from `support/corpus.rs`: 4,000 words drawn Zipf-style, visitors from a pool
//! of 40,000 names and addresses.
//!
//! Run: `cargo bench --bench list` (`-- --quick`: 10,000 tickets and 30,000 messages; env
//! BENCH_TICKETS, BENCH_MESSAGES, BENCH_RUNS=200; BENCH_KEEP=dir keeps the data set there, and a
//! later run with the same dir measures it again without rebuilding).

#[path = "support/corpus.rs"]
mod corpus;

use chrono::{DateTime, Duration as Span, Utc};
use corpus::{Rng, Words};
use deskbell::clock::{to_db, Clock};
use deskbell::domain::{Channel, NewTicket, Priority, SortBy, Status, StatusFilter, Visitor};
use deskbell::inbox::Filter;
use deskbell::Inbox;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

const LIST_GOAL_MS: f64 = 20.0;
const SEARCH_GOAL_MS: f64 = 50.0;
/// Writes in flight while building: enough for the writer to batch them.
const IN_FLIGHT: usize = 256;
/// The most time spent timing one case.
const CASE_BUDGET: Duration = Duration::from_secs(15);

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A clock that moves `step` on every reading: each created ticket is a little younger.
struct SteppingClock {
    at_ms: AtomicI64,
    step_ms: AtomicI64,
}

impl SteppingClock {
    fn stop_at(&self, at: DateTime<Utc>) {
        self.step_ms.store(0, Ordering::SeqCst);
        self.at_ms.store(at.timestamp_millis(), Ordering::SeqCst);
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> DateTime<Utc> {
        let step = self.step_ms.load(Ordering::Relaxed);
        let ms = self.at_ms.fetch_add(step, Ordering::Relaxed);
        DateTime::from_timestamp_millis(ms).expect("a time in range")
    }
}

/// Prints a progress line every tenth of `total`.
fn progress(what: &str, done: usize, total: usize, started: Instant) {
    if (total >= 10 && done.is_multiple_of(total / 10)) || done == total {
        let s = started.elapsed().as_secs_f64();
        eprintln!(
            "  {what}: {done}/{total} ({:.1} s, {:.0}/s)",
            s,
            done as f64 / s.max(1e-9)
        );
    }
}

/// Runs `job(i)` for every `i` in `0..n`, `IN_FLIGHT` at a time.
async fn each<F, Fut>(what: &str, n: usize, job: F)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let started = Instant::now();
    let mut set = JoinSet::new();
    let mut done = 0;
    for i in 0..n {
        if set.len() >= IN_FLIGHT {
            set.join_next().await.expect("a job").expect("job ran");
            done += 1;
            progress(what, done, n, started);
        }
        set.spawn(job(i));
    }
    while let Some(r) = set.join_next().await {
        r.expect("job ran");
        done += 1;
        progress(what, done, n, started);
    }
}

struct Built {
    inbox: Inbox,
    dir: std::path::PathBuf,
    _temp: Option<tempfile::TempDir>,
}

async fn build(tickets: usize, messages: usize, words: Arc<Words>) -> Built {
    let (temp, dir) = match std::env::var("BENCH_KEEP") {
        Ok(d) => (None, std::path::PathBuf::from(d)),
        Err(_) => {
            let t = tempfile::tempdir().expect("temp dir");
            let p = t.path().to_path_buf();
            (Some(t), p)
        }
    };
    let cfg = deskbell::Config::from_toml(
        "[owner]\nname = \"Rosa\"\nbusiness = \"Rosa's Bakery\"\ntimezone = \"UTC\"\n",
        "bench config",
        Vec::<(String, String)>::new(),
    )
    .expect("bench config parses");
    let now = Utc::now();
    let year = Span::days(365);
    let clock = Arc::new(SteppingClock {
        at_ms: AtomicI64::new((now - year).timestamp_millis()),
        step_ms: AtomicI64::new(year.num_milliseconds() / tickets.max(1) as i64),
    });
    if dir.join(deskbell::store::DB_FILE).exists() {
        // A data set kept by an earlier run (BENCH_KEEP): measure it as it is.
        eprintln!("reusing the data set in {}", dir.display());
        clock.stop_at(now);
        let inbox = deskbell::app::open_inbox(&cfg, &dir, clock).expect("open the store");
        return Built {
            inbox,
            dir,
            _temp: temp,
        };
    }
    let inbox = deskbell::app::open_inbox(&cfg, &dir, clock.clone()).expect("open the store");
    let mut sites = Vec::new();
    for (name, origin) in [
        ("Shop", "https://rosa.example"),
        ("Wholesale", "https://trade.rosa.example"),
        ("Classes", "https://classes.rosa.example"),
    ] {
        sites.push(
            inbox
                .add_site(name, &[origin.into()])
                .await
                .expect("site")
                .id,
        );
    }

    let t = Instant::now();
    eprintln!("building {tickets} tickets through Inbox::create_ticket …");
    let ids: Arc<std::sync::Mutex<Vec<String>>> =
        Arc::new(std::sync::Mutex::new(vec![String::new(); tickets]));
    each("tickets", tickets, |i| {
        let (inbox, ids, words) = (inbox.clone(), ids.clone(), words.clone());
        let mut rng = Rng(i as u64 * 7919 + 1);
        let (name, email) = corpus::visitor(rng.below(40_000));
        let web = rng.chance(0.7);
        let new = NewTicket {
            site_id: web.then(|| sites[[0, 0, 0, 1, 2][rng.below(5) as usize]]),
            channel: if web { Channel::Web } else { Channel::Email },
            visitor: Visitor {
                name,
                email,
                phone: None,
            },
            session_id: None,
            issue: words.text(&mut rng, 8, 60),
            page_url: web.then(|| "https://rosa.example/order".to_string()),
            spam: rng.chance(0.01),
        };
        async move {
            let c = inbox
                .create_ticket(new, None)
                .await
                .expect("create a ticket");
            ids.lock().expect("ids")[i] = c.ticket.ticket_id;
        }
    })
    .await;
    let ids = Arc::new(std::mem::take(&mut *ids.lock().expect("ids")));
    let made = t.elapsed();
    clock.stop_at(now);

    let t = Instant::now();
    eprintln!("triage through the API (status, priority, tags, snooze, spam, trash) …");
    each("triage", tickets, |i| {
        let (inbox, ids) = (inbox.clone(), ids.clone());
        let mut rng = Rng(i as u64 * 104_729 + 3);
        async move {
            let id = ids[i].parse().expect("a ticket id");
            let u = rng.unit();
            let status = match u {
                u if u < 0.30 => None,
                u if u < 0.40 => Some(Status::Pending),
                _ => Some(Status::Closed),
            };
            let priority = match rng.unit() {
                p if p < 0.10 => Some(Priority::Low),
                p if p < 0.85 => None,
                p if p < 0.96 => Some(Priority::High),
                _ => Some(Priority::Urgent),
            };
            if status.is_some() || priority.is_some() {
                inbox.set_ticket(&id, status, priority).await.expect("set");
            }
            if rng.chance(0.3) {
                let n = 1 + rng.below(3);
                let tags: Vec<String> = (0..n).map(|_| corpus::tag(&mut rng).into()).collect();
                inbox.set_tags(&id, &tags).await.expect("tags");
            }
            let r = rng.unit();
            if status.is_none() && r < 0.06 {
                let until = now + Span::hours(1 + rng.below(24 * 14) as i64);
                inbox.snooze(&id, until).await.expect("snooze");
            } else if r > 0.99 {
                inbox.set_spam(&id, true).await.expect("spam");
            } else if r > 0.98 {
                inbox.delete(&id).await.expect("trash");
            }
        }
    })
    .await;
    let triaged = t.elapsed();

    let t = Instant::now();
    let added = insert_messages(&dir, messages, &words, now);
    let threads = t.elapsed();
    eprintln!(
        "data set: {tickets} tickets in {:.1} s ({:.0}/s), triage in {:.1} s, \
         {added} thread messages by SQL INSERT in {:.1} s",
        made.as_secs_f64(),
        tickets as f64 / made.as_secs_f64(),
        triaged.as_secs_f64(),
        threads.as_secs_f64()
    );
    Built {
        inbox,
        dir,
        _temp: temp,
    }
}

/// Tops the thread messages up to `total` (mail-born tickets already have their first one),
/// in transactions of 20,000; returns how many it added.
fn insert_messages(
    dir: &std::path::Path,
    total: usize,
    words: &Words,
    now: DateTime<Utc>,
) -> usize {
    let mut conn = deskbell::store::open_connection(&dir.join(deskbell::store::DB_FILE))
        .expect("open the store file");
    let have: i64 = conn
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .expect("count");
    let mut rows: Vec<(i64, String, String, String, String)> = conn
        .prepare("SELECT id, ticket_id, visitor_email, created_at, issue FROM tickets ORDER BY id")
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect()
        })
        .expect("read the tickets");
    let want = total.saturating_sub(have.max(0) as usize);
    eprintln!("inserting {want} thread messages (FTS5 triggers index them) …");
    // Which ticket each message joins: most threads short, one ticket in ten busy.
    let mut rng = Rng(99);
    let n = rows.len() as u64;
    let mut per: Vec<u32> = vec![0; rows.len()];
    for _ in 0..want {
        let i = if rng.chance(0.35) {
            rng.below(n / 10 + 1) * 10
        } else {
            rng.below(n)
        };
        per[(i % n) as usize] += 1;
    }
    let started = Instant::now();
    let mut done = 0;
    let mut tx = conn.transaction().expect("begin");
    for (k, (row, ticket_id, email, created, issue)) in rows.drain(..).enumerate() {
        let from = deskbell::clock::from_db(&created).expect("created_at");
        let span = (now - from).num_seconds().max(1) as u64;
        let mut at: Vec<u64> = (0..per[k]).map(|_| rng.below(span)).collect();
        at.sort_unstable();
        let head: String = issue
            .split_whitespace()
            .take(6)
            .collect::<Vec<_>>()
            .join(" ");
        for (j, secs) in at.into_iter().enumerate() {
            let when = to_db(from + Span::seconds(secs as i64));
            let subject = format!("Re: {head} [{ticket_id}]");
            let text = words.text(&mut rng, 15, 120);
            let (direction, kind, state, from_addr, to_addrs, body) = match (j % 2, rng.below(20)) {
                (_, 0) => ("note", None, None, None, None, String::new()),
                (0, _) => (
                    "out",
                    Some("reply"),
                    Some("sent"),
                    Some("rosa@bakery.example"),
                    Some(email.as_str()),
                    format!("{text}\n\nRosa\nRosa's Bakery"),
                ),
                _ => (
                    "in",
                    None,
                    None,
                    Some(email.as_str()),
                    Some("rosa@bakery.example"),
                    format!("{text}\n\nOn an earlier day, Rosa wrote:\n> {head}"),
                ),
            };
            tx.prepare_cached(
                "INSERT INTO messages (ticket, direction, kind, message_id, from_addr, to_addrs,
                     subject, text, body, state, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![
                    row,
                    direction,
                    kind,
                    (direction != "note").then(|| format!("bench-{row}-{j}@bakery.example")),
                    from_addr,
                    to_addrs,
                    (direction != "note").then_some(subject),
                    text,
                    body,
                    state,
                    when,
                ])
            })
            .expect("insert a message");
            done += 1;
            if done % 20_000 == 0 {
                tx.commit().expect("commit");
                tx = conn.transaction().expect("begin");
                eprintln!(
                    "  messages: {done}/{want} ({:.1} s)",
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
    tx.commit().expect("commit");
    progress("messages", want, want, started);
    // The last entry is the ticket's latest activity; old tickets have been read.
    conn.execute_batch(
        "UPDATE tickets SET updated_at = coalesce(
             (SELECT max(at) FROM messages WHERE ticket = tickets.id), created_at);
         UPDATE tickets SET unread = 0 WHERE status <> 'open' OR id % 3 <> 0;
         PRAGMA wal_checkpoint(TRUNCATE);",
    )
    .expect("settle the data set");
    done
}

struct Figures {
    runs: usize,
    p50: f64,
    p95: f64,
    max: f64,
}

fn figures(mut took: Vec<Duration>) -> Figures {
    took.sort();
    let at = |p: f64| took[((took.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1e3;
    Figures {
        runs: took.len(),
        p50: at(0.50),
        p95: at(0.95),
        max: at(1.0),
    }
}

fn row(name: &str, f: &Figures, goal: f64, what: &str) -> bool {
    let ok = f.p95 <= goal;
    println!(
        "{name:<46} {:>5} {:>8.2} {:>8.2} {:>8.2}   ≤{goal:>3.0}  {:<5} {what}",
        f.runs,
        f.p50,
        f.p95,
        f.max,
        if ok { "ok" } else { "MISS" }
    );
    ok
}

fn open(f: impl FnOnce(&mut Filter)) -> Filter {
    let mut filter = Filter {
        status: StatusFilter::Open,
        tag: None,
        priority: None,
        site: None,
        sort: None,
        limit: Some(200),
        offset: 0,
    };
    f(&mut filter);
    filter
}

async fn measure(inbox: &Inbox, runs: usize, query: &str, filter: &Filter) -> (Figures, String) {
    let page = inbox.page(query, filter.clone()).await.expect("a page");
    let seen = format!("{} of {}", page.tickets.len(), page.total);
    for _ in 0..4 {
        inbox.page(query, filter.clone()).await.expect("a page");
    }
    let mut took = Vec::with_capacity(runs);
    let started = Instant::now();
    // A slow case stops early (but after 20 runs) so the whole run stays within minutes.
    while took.len() < runs && (took.len() < 20 || started.elapsed() < CASE_BUDGET) {
        let t = Instant::now();
        inbox.page(query, filter.clone()).await.expect("a page");
        took.push(t.elapsed());
    }
    (figures(took), seen)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing we need.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let tickets = env_num("BENCH_TICKETS", if quick { 10_000 } else { 100_000 });
    let messages = env_num("BENCH_MESSAGES", tickets * 3);
    let runs = env_num("BENCH_RUNS", if quick { 50 } else { 200 });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let words = Arc::new(Words::new(7));
        let b = build(tickets, messages, words).await;
        eprintln!("store: {}", b.dir.display());
        let inbox = &b.inbox;
        let counts = inbox.counts().await.expect("counts");
        println!(
            "\n{tickets} tickets, {messages} messages; views: open {} pending {} closed {} \
             snoozed {} spam {} trash {}; up to {runs} runs each, times in ms\n",
            counts.open, counts.pending, counts.closed, counts.snoozed, counts.spam, counts.trash
        );
        println!(
            "{:<46} {:>5} {:>8} {:>8} {:>8}   goal  p95   shown of total",
            "", "runs", "p50", "p95", "max"
        );
        let deep = (tickets / 2) as u32;
        let mut missed = Vec::new();
        let lists: Vec<(String, Filter)> = vec![
            ("open, first page".into(), open(|_| {})),
            (
                "all, first page".into(),
                open(|f| f.status = StatusFilter::All),
            ),
            (
                format!("all, deep page (offset {deep})"),
                open(|f| {
                    f.status = StatusFilter::All;
                    f.offset = deep;
                }),
            ),
            (
                format!("open, deep page (offset {})", 10_000.min(deep / 3)),
                open(|f| f.offset = 10_000.min(deep / 3)),
            ),
            (
                "open, tag refund".into(),
                open(|f| f.tag = Some("refund".into())),
            ),
            (
                "open, tag press (rare)".into(),
                open(|f| f.tag = Some("press".into())),
            ),
            (
                "open, priority urgent".into(),
                open(|f| f.priority = Some(Priority::Urgent)),
            ),
            (
                "open, site Classes".into(),
                open(|f| f.site = Some("Classes".into())),
            ),
            (
                "open, sort priority".into(),
                open(|f| f.sort = Some(SortBy::Priority)),
            ),
            (
                "open, sort created".into(),
                open(|f| f.sort = Some(SortBy::Created)),
            ),
        ];
        for (name, filter) in &lists {
            let (f, seen) = measure(inbox, runs, "", filter).await;
            if !row(&format!("list: {name}"), &f, LIST_GOAL_MS, &seen) {
                missed.push(name.clone());
            }
        }
        let mut took = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            inbox.counts().await.expect("counts");
            took.push(t.elapsed());
        }
        if !row("counts()", &figures(took), LIST_GOAL_MS, "") {
            missed.push("counts()".into());
        }
        let first = inbox.page("", open(|_| {})).await.expect("a page");
        let known = &first.tickets[first.tickets.len() / 2];
        let (id, email) = (known.ticket_id.clone(), known.visitor.email.clone());
        let searches = [
            ("common word", "order".to_string()),
            ("mid word", "sourdough".to_string()),
            ("rare word", "marzipan".to_string()),
            ("two words", "parcel late".to_string()),
            ("prefix being typed", "sourd".to_string()),
            ("ticket id", id),
            ("visitor address", email),
        ];
        for (name, q) in &searches {
            let (f, seen) = measure(inbox, runs, q, &open(|_| {})).await;
            let name = format!("search: {name} \"{q}\"");
            if !row(&name, &f, SEARCH_GOAL_MS, &seen) {
                missed.push(name);
            }
        }
        let (f, seen) = measure(
            inbox,
            runs,
            "order",
            &open(|f| f.status = StatusFilter::All),
        )
        .await;
        if !row("search: common word, all view", &f, SEARCH_GOAL_MS, &seen) {
            missed.push("search: common word, all view".into());
        }
        println!(
            "\n{} of {} figures miss the goal{}",
            missed.len(),
            lists.len() + searches.len() + 2,
            if missed.is_empty() {
                String::new()
            } else {
                format!(": {}", missed.join("; "))
            }
        );
    });
}
