//! Golden tests for `mail::compose`: each message type composed from fixed inputs, compared
//! byte for byte with `tests/fixtures/golden/*.eml` (MIME boundaries renamed BOUNDARY-1, -2…
//! in order of appearance), and decoded again by the small, independent MIME reader below so
//! that a careless `UPDATE_GOLDEN=1` cannot hide a regression: the semantic checks still run.
//!
//! - `UPDATE_GOLDEN=1 cargo test --test compose_golden` rewrites the golden files.
//! - `DESKBELL_MAIL_PREVIEW=/tmp/deskbell-mail cargo test --test compose_golden` also writes
//!   each decoded HTML part there (`notification.html`, `confirmation.html`, `reply.html`, …)
//!   for a look in a browser, e.g. headless Chromium's `--screenshot`.

use chrono::{DateTime, Utc};
use deskbell::domain::{Channel, Priority, Status, Ticket, Visitor};
use deskbell::mail::compose::{
    owner_notification, owner_reply, visitor_confirmation, AttachmentFile, Common, Party,
};
use std::path::{Path, PathBuf};

// ---- fixed inputs --------------------------------------------------------------------------

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

const ISSUE_UTF8: &str = "Hallo! My order #4711 for the Käsekuchen 🎂 never arrived.\n\
I paid on Monday & got the <confirmation>, but \"nothing\" since.\n\n\
Could you check? Danke 🙏";

fn ticket_utf8() -> Ticket {
    Ticket {
        ticket_id: "TKT-20261124-0001".into(),
        status: Status::Open,
        priority: Priority::Normal,
        channel: Channel::Web,
        site: Some("Rosa's Bakery Shop".into()),
        visitor: Visitor {
            name: "José Müller".into(),
            email: "jose.mueller@example.de".into(),
            phone: Some("+49 170 1234567".into()),
        },
        session_id: Some("s-42".into()),
        issue: ISSUE_UTF8.into(),
        page_url: Some("https://rosas-bakery.example/order?id=4711&step=2".into()),
        spam: false,
        unread: true,
        tags: Vec::new(),
        created_at: at("2026-11-24T13:05:00Z"),
        updated_at: at("2026-11-24T13:05:00Z"),
        snoozed_until: None,
        deleted_at: None,
        merged_into: None,
    }
}

fn ticket_ascii() -> Ticket {
    Ticket {
        ticket_id: "TKT-20260302-0042".into(),
        status: Status::Open,
        priority: Priority::Normal,
        channel: Channel::Web,
        site: None,
        visitor: Visitor {
            name: "Sam Lee".into(),
            email: "sam@example.com".into(),
            phone: None,
        },
        session_id: None,
        issue: "Password reset link expired before I could use it. Can you send a new one please?"
            .into(),
        page_url: None,
        spam: false,
        unread: true,
        tags: Vec::new(),
        created_at: at("2026-03-02T17:30:00Z"),
        updated_at: at("2026-03-02T17:30:00Z"),
        snoozed_until: None,
        deleted_at: None,
        merged_into: None,
    }
}

fn common_utf8<'a>(t: &'a Ticket, message_id: &'a str) -> Common<'a> {
    Common {
        ticket: t,
        owner: Party {
            name: Some("Rosa Example".into()),
            email: "rosa@gmail.com".into(),
        },
        business_name: Some("Rosa's Bakery"),
        message_id,
        date: at("2026-11-24T13:05:07Z"),
        tz: "Europe/Berlin".parse().unwrap(),
        reply_to_visitor: Some("rosa+tkt-20261124-0001@gmail.com"),
    }
}

fn common_ascii<'a>(t: &'a Ticket, message_id: &'a str) -> Common<'a> {
    Common {
        ticket: t,
        owner: Party {
            name: None,
            email: "help@example.org".into(),
        },
        business_name: None,
        message_id,
        date: at("2026-03-02T17:30:02Z"),
        tz: "America/New_York".parse().unwrap(),
        reply_to_visitor: None,
    }
}

const MID_NOTE: &str = "tkt-20261124-0001.1.0123456789abcdef0123@deskbell.invalid";
const MID_CONF: &str = "tkt-20261124-0001.2.fedcba9876543210fedc@deskbell.invalid";
const MID_REPLY: &str = "tkt-20261124-0001.3.00112233445566778899@deskbell.invalid";
const MID_VISITOR: &str = "CAF=abc123+XyZ@mail.gmail.com";

fn reply_text() -> &'static str {
    "Hallo José,\n\nsorry about that! The Käsekuchen went out again today — tracking: \
     https://track.example/?id=1&x=2\n\nBest,\nRosa"
}

fn attachments() -> Vec<AttachmentFile> {
    vec![
        AttachmentFile {
            name: "Rechnung Müller 🧾.pdf".into(),
            content_type: "application/pdf".into(),
            data: b"%PDF-1.4\n% not really a pdf\n".to_vec(),
        },
        AttachmentFile {
            name: "notes.txt".into(),
            content_type: "text/plain; charset=utf-8".into(),
            data: "Lieferung: Dienstag\n".as_bytes().to_vec(),
        },
    ]
}

struct Case {
    name: &'static str,
    raw: Vec<u8>,
}

fn cases() -> Vec<Case> {
    let tu = ticket_utf8();
    let ta = ticket_ascii();
    let refs = vec![MID_NOTE.to_string(), format!("<{MID_VISITOR}>")];
    vec![
        Case {
            name: "notification_utf8",
            raw: owner_notification(&common_utf8(&tu, MID_NOTE)).unwrap(),
        },
        Case {
            name: "confirmation_utf8",
            raw: visitor_confirmation(&common_utf8(&tu, MID_CONF)).unwrap(),
        },
        Case {
            name: "reply_utf8_attachments",
            raw: owner_reply(
                &common_utf8(&tu, MID_REPLY),
                reply_text(),
                None,
                Some(MID_VISITOR),
                &refs,
                &attachments(),
            )
            .unwrap(),
        },
        Case {
            name: "notification_ascii",
            raw: owner_notification(&common_ascii(&ta, "n1@example.org")).unwrap(),
        },
        Case {
            name: "confirmation_ascii",
            raw: visitor_confirmation(&common_ascii(&ta, "c1@example.org")).unwrap(),
        },
        Case {
            name: "reply_ascii",
            raw: owner_reply(
                &common_ascii(&ta, "r1@example.org"),
                "Hi Sam,\n\nI sent a new link just now.\n\nCheers",
                None,
                None,
                &[],
                &[],
            )
            .unwrap(),
        },
        Case {
            name: "signed_reply",
            raw: owner_reply(
                &common_utf8(&tu, MID_REPLY),
                "Hallo José,\n\nit went out again today.",
                Some(SIGNATURE),
                Some(MID_VISITOR),
                &refs,
                &[],
            )
            .unwrap(),
        },
    ]
}

/// `[owner] signature` as typed, with its own `-- ` line (dropped: one is put above it).
const SIGNATURE: &str =
    "-- \r\nRosa Example\r\nRosa's Bakery & Café <Berlin> · +49 170 1234567\r\n";

// ---- golden comparison ---------------------------------------------------------------------

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden")
}

/// Renames every `boundary="…"` value, and its uses, to BOUNDARY-1, -2… in order of appearance.
fn sanitise_boundaries(raw: &[u8]) -> String {
    let mut s = String::from_utf8(raw.to_vec()).expect("composed mail is ASCII");
    let mut n = 0;
    let mut from = 0;
    while let Some(i) = s[from..].find("boundary=\"") {
        let start = from + i + "boundary=\"".len();
        let len = s[start..].find('"').expect("closed boundary");
        let old = s[start..start + len].to_string();
        n += 1;
        let new = format!("BOUNDARY-{n}");
        if !old.starts_with("BOUNDARY-") {
            s = s.replace(&format!("\"{old}\""), &format!("\"{new}\""));
            s = s.replace(&format!("--{old}"), &format!("--{new}"));
        }
        from = start;
    }
    s
}

#[test]
fn golden_messages_match() {
    let dir = golden_dir();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut mismatches = Vec::new();
    for case in cases() {
        let got = sanitise_boundaries(&case.raw);
        let path = dir.join(format!("{}.eml", case.name));
        if update {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e} (UPDATE_GOLDEN=1 writes it)",
                path.display()
            )
        });
        if want != got {
            let line = want
                .lines()
                .zip(got.lines())
                .position(|(a, b)| a != b)
                .map_or(want.lines().count().min(got.lines().count()), |i| i);
            mismatches.push(format!(
                "{}: first difference at line {}\n  want: {:?}\n  got:  {:?}",
                case.name,
                line + 1,
                want.lines().nth(line),
                got.lines().nth(line)
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "golden mismatch (UPDATE_GOLDEN=1 to accept):\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn golden_corpus_is_not_empty_and_has_every_case() {
    let dir = golden_dir();
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/golden exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .collect();
    assert!(
        !files.is_empty(),
        "no golden .eml files in {}",
        dir.display()
    );
    for case in cases() {
        assert!(
            dir.join(format!("{}.eml", case.name)).is_file(),
            "missing golden {}",
            case.name
        );
    }
}

#[test]
fn composing_is_deterministic() {
    for (a, b) in cases().into_iter().zip(cases()) {
        assert_eq!(a.raw, b.raw, "{} differs between two runs", a.name);
    }
}

// ---- wire-level facts ----------------------------------------------------------------------

#[test]
fn every_message_is_crlf_seven_bit_and_short_lined() {
    for case in cases() {
        let raw = &case.raw;
        assert!(
            raw.iter().all(|b| b.is_ascii()),
            "{}: 8-bit byte",
            case.name
        );
        for (i, b) in raw.iter().enumerate() {
            if *b == b'\n' {
                assert!(
                    i > 0 && raw[i - 1] == b'\r',
                    "{}: bare LF at {i}",
                    case.name
                );
            }
        }
        let text = std::str::from_utf8(raw).unwrap();
        for line in text.split("\r\n") {
            assert!(line.len() <= 998, "{}: line over 998 octets", case.name);
            assert!(!line.contains('\r'), "{}: bare CR", case.name);
        }
        // Header lines are all `Name: value` or continuations.
        let head = text.split("\r\n\r\n").next().unwrap();
        for line in head.split("\r\n") {
            assert!(
                line.starts_with([' ', '\t'])
                    || line.split_once(": ").is_some_and(|(n, _)| !n.contains(' ')),
                "{}: odd header line {line:?}",
                case.name
            );
        }
    }
}

// ---- semantic checks on decoded messages ---------------------------------------------------

fn decoded(name: &str) -> Part {
    let case = cases().into_iter().find(|c| c.name == name).unwrap();
    let part = Part::parse(std::str::from_utf8(&case.raw).unwrap());
    if let Some(dir) = std::env::var_os("DESKBELL_MAIL_PREVIEW") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        let short = name.split('_').next().unwrap();
        let file = if name.ends_with("_ascii") {
            format!("{short}-ascii")
        } else {
            short.to_string()
        };
        std::fs::write(dir.join(format!("{file}.html")), part.html()).unwrap();
        std::fs::write(dir.join(format!("{file}.txt")), part.text()).unwrap();
        std::fs::write(dir.join(format!("{file}.eml")), &case.raw).unwrap();
    }
    part
}

#[test]
fn notification_decodes_to_what_the_owner_needs() {
    let m = decoded("notification_utf8");
    assert_eq!(
        m.header("Subject"),
        "New Support Ticket #TKT-20261124-0001: Hallo! My order #4711 for the Käsekuchen 🎂 never arrived. [TKT-20261124-0001]"
    );
    assert_eq!(
        m.header("From"),
        "José Müller via Deskbell <rosa@gmail.com>"
    );
    assert_eq!(m.header("To"), "Rosa Example <rosa@gmail.com>");
    assert_eq!(
        m.header("Reply-To"),
        "José Müller <jose.mueller@example.de>"
    );
    assert_eq!(m.header("Message-ID"), format!("<{MID_NOTE}>"));
    assert_eq!(m.header("Date"), "Tue, 24 Nov 2026 13:05:07 +0000");
    assert_eq!(m.header("MIME-Version"), "1.0");
    assert_eq!(m.header("Auto-Submitted"), "auto-generated");
    assert_eq!(m.header("X-Auto-Response-Suppress"), "All");
    assert!(m.content_type().starts_with("multipart/alternative"));
    assert_eq!(m.kinds(), ["text/plain", "text/html"]);

    let text = m.text();
    for want in [
        "Name:      José Müller\n",
        "Email:     jose.mueller@example.de\n",
        "Phone:     +49 170 1234567\n",
        "Page:      https://rosas-bakery.example/order?id=4711&step=2\n",
        "Site:      Rosa's Bakery Shop\n",
        "Received:  Tue 24 Nov 2026, 14:05 (Europe/Berlin)\n",
        ISSUE_UTF8,
        "Reply to this email to answer José Müller directly.",
    ] {
        assert!(text.contains(want), "text part lacks {want:?}:\n{text}");
    }
    assert!(
        !text.contains('<') || text.contains("<confirmation>"),
        "HTML in the text part"
    );

    let html = m.html();
    assert!(html.contains(
        "I paid on Monday &amp; got the &lt;confirmation&gt;, but &quot;nothing&quot; since.<br>"
    ));
    assert!(html.contains("Käsekuchen 🎂"));
    assert!(html.contains("href=\"https://rosas-bakery.example/order?id=4711&amp;step=2\""));
    assert!(html.contains("href=\"mailto:jose.mueller@example.de\""));
    assert!(html.contains("Tue 24 Nov 2026, 14:05 (Europe/Berlin)"));
    assert!(html.contains("TKT-20261124-0001"));
    assert!(!html.contains("{{"), "unfilled template slot");
    assert!(
        !html.contains("<style") && !html.contains("src="),
        "no style blocks or remote assets"
    );
}

#[test]
fn confirmation_decodes_to_a_friendly_automatic_reply() {
    let m = decoded("confirmation_utf8");
    assert_eq!(
        m.header("Subject"),
        "We received your request [TKT-20261124-0001]"
    );
    assert_eq!(m.header("From"), "Rosa's Bakery <rosa@gmail.com>");
    // The bare address: the typed name is the visitor's words too.
    assert_eq!(m.header("To"), "jose.mueller@example.de");
    assert_eq!(
        m.header("Reply-To"),
        "Rosa's Bakery <rosa+tkt-20261124-0001@gmail.com>"
    );
    assert_eq!(m.header("Auto-Submitted"), "auto-replied");
    assert_eq!(m.header("X-Auto-Response-Suppress"), "All");
    assert_eq!(m.kinds(), ["text/plain", "text/html"]);
    let text = m.text();
    assert!(text.starts_with("Hello,\n"));
    assert!(text.contains("its reference is TKT-20261124-0001."));
    assert!(text.contains("just reply to this email"));
    assert!(text.contains("If you did not write to Rosa's Bakery"));
    let html = m.html();
    // Nothing the visitor typed goes out: not a line of the message, not the name.
    for part in [&text, &html] {
        for typed in ISSUE_UTF8
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .chain(["José", "Müller", "Käsekuchen", "4711", "confirmation&gt;"])
        {
            assert!(!part.contains(typed), "the confirmation repeats {typed:?}");
        }
    }
    assert!(
        !html.contains("Deskbell"),
        "the visitor does not need to know our name"
    );

    let a = decoded("confirmation_ascii");
    assert_eq!(
        a.header("From"),
        "help@example.org",
        "no name to show: the bare address"
    );
    assert_eq!(
        a.header("Reply-To"),
        "help@example.org",
        "no plus-address: Reply-To is the owner"
    );
    let text = a.text();
    assert!(
        text.contains("Thanks for getting in touch with us."),
        "{text}"
    );
}

#[test]
fn reply_decodes_with_threading_and_attachments() {
    let m = decoded("reply_utf8_attachments");
    assert_eq!(
        m.header("Subject"),
        "Re: Hallo! My order #4711 for the Käsekuchen 🎂 never arrived. [TKT-20261124-0001]"
    );
    assert_eq!(m.header("In-Reply-To"), format!("<{MID_VISITOR}>"));
    assert_eq!(
        m.header("References"),
        format!("<{MID_NOTE}> <{MID_VISITOR}>")
    );
    assert_eq!(
        m.header("Reply-To"),
        "Rosa's Bakery <rosa+tkt-20261124-0001@gmail.com>"
    );
    assert_eq!(m.raw_header("Auto-Submitted"), None, "a human reply");
    assert!(m.content_type().starts_with("multipart/mixed"));
    assert_eq!(
        m.kinds(),
        ["multipart/alternative", "application/pdf", "text/plain"]
    );
    assert_eq!(m.parts[0].kinds(), ["text/plain", "text/html"]);

    assert!(m.text().starts_with(reply_text()));
    let html = m.html();
    assert!(html.contains("<p style=\"margin:0 0 16px 0;\">Hallo José,</p>"));
    assert!(html.contains("https://track.example/?id=1&amp;x=2"));
    assert!(
        !html.contains("href=\"https://track"),
        "links are not made automatically"
    );
    assert!(html.contains("Best,<br>\nRosa"));

    let files = attachments();
    for (part, file) in m.parts[1..].iter().zip(&files) {
        assert_eq!(part.file_name().as_deref(), Some(file.name.as_str()));
        assert_eq!(part.decoded_body(), file.data);
    }

    let a = decoded("reply_ascii");
    assert_eq!(
        a.header("Subject"),
        "Re: Password reset link expired before I could use it. Can you… [TKT-20260302-0042]"
    );
    assert_eq!(a.raw_header("In-Reply-To"), None);
    assert_eq!(a.raw_header("References"), None);
    assert!(a
        .text()
        .starts_with("Hi Sam,\n\nI sent a new link just now.\n\nCheers\n\n-- \n"));
}

#[test]
fn the_signature_goes_below_the_reply_in_both_parts() {
    let m = decoded("signed_reply");
    assert_eq!(m.raw_header("Auto-Submitted"), None, "a human reply");
    assert_eq!(
        m.text(),
        "Hallo José,\n\nit went out again today.\n\n-- \nRosa Example\n\
         Rosa's Bakery & Café <Berlin> · +49 170 1234567\n\n\
         Rosa's Bakery · request TKT-20261124-0001\n"
    );
    assert_eq!(m.text().matches("\n-- \n").count(), 1, "one separator line");
    let html = m.html();
    let body = html.find("it went out again today.").unwrap();
    let sig = html.find("--&nbsp;<br>\nRosa Example<br>\n").unwrap();
    assert!(body < sig, "the signature follows the text");
    assert!(html.contains("Rosa&#39;s Bakery &amp; Café &lt;Berlin&gt; · +49 170 1234567</p>"));
    // The unsigned reply has none of it.
    assert!(!decoded("reply_utf8_attachments")
        .html()
        .contains("--&nbsp;"));
}

#[test]
fn ascii_notification_uses_fallbacks() {
    let m = decoded("notification_ascii");
    assert_eq!(m.header("To"), "help@example.org");
    assert_eq!(m.header("Reply-To"), "Sam Lee <sam@example.com>");
    let text = m.text();
    assert!(text.contains("Received:  Mon 2 Mar 2026, 12:30 (America/New_York)\n"));
    assert!(!text.contains("Phone:") && !text.contains("Page:") && !text.contains("Site:"));
    assert!(
        text.contains("Sent by Deskbell · TKT-20260302-0042"),
        "{text}"
    );
}

// ---- a small MIME reader, independent of lettre ---------------------------------------------

struct Part {
    headers: Vec<(String, String)>,
    body: String,
    parts: Vec<Part>,
}

impl Part {
    fn parse(raw: &str) -> Part {
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                let last = headers.last_mut().expect("continuation after a header");
                last.1.push_str(line);
            } else {
                let (name, value) = line.split_once(':').expect("header line");
                headers.push((name.to_string(), value.trim_start().to_string()));
            }
        }
        let mut part = Part {
            headers,
            body: body.to_string(),
            parts: Vec::new(),
        };
        if part.content_type().starts_with("multipart/") {
            let boundary = part.param("Content-Type", "boundary").expect("boundary");
            let delimiter = format!("--{boundary}");
            let separator = format!("\r\n{delimiter}");
            let mut chunks = body.split(&separator);
            let first = chunks.next().unwrap();
            assert!(
                first.starts_with(&delimiter),
                "body starts with the delimiter"
            );
            let first = &first[delimiter.len() + 2..];
            let mut all = vec![first];
            for chunk in chunks {
                if chunk.starts_with("--") {
                    break;
                }
                all.push(&chunk[2..]);
            }
            part.parts = all.into_iter().map(Part::parse).collect();
        }
        part
    }

    fn raw_header(&self, name: &str) -> Option<&str> {
        let mut found = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        let first = found.next().map(|(_, v)| v.as_str());
        assert!(found.next().is_none(), "header {name} appears twice");
        first
    }

    /// The header's value with encoded-words decoded and a quoted display name unquoted.
    fn header(&self, name: &str) -> String {
        let value = decode_words(
            self.raw_header(name)
                .unwrap_or_else(|| panic!("no {name} header")),
        );
        match value.strip_prefix('"').and_then(|v| v.split_once("\" <")) {
            Some((display, rest)) => format!(
                "{} <{rest}",
                display.replace("\\\"", "\"").replace("\\\\", "\\")
            ),
            None => value,
        }
    }

    fn content_type(&self) -> String {
        self.raw_header("Content-Type")
            .unwrap_or("text/plain")
            .to_ascii_lowercase()
    }

    fn param(&self, header: &str, key: &str) -> Option<String> {
        let value = self.raw_header(header)?;
        let mut plain = None;
        let mut extended = String::new();
        for p in value.split(';').skip(1) {
            let (k, v) = p.trim().split_once('=')?;
            let v = v.trim().trim_matches('"');
            if k == key {
                plain = Some(v.to_string());
            } else if let Some(rest) = k.strip_prefix(key).and_then(|r| r.strip_prefix('*')) {
                // RFC 2231 continuations: key*0*=utf-8''%C3%A9…; key*1*=…; or key*0="…"
                let v = if rest.ends_with('*') {
                    percent_decode(v.split("''").last().unwrap())
                } else {
                    v.to_string()
                };
                extended.push_str(&v);
            }
        }
        plain.or((!extended.is_empty()).then_some(extended))
    }

    fn kinds(&self) -> Vec<String> {
        self.parts
            .iter()
            .map(|p| {
                p.content_type()
                    .split(';')
                    .next()
                    .unwrap()
                    .trim()
                    .to_string()
            })
            .collect()
    }

    fn decoded_body(&self) -> Vec<u8> {
        match self
            .raw_header("Content-Transfer-Encoding")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("quoted-printable") => qp_decode(&self.body),
            Some("base64") => base64_decode(&self.body),
            _ => self.body.as_bytes().to_vec(),
        }
    }

    /// The first inline part of this type, depth first.
    fn find(&self, kind: &str) -> Option<&Part> {
        if self.content_type().starts_with(kind) && self.raw_header("Content-Disposition").is_none()
        {
            return Some(self);
        }
        self.parts.iter().find_map(|p| p.find(kind))
    }

    fn text(&self) -> String {
        let bytes = self
            .find("text/plain")
            .expect("a text/plain part")
            .decoded_body();
        String::from_utf8(bytes).unwrap().replace("\r\n", "\n")
    }

    fn html(&self) -> String {
        let bytes = self
            .find("text/html")
            .expect("a text/html part")
            .decoded_body();
        String::from_utf8(bytes).unwrap().replace("\r\n", "\n")
    }

    fn file_name(&self) -> Option<String> {
        self.param("Content-Disposition", "filename")
    }
}

/// RFC 2047 encoded-words (UTF-8, B or Q); whitespace between adjacent words is dropped.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while !rest.is_empty() {
        let next = rest.find("=?").unwrap_or(rest.len());
        let (before, at) = rest.split_at(next);
        if !(last_was_word && before.trim().is_empty() && !at.is_empty()) {
            out.push_str(before);
        }
        if at.is_empty() {
            break;
        }
        let inner = &at[2..];
        let mut bits = inner.splitn(3, '?');
        let (charset, enc, tail) = (
            bits.next().unwrap(),
            bits.next().unwrap(),
            bits.next().unwrap(),
        );
        let end = tail.find("?=").expect("closed encoded word");
        assert!(charset.eq_ignore_ascii_case("utf-8"), "charset {charset}");
        let text = &tail[..end];
        let bytes = match enc {
            "b" | "B" => base64_decode(text),
            "q" | "Q" => qp_decode(&text.replace('_', " ")),
            other => panic!("encoding {other}"),
        };
        out.push_str(&String::from_utf8(bytes).unwrap());
        rest = &tail[end + 2..];
        last_was_word = true;
    }
    out
}

fn hex_value(b: u8) -> u8 {
    (b as char).to_digit(16).expect("hex digit") as u8
}

fn qp_decode(s: &str) -> Vec<u8> {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            out.push(hex_value(b[i + 1]) * 16 + hex_value(b[i + 2]));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(hex_value(b[i + 1]) * 16 + hex_value(b[i + 2]));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn base64_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c).expect("base64 digit") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
