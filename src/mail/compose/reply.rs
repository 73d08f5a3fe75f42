//! The owner's answer to the visitor, with its subject and threading (RFC 5322 §3.6.4
//! `In-Reply-To`/`References`). Human mail, so it carries neither `Auto-Submitted` nor
//! `X-Auto-Response-Suppress`: RFC 3834 marks only automatic mail.
//!
//! The owner's signature (`[owner] signature`) goes below the text after the conventional
//! `-- ` line (RFC 3676 §4.3), in both parts, followed by the request footer; automatic mail
//! never carries it.
//!
//! The threading ids come from foreign mail, so malformed ones are dropped rather than
//! refused: a bad hint must never block the answer. Choosing which ids to thread on belongs
//! to the caller (the outbox).

use super::headers::{
    business, mailbox, message, message_id, reply_to_visitor, sender, ticket_id, visitor_name,
};
use super::html::{escape, fill, html_text, REPLY};
use super::mime::body;
use super::text::{clean_line, clean_text, excerpt};
use super::{AttachmentFile, Common, ComposeError, SUBJECT_EXCERPT};
use crate::domain::TicketId;
use crate::mail::marks;

/// The owner's answer to the visitor. `in_reply_to` and `references` are Message-IDs with or
/// without brackets; malformed ones are dropped (they are threading hints from foreign mail,
/// and must not block the answer). `in_reply_to` is appended to `References` if missing.
/// `signature` (blank: none) goes below the text, after the `-- ` line.
pub fn owner_reply(
    c: &Common,
    text: &str,
    signature: Option<&str>,
    in_reply_to: Option<&str>,
    references: &[String],
    attachments: &[AttachmentFile],
) -> Result<Vec<u8>, ComposeError> {
    let id = ticket_id(c)?;
    let t = c.ticket;
    let reply = clean_text(text);
    if reply.is_empty() && attachments.is_empty() {
        return Err(ComposeError::EmptyReply);
    }
    let business = business(c);
    let from = business
        .as_deref()
        .map(|b| format!("{b} · "))
        .unwrap_or_default();

    let signature = signature.map(own_signature).filter(|s| !s.is_empty());
    let plain = match &signature {
        Some(sig) => format!("{reply}\n\n-- \n{sig}\n\n{from}request {id}\n"),
        None => format!("{reply}\n\n-- \n{from}request {id}\n"),
    };
    let mut paragraphs: String = reply
        .split("\n\n")
        .map(|p| p.trim_matches('\n'))
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p style=\"margin:0 0 16px 0;\">{}</p>\n", html_text(p)))
        .collect();
    if let Some(sig) = &signature {
        paragraphs.push_str(&format!(
            "<p style=\"margin:0 0 16px 0;color:#4b5563;\">--&nbsp;<br>\n{}</p>\n",
            html_text(sig)
        ));
    }
    let footer = format!(
        "{}request {} &middot; reply to this email to answer",
        business
            .as_deref()
            .map(|b| format!("{} &middot; ", escape(b)))
            .unwrap_or_default(),
        escape(&id.to_string())
    );
    let subject = reply_subject(&id, &t.issue);
    let html = fill(
        REPLY,
        &[
            ("title", &escape(&subject)),
            ("paragraphs", &paragraphs),
            ("footer", &footer),
        ],
    );

    let parent = in_reply_to.and_then(|m| message_id(m).ok());
    let mut refs: Vec<String> = Vec::new();
    for r in references.iter().filter_map(|r| message_id(r).ok()) {
        if !refs.contains(&r) {
            refs.push(r);
        }
    }
    if let Some(p) = &parent {
        if !refs.contains(p) {
            refs.push(p.clone());
        }
    }

    let mut m = message(c)?
        .from(sender(c)?)
        .to(mailbox(
            Some(&visitor_name(t)),
            &t.visitor.email,
            "visitor",
        )?)
        .reply_to(reply_to_visitor(c)?)
        .subject(subject);
    if let Some(p) = parent {
        m = m.in_reply_to(format!("<{p}>"));
    }
    if !refs.is_empty() {
        let list: Vec<String> = refs.iter().map(|r| format!("<{r}>")).collect();
        m = m.references(list.join(" "));
    }
    m.multipart(body(c.message_id, &plain, &html, attachments)?)
        .map(|m| m.formatted())
        .map_err(ComposeError::Build)
}

/// The signature as it goes out: cleaned like the text, without a `-- ` line of its own (one
/// is put above it).
fn own_signature(s: &str) -> String {
    let s = clean_text(s);
    let s = s
        .strip_prefix("-- \n")
        .or_else(|| s.strip_prefix("--\n"))
        .unwrap_or(&s);
    s.trim_matches('\n').to_string()
}

/// `Re: <excerpt> [TKT-…]`, never `Re: Re:` and never two tags.
pub fn reply_subject(id: &TicketId, issue: &str) -> String {
    let tag = marks::subject_tag(id);
    let first = issue.lines().map(clean_line).find(|l| !l.is_empty());
    let mut rest = first.unwrap_or_default();
    let lower_tag = tag.to_ascii_lowercase();
    while let Some(i) = rest.to_ascii_lowercase().find(&lower_tag) {
        rest.replace_range(i..i + tag.len(), " ");
    }
    let mut rest = rest.trim();
    while let Some(after) = strip_reply_prefix(rest) {
        rest = after;
    }
    let gist = excerpt(rest, SUBJECT_EXCERPT);
    let gist = if gist.is_empty() {
        "Your request".to_string()
    } else {
        gist
    };
    format!("Re: {gist} {tag}")
}

fn strip_reply_prefix(s: &str) -> Option<&str> {
    let (head, tail) = s.split_once(':')?;
    let head = head.trim().to_ascii_lowercase();
    ["re", "aw", "sv", "antw", "vs"]
        .contains(&head.as_str())
        .then(|| tail.trim_start())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::id;
    use super::*;

    #[test]
    fn the_signature_loses_its_own_separator_and_blank_edges() {
        assert_eq!(
            own_signature("-- \nRosa\r\nRosa's Bakery\n\n"),
            "Rosa\nRosa's Bakery"
        );
        assert_eq!(own_signature("--\nRosa"), "Rosa");
        assert_eq!(own_signature("  \n "), "");
        assert_eq!(own_signature("Rosa -- baker"), "Rosa -- baker");
    }

    #[test]
    fn reply_subject_never_doubles_re_or_the_tag() {
        for issue in [
            "Cake is late",
            "Re: Cake is late",
            "RE: re:  Aw: Cake is late",
            "Re: Cake is late [TKT-20261124-0001]",
            "re: cake is late [tkt-20261124-0001]",
        ] {
            let s = reply_subject(&id(), issue);
            assert!(
                s.starts_with("Re: ") && !s[4..].to_ascii_lowercase().starts_with("re:"),
                "{s}"
            );
            assert_eq!(
                s.matches("TKT-20261124-0001").count() + s.matches("tkt-20261124-0001").count(),
                1,
                "{s}"
            );
            assert!(
                s.to_ascii_lowercase().starts_with("re: cake is late ["),
                "{s}"
            );
        }
        assert_eq!(
            reply_subject(&id(), ""),
            "Re: Your request [TKT-20261124-0001]"
        );
        // Replying to a reply's text keeps one prefix, not "Re: Re:".
        let once = reply_subject(&id(), "Cake");
        assert_eq!(reply_subject(&id(), &once), once);
    }
}
