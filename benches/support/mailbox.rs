//! A generated owner's mailbox for the first-sync benchmark, written straight into Dovecot's
//! Maildir (`cur/`, one file per message, LF line ends as Maildir keeps them) so 20,000
//! messages take seconds rather than 20,000 SMTP deliveries. Deterministic for a seed.
//!
//! What the mailbox looks like: private mail, newsletters (multipart/alternative, List-Id) and
//! mail with attachments (base64), sizes log-uniform between 2 and 50 KB, received over the
//! last 60 days (Date header and file mtime — Dovecot's received date for Maildir — agree);
//! among them visitor replies to known tickets (`Re: … [TKT-…]` from the ticket's visitor),
//! dated within the last 25 days so the first sync's default 30-day window covers them.
//! Nothing else mentions a ticket, so the replies are exactly the messages a sync needs.

use chrono::{DateTime, Duration, Utc};
use std::io::Write;
use std::path::Path;
use std::time::SystemTime;

/// A ticket the mailbox answers: its id and its visitor's address.
pub struct Ticket {
    pub id: String,
    pub visitor: String,
}

/// One visitor reply placed in the mailbox.
pub struct Reply {
    pub ticket_id: String,
    pub message_id: String,
}

pub struct Filled {
    pub messages: usize,
    pub bytes: u64,
    pub replies: Vec<Reply>,
}

/// splitmix64: small, fast, and enough for shaping test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Log-uniform in [lo, hi): many small messages, a tail of large ones.
    fn size(&mut self, lo: usize, hi: usize) -> usize {
        let (a, b) = ((lo as f64).ln(), (hi as f64).ln());
        (a + (b - a) * self.unit()).exp() as usize
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "the",
    "garden",
    "weekend",
    "train",
    "coffee",
    "meeting",
    "photos",
    "holiday",
    "price",
    "market",
    "report",
    "invoice",
    "delivery",
    "family",
    "dinner",
    "project",
    "weather",
    "flowers",
    "book",
    "concert",
    "update",
    "plans",
    "recipe",
    "bakery",
    "flour",
    "oven",
    "morning",
    "evening",
    "Tuesday",
    "Friday",
    "schedule",
    "thanks",
    "perhaps",
    "tomorrow",
    "quarterly",
    "numbers",
    "and",
    "with",
    "for",
    "about",
    "we",
    "you",
    "our",
    "new",
];
const FRIENDS: &[&str] = &["Marta", "Jonas", "Aiko", "Pedro", "Lena", "Samir", "Chloe"];
const LISTS: &[&str] = &[
    "Baking Weekly",
    "Local Markets",
    "Flour Guild News",
    "City Events",
];
const TOPICS: &[&str] = &[
    "Plans",
    "Photos",
    "Invoice",
    "Your order",
    "Newsletter",
    "Hello",
];

fn words(rng: &mut Rng, target: usize) -> String {
    let mut out = String::with_capacity(target + 80);
    let mut line = 0;
    while out.len() < target {
        let w = rng.pick(WORDS);
        out.push_str(w);
        line += w.len() + 1;
        if line > 68 {
            out.push('\n');
            line = 0;
        } else {
            out.push(' ');
        }
        if rng.below(90) == 0 {
            out.push_str(".\n\n");
            line = 0;
        }
    }
    out.push('\n');
    out
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + data.len() / 57 + 4);
    for (i, c) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push('\n');
        }
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= c.len() {
                out.push(T[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out.push('\n');
    out
}

fn noise(rng: &mut Rng, owner: &str, n: usize, at: DateTime<Utc>) -> String {
    let target = rng.size(2_000, 50_000);
    let date = at.to_rfc2822();
    let mid = format!("n{n}.{}@mail.example.net", rng.next() % 1_000_000);
    match rng.below(10) {
        0..=4 => {
            let who = rng.pick(FRIENDS);
            let head = format!(
                "Return-Path: <{l}@example.org>\nFrom: {who} <{l}@example.org>\nTo: {owner}\n\
                 Subject: {} {n}\nDate: {date}\nMessage-ID: <{mid}>\nMIME-Version: 1.0\n\
                 Content-Type: text/plain; charset=UTF-8\n\n",
                rng.pick(TOPICS),
                l = who.to_lowercase(),
            );
            let body = words(rng, target.saturating_sub(head.len()));
            head + &body
        }
        5..=7 => {
            let list = rng.pick(LISTS);
            let head = format!(
                "From: {list} <news@lists.example.com>\nTo: {owner}\nSubject: {list} #{n}\n\
                 Date: {date}\nMessage-ID: <{mid}>\nList-Id: <news.lists.example.com>\n\
                 List-Unsubscribe: <https://lists.example.com/u/{n}>\nPrecedence: bulk\n\
                 MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b{n}\"\n\n"
            );
            let half = target.saturating_sub(head.len()) / 2;
            let text = words(rng, half);
            let html = format!("<html><body><p>{}</p></body></html>\n", words(rng, half));
            format!(
                "{head}--b{n}\nContent-Type: text/plain; charset=UTF-8\n\n{text}\n--b{n}\n\
                 Content-Type: text/html; charset=UTF-8\n\n{html}\n--b{n}--\n"
            )
        }
        _ => {
            let who = rng.pick(FRIENDS);
            let head = format!(
                "From: {who} <{l}@example.org>\nTo: {owner}\nSubject: Documents {n}\n\
                 Date: {date}\nMessage-ID: <{mid}>\nMIME-Version: 1.0\n\
                 Content-Type: multipart/mixed; boundary=\"m{n}\"\n\n--m{n}\n\
                 Content-Type: text/plain; charset=UTF-8\n\nThe file is attached.\n\n--m{n}\n\
                 Content-Type: application/pdf; name=\"doc-{n}.pdf\"\n\
                 Content-Disposition: attachment; filename=\"doc-{n}.pdf\"\n\
                 Content-Transfer-Encoding: base64\n\n",
                l = who.to_lowercase(),
            );
            let raw_len = target.saturating_sub(head.len() + 20) * 3 / 4;
            let data: Vec<u8> = (0..raw_len).map(|_| rng.next() as u8).collect();
            format!("{head}{}--m{n}--\n", base64(&data))
        }
    }
}

fn reply(rng: &mut Rng, owner: &str, t: &Ticket, mid: &str, i: usize, at: DateTime<Utc>) -> String {
    let target = rng.size(2_000, 12_000);
    let head = format!(
        "Return-Path: <{v}>\nFrom: Visitor {i} <{v}>\nTo: {owner}\n\
         Subject: Re: Your support request [{id}]\nDate: {date}\nMessage-ID: <{mid}>\n\
         MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n\
         Thanks for the quick answer, this is reply {i}.\n\n\
         On {date}, Support <{owner}> wrote:\n",
        v = t.visitor,
        id = t.id,
        date = at.to_rfc2822(),
    );
    let quoted: String = words(rng, target.saturating_sub(head.len()))
        .lines()
        .map(|l| format!("> {l}\n"))
        .collect();
    head + &quoted
}

/// Writes `total` messages (of which one reply per ticket) into `maildir/cur`, oldest first.
pub fn fill(
    maildir: &Path,
    owner: &str,
    total: usize,
    tickets: &[Ticket],
    now: DateTime<Utc>,
    seed: u64,
) -> Filled {
    assert!(tickets.len() <= total, "more replies than messages");
    let mut rng = Rng(seed);
    // (received, Some(ticket index) for a reply)
    let mut plan: Vec<(DateTime<Utc>, Option<usize>)> = (0..total)
        .map(|k| {
            if k < tickets.len() {
                let back = 3_600 + rng.below(25 * 86_400 - 3_600);
                (now - Duration::seconds(back as i64), Some(k))
            } else {
                (now - Duration::seconds(rng.below(60 * 86_400) as i64), None)
            }
        })
        .collect();
    plan.sort_by_key(|p| p.0);
    let cur = maildir.join("cur");
    std::fs::create_dir_all(&cur).expect("create Maildir/cur");
    let mut filled = Filled {
        messages: 0,
        bytes: 0,
        replies: Vec::new(),
    };
    for (n, (at, which)) in plan.into_iter().enumerate() {
        let (text, flags) = match which {
            Some(k) => {
                let mid = format!("bench-reply-{k}.{seed}@visitor.example.test");
                let text = reply(&mut rng, owner, &tickets[k], &mid, k, at);
                filled.replies.push(Reply {
                    ticket_id: tickets[k].id.clone(),
                    message_id: mid,
                });
                (text, "")
            }
            // Older private mail has mostly been read.
            None => (
                noise(&mut rng, owner, n, at),
                if n % 3 == 0 { "" } else { "S" },
            ),
        };
        let size = text.len();
        let vsize = size + text.bytes().filter(|b| *b == b'\n').count();
        let name = format!(
            "{}.M{}P1Q{n}.bench,S={size},W={vsize}:2,{flags}",
            at.timestamp(),
            at.timestamp_subsec_micros()
        );
        let path = cur.join(name);
        let mut f = std::fs::File::create(&path).expect("write a Maildir message");
        f.write_all(text.as_bytes())
            .expect("write a Maildir message");
        f.set_modified(SystemTime::from(at))
            .expect("set the received date");
        filled.messages += 1;
        filled.bytes += size as u64;
    }
    filled
}
