//! The owner's digest: when new tickets come faster than `[mail] digest_after` in ten
//! minutes, their notifications wait and go out together, one mail every `digest_minutes`
//! listing each ticket (id, visitor, first line). It answers nothing and threads under
//! nothing: its own subject, no `[TKT-…]` tag, no `In-Reply-To`, no Reply-To to a visitor
//! (replying to it writes to the owner). Automatic (`Auto-Submitted: auto-generated`).

use super::headers::{mailbox, message_id, AutoSubmitted, XAutoResponseSuppress};
use super::html::{escape, fill, LAYOUT};
use super::mime::body;
use super::text::{clean_line, excerpt, local_time};
use super::{ComposeError, Party};
use chrono::{DateTime, Utc};

/// One new ticket in a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestEntry {
    pub ticket_id: String,
    pub visitor: String,
    pub issue: String,
    pub created_at: DateTime<Utc>,
}

/// What a digest needs.
#[derive(Debug, Clone)]
pub struct Digest<'a> {
    pub owner: Party,
    /// Without angle brackets.
    pub message_id: &'a str,
    pub date: DateTime<Utc>,
    pub tz: chrono_tz::Tz,
    /// Oldest first; never empty (an empty digest is not sent).
    pub entries: &'a [DigestEntry],
}

/// `12 new support tickets (09:00–09:10)`: the count first, for the owner scanning a phone.
pub fn digest_subject(d: &Digest) -> String {
    let n = d.entries.len();
    let noun = if n == 1 { "ticket" } else { "tickets" };
    let span = match (d.entries.first(), d.entries.last()) {
        (Some(a), Some(b)) => {
            let from = a
                .created_at
                .with_timezone(&d.tz)
                .format("%H:%M")
                .to_string();
            let to = b
                .created_at
                .with_timezone(&d.tz)
                .format("%H:%M")
                .to_string();
            if from == to {
                format!(" ({from})")
            } else {
                format!(" ({from}\u{2013}{to})")
            }
        }
        _ => String::new(),
    };
    format!("{n} new support {noun}{span}")
}

/// The digest message, ready for SMTP.
pub fn owner_digest(d: &Digest) -> Result<Vec<u8>, ComposeError> {
    let n = d.entries.len();
    let subject = digest_subject(d);
    let mut text = format!(
        "{n} new support {} arrived while they were coming fast, so they are listed here \
         together instead of one mail each. Each one is in Deskbell; answer it from the \
         window (or with `deskbell reply TKT-…`).\n\n",
        if n == 1 { "ticket" } else { "tickets" }
    );
    let mut rows = String::new();
    for e in d.entries {
        let visitor = clean_line(&e.visitor);
        let line = excerpt(&e.issue, 90);
        let at = local_time(e.created_at, d.tz);
        text.push_str(&format!("{}  {visitor}: {line}\n    {at}\n", e.ticket_id));
        rows.push_str(&format!(
            "<tr><td style=\"padding:8px 10px 8px 0;vertical-align:top;white-space:nowrap;\
             font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;\
             color:#3730a3;\">{}</td><td style=\"padding:8px 0;vertical-align:top;\">\
             <strong>{}</strong><br><span style=\"color:#374151;\">{}</span><br>\
             <span style=\"font-size:12px;color:#6b7280;\">{}</span></td></tr>\n",
            escape(&e.ticket_id),
            escape(&visitor),
            escape(&line),
            escape(&at)
        ));
    }
    text.push_str("\n-- \nDeskbell digest: new tickets while notifications came fast.\n");
    let content = format!(
        "<h1 style=\"margin:0 0 12px 0;font-size:21px;line-height:28px;font-weight:700;\
         color:#111827;\">{}</h1>\n<p style=\"margin:0 0 16px 0;\">They arrived while \
         tickets were coming fast, so they are listed here together instead of one mail each. \
         Each one is in Deskbell; answer it from the window.</p>\n<table role=\"presentation\" \
         width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" \
         style=\"border-top:1px solid #e5e7eb;\">\n{rows}</table>",
        escape(&subject)
    );
    let html = fill(
        LAYOUT,
        &[
            ("title", &escape(&subject)),
            ("preheader", &escape(&subject)),
            ("brand", "Deskbell"),
            ("badge", ""),
            ("content", &content),
            (
                "footer",
                "Deskbell digest: new tickets while notifications came fast",
            ),
        ],
    );
    let owner = mailbox(Some("Deskbell"), &d.owner.email, "owner")?;
    lettre::Message::builder()
        .message_id(Some(format!("<{}>", message_id(d.message_id)?)))
        .date(std::time::SystemTime::from(d.date))
        .from(owner.clone())
        .to(mailbox(d.owner.name.as_deref(), &d.owner.email, "owner")?)
        .subject(subject)
        .header(AutoSubmitted("auto-generated".into()))
        .header(XAutoResponseSuppress("All".into()))
        .multipart(body(d.message_id, &text, &html, &[])?)
        .map(|m| m.formatted())
        .map_err(ComposeError::Build)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u32, at: &str, issue: &str) -> DigestEntry {
        DigestEntry {
            ticket_id: format!("TKT-20261201-{n:04}"),
            visitor: format!("Visitor <b>{n}</b>"),
            issue: issue.into(),
            created_at: at.parse().unwrap(),
        }
    }

    #[test]
    fn every_ticket_is_listed_and_nothing_threads() {
        let entries = [
            entry(
                6,
                "2026-12-01T09:01:00Z",
                "Where is my order?\nIt was due Monday.",
            ),
            entry(7, "2026-12-01T09:04:00Z", "<script>alert(1)</script>"),
            entry(8, "2026-12-01T09:09:30Z", "Gluten-free?"),
        ];
        let d = Digest {
            owner: Party {
                name: Some("Rosa".into()),
                email: "rosa@gmail.com".into(),
            },
            message_id: "digest.abc@gmail.com",
            date: "2026-12-01T09:10:00Z".parse().unwrap(),
            tz: chrono_tz::Europe::Lisbon,
            entries: &entries,
        };
        assert_eq!(
            digest_subject(&d),
            "3 new support tickets (09:01\u{2013}09:09)"
        );
        let raw = String::from_utf8(owner_digest(&d).unwrap()).unwrap();
        let m = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        let text = m.body_text(0).unwrap();
        let html = m.body_html(0).unwrap();
        for e in &entries {
            assert!(text.contains(&e.ticket_id) && html.contains(&e.ticket_id));
        }
        assert!(text.contains("Where is my order?"));
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
        assert!(html.contains("Visitor &lt;b&gt;7&lt;/b&gt;"));
        assert!(
            !raw.contains("[TKT-"),
            "no subject tag: it threads under nothing"
        );
        assert!(m.in_reply_to().is_empty() && m.references().is_empty());
        assert!(m.header("Reply-To").is_none());
        assert_eq!(
            m.header_raw("Auto-Submitted").map(str::trim),
            Some("auto-generated")
        );
        assert_eq!(m.message_id(), Some("digest.abc@gmail.com"));
    }
}
