//! Composing outgoing mail: the owner's notification of a new ticket, the visitor's
//! confirmation, and the owner's reply. Each function returns the complete RFC 5322 message
//! (CRLF line endings, 7-bit clean) ready for SMTP.
//!
//! Pure: ids, dates, zones and addresses are inputs; even the MIME boundaries are derived from
//! the Message-ID, so the same inputs always give the same bytes. Sending, queueing, signing
//! Message-IDs and choosing who gets mail belong to the outbox and `marks`.
//!
//! Shape of every message (RFC 5322, RFC 2045–2047, RFC 2231):
//! - `multipart/alternative` with `text/plain` then `text/html`, both UTF-8 and
//!   quoted-printable; with attachments a `multipart/mixed` wraps it (base64 parts, file names
//!   RFC 2231-encoded). Boundaries start with `=_`, which quoted-printable and base64 can
//!   never produce, so no body can contain one.
//! - `Message-ID: <…>` (given), `Date` (given), `From` the owner's address, `MIME-Version`,
//!   and the subject tag `[TKT-…]` from `marks::subject_tag`.
//! - Display names are cleaned (control and bidi characters dropped, whitespace collapsed) and
//!   then RFC 2047-encoded by lettre, so a name holding CRLF can never start a new header.
//!
//! Subjects, chosen for an owner scanning Gmail on a phone:
//! - notification: `New Support Ticket #TKT-20261123-0001: <issue's first line, ≤60 chars>
//!   [TKT-20261123-0001]`. The phrase and number come first because that is what the owner
//!   searches for; the excerpt says what it is about without opening it; the tag sits at the
//!   end, where it stays out of the way but survives the owner's "Re:" when they answer
//!   from Gmail (the visitor then sees this subject, so it holds nothing internal).
//! - confirmation: `We received your request [TKT-…]`.
//! - reply: `Re: <issue's first line, ≤60 chars> [TKT-…]`, with any `Re:`/`Aw:`/`Sv:`
//!   prefixes and an old tag stripped first, so it never reads `Re: Re:`.
//!
//! The notification goes owner → owner with `From: "<visitor> via Deskbell" <owner>` (so
//! mail lists show who asks) and `Reply-To: <visitor>` (so pressing Reply in Gmail answers the
//! visitor). When the owner does that, Gmail quotes the notification to the visitor: it must
//! only ever hold what the visitor sent. Automatic mail carries `Auto-Submitted`
//! (`auto-generated` for the notification, `auto-replied` for the confirmation, RFC 3834) and
//! `X-Auto-Response-Suppress: All`; the owner's reply is human and carries neither.

use crate::domain::{Channel, Ticket, TicketId, TicketIdError};
use crate::mail::marks;
use chrono::{DateTime, Utc};
use lettre::message::header::{
    ContentTransferEncoding, ContentType, Header, HeaderName, HeaderValue,
};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::Address;
use sha2::{Digest, Sha256};

/// An address with an optional display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub name: Option<String>,
    pub email: String,
}

/// What every message about one ticket needs.
#[derive(Debug, Clone)]
pub struct Common<'a> {
    pub ticket: &'a Ticket,
    /// The business owner: `From` on everything we send.
    pub owner: Party,
    /// Shown in greetings and footers; falls back to the owner's name, then address.
    pub business_name: Option<&'a str>,
    /// Without angle brackets.
    pub message_id: &'a str,
    /// The `Date` header.
    pub date: DateTime<Utc>,
    /// The owner's zone, for times shown in bodies.
    pub tz: chrono_tz::Tz,
    /// The owner's plus-address for mail to the visitor (`None`: the owner's address).
    pub reply_to_visitor: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentFile {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("cannot compose mail for this ticket id")]
    TicketId(#[source] TicketIdError),
    #[error("cannot use {address:?} as the {role} address")]
    Address {
        role: &'static str,
        address: String,
        #[source]
        source: lettre::address::AddressError,
    },
    #[error("cannot use {0:?} as a Message-ID: expected left@right without spaces or brackets")]
    MessageId(String),
    #[error("cannot send an empty reply: no text and no attachments")]
    EmptyReply,
    #[error("cannot assemble the message")]
    Build(#[source] lettre::error::Error),
}

impl ComposeError {
    /// Never: the same inputs fail the same way, so retrying cannot help.
    pub fn is_transient(&self) -> bool {
        false
    }
}

const LAYOUT: &str = include_str!("templates/layout.html");
const NOTIFICATION: &str = include_str!("templates/notification.html");
const CONFIRMATION: &str = include_str!("templates/confirmation.html");
const REPLY: &str = include_str!("templates/reply.html");
const ROW: &str = include_str!("templates/row.html");
const ISSUE: &str = include_str!("templates/issue.html");

const PILL: &str = "display:inline-block;padding:2px 10px;border-radius:999px;\
border:1px solid #c7d2fe;background-color:#e0e7ff;color:#3730a3;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,\
monospace;font-size:12px;line-height:18px;font-weight:600;white-space:nowrap;";
const LINK: &str = "color:#4338ca;text-decoration:none;";
const DOT: &str = "display:inline-block;width:10px;height:10px;border-radius:3px;\
background-color:#4f46e5;margin-right:8px;";

/// Turns a cleaned value into its HTML (escaped, maybe linked).
type Markup = fn(&str) -> String;

/// Characters of the issue kept in subjects.
const SUBJECT_EXCERPT: usize = 60;

/// The owner's notification of a new ticket (owner → owner, Reply-To the visitor).
pub fn owner_notification(c: &Common) -> Result<Vec<u8>, ComposeError> {
    let id = ticket_id(c)?;
    let t = c.ticket;
    let visitor = visitor_name(t);
    let issue = clean_text(&t.issue);
    let received = local_time(t.created_at, c.tz);

    let mut rows: Vec<(&str, String, String)> = vec![
        ("Name", visitor.clone(), escape(&visitor)),
        ("Email", t.visitor.email.clone(), mailto(&t.visitor.email)),
    ];
    let optional: [(&str, Option<&str>, Markup); 3] = [
        ("Phone", t.visitor.phone.as_deref(), tel),
        ("Page", t.page_url.as_deref(), link),
        ("Site", t.site.as_deref(), escape),
    ];
    for (label, value, html) in optional {
        let value = value.map(clean_line).unwrap_or_default();
        if !value.is_empty() {
            let markup = html(&value);
            rows.push((label, value, markup));
        }
    }
    rows.push(("Received", received.clone(), escape(&received)));

    let mut text = format!("New support ticket {id} from {visitor}\n\n");
    text += &aligned(rows.iter().map(|(l, v, _)| (*l, v.as_str())));
    text += &format!(
        "\nIssue:\n\n{issue}\n\nReply to this email to answer {visitor} directly.\n\n-- \n\
         Sent by Deskbell{} · {id}\n",
        business(c).map(|b| format!(" for {b}")).unwrap_or_default()
    );

    let rows_html: String = rows
        .iter()
        .map(|(label, _, value)| fill(ROW, &[("label", label), ("value", value)]))
        .collect();
    let via = match (t.channel, t.site.as_deref().map(clean_line)) {
        (Channel::Email, _) => "by email".to_string(),
        (Channel::Web, Some(site)) if !site.is_empty() => format!("on {}", escape(&site)),
        (Channel::Web, _) => "on your website".to_string(),
    };
    let summary = format!("{} asked for help {via}.", strong(&visitor));
    let content = fill(
        NOTIFICATION,
        &[
            ("summary", &summary),
            ("rows", &rows_html),
            ("issue", &issue_box(&issue)),
            ("visitor", &escape(&visitor)),
            ("visitor_email", &mailto(&t.visitor.email)),
        ],
    );
    let brand = format!("<span style=\"{DOT}\"></span>Deskbell");
    let footer = format!(
        "Sent by Deskbell{} &middot; {}",
        business(c)
            .map(|b| format!(" for {}", escape(&b)))
            .unwrap_or_default(),
        escape(&id.to_string())
    );
    let preheader = format!("{visitor} wrote: {}", excerpt(&issue, 140));
    let html = layout(&id, &brand, &preheader, &content, &footer);

    let visitor_box = mailbox(Some(&visitor), &t.visitor.email, "visitor")?;
    let from_name = format!("{visitor} via Deskbell");
    message(c)?
        .from(mailbox(Some(&from_name), &c.owner.email, "owner")?)
        .to(owner_mailbox(c)?)
        .reply_to(visitor_box)
        .subject(notification_subject(&id, &t.issue))
        .header(AutoSubmitted("auto-generated".into()))
        .header(XAutoResponseSuppress("All".into()))
        .multipart(body(c, &text, &html, &[])?)
        .map(|m| m.formatted())
        .map_err(ComposeError::Build)
}

/// The visitor's confirmation that their request arrived (an automatic reply).
pub fn visitor_confirmation(c: &Common) -> Result<Vec<u8>, ComposeError> {
    let id = ticket_id(c)?;
    let t = c.ticket;
    let visitor = visitor_name(t);
    let issue = clean_text(&t.issue);
    let business = business(c);
    let us = business.as_deref().unwrap_or("us");
    let signed = business
        .as_deref()
        .map(|b| format!("{b}\n\n"))
        .unwrap_or_default();

    let quoted: String = issue
        .lines()
        .map(|l| {
            if l.is_empty() {
                ">\n".to_string()
            } else {
                format!("> {l}\n")
            }
        })
        .collect();
    let text = format!(
        "Hi {visitor},\n\nThanks for getting in touch with {us}. Your request has reached us; \
         its reference is {id}.\n\nWhat you wrote:\n\n{quoted}\nWhat happens next:\nWe'll \
         answer you by email. If you want to add anything, just reply to this email: it goes \
         straight to your request.\n\n{signed}-- \nAutomatic confirmation of request {id}.\n"
    );

    let signature = business
        .as_deref()
        .map(|b| format!("<p style=\"margin:20px 0 0 0;\">{}</p>", escape(b)))
        .unwrap_or_default();
    let content = fill(
        CONFIRMATION,
        &[
            ("visitor", &escape(&visitor)),
            ("business", &escape(us)),
            ("badge", &pill(&id)),
            ("issue", &issue_box(&issue)),
            ("signature", &signature),
        ],
    );
    let footer = format!(
        "Automatic confirmation of request {}{}",
        escape(&id.to_string()),
        business
            .as_deref()
            .map(|b| format!(" &middot; {}", escape(b)))
            .unwrap_or_default()
    );
    let preheader = format!("Thanks, {visitor}. Your reference is {id}.");
    let brand = escape(business.as_deref().unwrap_or(""));
    let html = layout(&id, &brand, &preheader, &content, &footer);

    message(c)?
        .from(sender(c)?)
        .to(mailbox(Some(&visitor), &t.visitor.email, "visitor")?)
        .reply_to(reply_to_visitor(c)?)
        .subject(confirmation_subject(&id))
        .header(AutoSubmitted("auto-replied".into()))
        .header(XAutoResponseSuppress("All".into()))
        .multipart(body(c, &text, &html, &[])?)
        .map(|m| m.formatted())
        .map_err(ComposeError::Build)
}

/// The owner's answer to the visitor. `in_reply_to` and `references` are Message-IDs with or
/// without brackets; malformed ones are dropped (they are threading hints from foreign mail,
/// and must not block the answer). `in_reply_to` is appended to `References` if missing.
pub fn owner_reply(
    c: &Common,
    text: &str,
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

    let plain = format!("{reply}\n\n-- \n{from}request {id}\n");
    let paragraphs: String = reply
        .split("\n\n")
        .map(|p| p.trim_matches('\n'))
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p style=\"margin:0 0 16px 0;\">{}</p>\n", html_text(p)))
        .collect();
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
    m.multipart(body(c, &plain, &html, attachments)?)
        .map(|m| m.formatted())
        .map_err(ComposeError::Build)
}

/// `New Support Ticket #TKT-…: <excerpt> [TKT-…]` (the excerpt left out when empty).
pub fn notification_subject(id: &TicketId, issue: &str) -> String {
    let gist = excerpt(issue, SUBJECT_EXCERPT);
    let tag = marks::subject_tag(id);
    if gist.is_empty() {
        format!("New Support Ticket #{id} {tag}")
    } else {
        format!("New Support Ticket #{id}: {gist} {tag}")
    }
}

/// `We received your request [TKT-…]`
pub fn confirmation_subject(id: &TicketId) -> String {
    format!("We received your request {}", marks::subject_tag(id))
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

// ---- headers -------------------------------------------------------------------------------

macro_rules! plain_header {
    ($ty:ident, $name:literal) => {
        #[derive(Debug, Clone)]
        struct $ty(String);
        impl Header for $ty {
            fn name() -> HeaderName {
                HeaderName::new_from_ascii_str($name)
            }
            fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
                Ok(Self(s.to_string()))
            }
            fn display(&self) -> HeaderValue {
                HeaderValue::new(Self::name(), self.0.clone())
            }
        }
    };
}
plain_header!(AutoSubmitted, "Auto-Submitted");
plain_header!(XAutoResponseSuppress, "X-Auto-Response-Suppress");

fn ticket_id(c: &Common) -> Result<TicketId, ComposeError> {
    c.ticket.ticket_id.parse().map_err(ComposeError::TicketId)
}

/// The builder with what every message shares: a checked Message-ID and the Date.
fn message(c: &Common) -> Result<lettre::message::MessageBuilder, ComposeError> {
    Ok(lettre::Message::builder()
        .message_id(Some(format!("<{}>", message_id(c.message_id)?)))
        .date(std::time::SystemTime::from(c.date)))
}

/// A Message-ID without brackets, checked: printable ASCII, no brackets or quotes, one `@`.
fn message_id(raw: &str) -> Result<String, ComposeError> {
    let id = raw.trim();
    let id = id.strip_prefix('<').unwrap_or(id);
    let id = id.strip_suffix('>').unwrap_or(id);
    let ok = id.len() <= 250
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"<>\"\\,;()".contains(&b))
        && matches!(id.split_once('@'), Some((l, r)) if !l.is_empty() && !r.is_empty() && !r.contains('@'));
    ok.then(|| id.to_string())
        .ok_or_else(|| ComposeError::MessageId(raw.to_string()))
}

fn mailbox(name: Option<&str>, email: &str, role: &'static str) -> Result<Mailbox, ComposeError> {
    let address: Address = email
        .trim()
        .parse()
        .map_err(|source| ComposeError::Address {
            role,
            address: email.to_string(),
            source,
        })?;
    let name = name.map(clean_line).filter(|n| !n.is_empty());
    Ok(Mailbox::new(name, address))
}

fn owner_mailbox(c: &Common) -> Result<Mailbox, ComposeError> {
    mailbox(c.owner.name.as_deref(), &c.owner.email, "owner")
}

/// The owner as the visitor sees them: the business name, else the owner's name.
fn sender(c: &Common) -> Result<Mailbox, ComposeError> {
    mailbox(business(c).as_deref(), &c.owner.email, "owner")
}

fn reply_to_visitor(c: &Common) -> Result<Mailbox, ComposeError> {
    let address = c.reply_to_visitor.unwrap_or(&c.owner.email);
    mailbox(business(c).as_deref(), address, "reply-to")
}

/// The business name, else the owner's name; `None` when neither is set.
fn business(c: &Common) -> Option<String> {
    [c.business_name, c.owner.name.as_deref()]
        .into_iter()
        .flatten()
        .map(clean_line)
        .find(|n| !n.is_empty())
}

fn visitor_name(t: &Ticket) -> String {
    let name = clean_line(&t.visitor.name);
    if name.is_empty() {
        t.visitor.email.trim().to_string()
    } else {
        name
    }
}

// ---- bodies --------------------------------------------------------------------------------

/// `alternative(plain, html)`, wrapped in `mixed` with the attachments when there are any.
fn body(
    c: &Common,
    text: &str,
    html: &str,
    attachments: &[AttachmentFile],
) -> Result<MultiPart, ComposeError> {
    // Always QP for text and base64 for files: lettre would pick 7bit for ASCII bytes and
    // leave their bare LFs, and only these two encodings keep the `=_` boundaries unique.
    let qp = |s: &str| {
        Body::new_with_encoding(s.to_string(), ContentTransferEncoding::QuotedPrintable)
            .expect("quoted-printable encodes any text")
    };
    let alternative = MultiPart::alternative()
        .boundary(boundary(c, "alt"))
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(qp(text)),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(qp(html)),
        );
    if attachments.is_empty() {
        return Ok(alternative);
    }
    let mut mixed = MultiPart::mixed()
        .boundary(boundary(c, "mix"))
        .multipart(alternative);
    for a in attachments {
        let content_type = ContentType::parse(a.content_type.trim())
            .unwrap_or_else(|_| ContentType::parse("application/octet-stream").expect("valid"));
        let data = Body::new_with_encoding(a.data.clone(), ContentTransferEncoding::Base64)
            .expect("base64 encodes any bytes");
        mixed = mixed.singlepart(Attachment::new(file_name(&a.name)).body(data, content_type));
    }
    Ok(mixed)
}

/// `=_deskbell_<kind>_<hash of the Message-ID>`: stable, and never found in a QP or base64 body.
fn boundary(c: &Common, kind: &str) -> String {
    let digest = hex::encode(Sha256::digest(c.message_id.trim().as_bytes()));
    format!("=_deskbell_{kind}_{}", &digest[..24])
}

fn file_name(name: &str) -> String {
    let name = clean_line(name).replace(['/', '\\'], "_");
    if name.is_empty() {
        "attachment".to_string()
    } else {
        name
    }
}

fn layout(id: &TicketId, brand: &str, preheader: &str, content: &str, footer: &str) -> String {
    fill(
        LAYOUT,
        &[
            ("title", &escape(&id.to_string())),
            ("preheader", &escape(preheader)),
            ("brand", brand),
            ("badge", &pill(id)),
            ("content", content),
            ("footer", footer),
        ],
    )
}

fn pill(id: &TicketId) -> String {
    format!("<span style=\"{PILL}\">{}</span>", escape(&id.to_string()))
}

fn strong(s: &str) -> String {
    format!("<strong style=\"color:#111827;\">{}</strong>", escape(s))
}

fn issue_box(issue: &str) -> String {
    fill(ISSUE, &[("text", &html_text(issue))])
}

fn mailto(email: &str) -> String {
    let e = escape(email.trim());
    format!("<a href=\"mailto:{e}\" style=\"{LINK}\">{e}</a>")
}

fn tel(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|ch| ch.is_ascii_digit() || *ch == '+')
        .collect();
    if digits.is_empty() {
        return escape(phone);
    }
    format!(
        "<a href=\"tel:{digits}\" style=\"{LINK}\">{}</a>",
        escape(phone)
    )
}

/// A link only for http(s) URLs; anything else (`javascript:`, `data:`) stays text.
fn link(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        let e = escape(url);
        format!("<a href=\"{e}\" style=\"{LINK}\">{e}</a>")
    } else {
        escape(url)
    }
}

/// `Name:     value` lines, the values aligned one column past the longest label.
fn aligned<'a>(rows: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> String {
    let width = rows.clone().map(|(l, _)| l.len() + 1).max().unwrap_or(0) + 2;
    rows.map(|(label, value)| format!("{:<width$}{value}\n", format!("{label}:")))
        .collect()
}

/// Fills `{{slot}}`s in one pass: a value holding `{{…}}` is never expanded again.
fn fill(template: &str, slots: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 2048);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").expect("templates close every slot");
        let key = &after[..end];
        let value = slots.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        debug_assert!(value.is_some(), "template slot {key:?} left unfilled");
        out.push_str(value.unwrap_or_default());
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

// ---- text ----------------------------------------------------------------------------------

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Escaped text with its line breaks kept as `<br>`.
fn html_text(s: &str) -> String {
    s.lines().map(escape).collect::<Vec<_>>().join("<br>\n")
}

/// Characters that must never reach a header or a one-line value: controls and the bidi
/// overrides that can disguise a name.
fn is_unsafe(ch: char) -> bool {
    ch.is_control() || matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// One line: unsafe characters become spaces, whitespace runs collapse, ends trimmed.
fn clean_line(s: &str) -> String {
    s.split(|ch: char| ch.is_whitespace() || is_unsafe(ch))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Multi-line text: LF line ends, unsafe characters dropped (tabs kept), trailing blanks and
/// surrounding empty lines trimmed.
fn clean_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<String> = s
        .lines()
        .map(|l| {
            l.chars()
                .filter(|ch| *ch == '\t' || !is_unsafe(*ch))
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// The first non-empty line, cleaned, cut to `max` characters at a word where possible.
fn excerpt(s: &str, max: usize) -> String {
    let line = s
        .lines()
        .map(clean_line)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max).collect();
    let at_word = match cut.rfind(' ') {
        Some(i) if cut[..i].chars().count() >= max * 2 / 3 => &cut[..i],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        at_word.trim_end_matches([' ', ',', '.', ';', ':', '-'])
    )
}

/// `Tue 24 Nov 2026, 14:05 (Europe/Berlin)`
fn local_time(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    format!(
        "{} ({})",
        at.with_timezone(&tz).format("%a %-d %b %Y, %H:%M"),
        tz.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Priority, Status, Visitor};

    fn ticket(name: &str, issue: &str) -> Ticket {
        let at = "2026-11-24T13:05:00Z".parse().unwrap();
        Ticket {
            ticket_id: "TKT-20261124-0001".into(),
            status: Status::Open,
            priority: Priority::Normal,
            channel: Channel::Web,
            site: None,
            visitor: Visitor {
                name: name.into(),
                email: "eve@example.com".into(),
                phone: None,
            },
            session_id: None,
            issue: issue.into(),
            page_url: None,
            spam: false,
            unread: true,
            tags: Vec::new(),
            created_at: at,
            updated_at: at,
        }
    }

    fn common(t: &Ticket) -> Common<'_> {
        Common {
            ticket: t,
            owner: Party {
                name: Some("Rosa".into()),
                email: "rosa@gmail.com".into(),
            },
            business_name: Some("Rosa's Bakery"),
            message_id: "tkt-20261124-0001.1.abc@deskbell.invalid",
            date: "2026-11-24T13:05:07Z".parse().unwrap(),
            tz: chrono_tz::Europe::Berlin,
            reply_to_visitor: Some("rosa+tkt-20261124-0001@gmail.com"),
        }
    }

    fn id() -> TicketId {
        "TKT-20261124-0001".parse().unwrap()
    }

    /// The header block, unfolded, as `(name, raw value)` pairs.
    fn headers(raw: &[u8]) -> Vec<(String, String)> {
        let text = std::str::from_utf8(raw).unwrap();
        let head = text.split("\r\n\r\n").next().unwrap();
        let mut out: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                out.last_mut().unwrap().1.push_str(line);
            } else {
                let (n, v) = line.split_once(": ").expect("name: value");
                out.push((n.to_string(), v.to_string()));
            }
        }
        out
    }

    fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
        h.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn escape_neutralises_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x&y")</script> it's"#),
            "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt; it&#39;s"
        );
        assert_eq!(escape("José 🎂"), "José 🎂");
        assert_eq!(
            html_text("a <b>\n\nc & d"),
            "a &lt;b&gt;<br>\n<br>\nc &amp; d"
        );
    }

    #[test]
    fn only_http_urls_become_links() {
        assert!(
            link("https://x.example/?a=1&b=2").contains("href=\"https://x.example/?a=1&amp;b=2\"")
        );
        assert_eq!(link("javascript:alert(1)"), "javascript:alert(1)");
        assert!(!link("data:text/html,<b>x</b>").contains("<b>"));
        assert_eq!(tel("+49 (30) 123"), "<a href=\"tel:+4930123\" style=\"color:#4338ca;text-decoration:none;\">+49 (30) 123</a>");
    }

    #[test]
    fn subjects_carry_the_phrase_and_the_tag() {
        assert_eq!(
            notification_subject(&id(), "  My cake\nis late"),
            "New Support Ticket #TKT-20261124-0001: My cake [TKT-20261124-0001]"
        );
        assert_eq!(
            notification_subject(&id(), "\n \n"),
            "New Support Ticket #TKT-20261124-0001 [TKT-20261124-0001]"
        );
        assert_eq!(
            confirmation_subject(&id()),
            "We received your request [TKT-20261124-0001]"
        );
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

    #[test]
    fn excerpts_cut_on_characters_and_words() {
        assert_eq!(excerpt("short", 60), "short");
        let long = "ü".repeat(100);
        assert_eq!(excerpt(&long, 60).chars().count(), 61);
        assert_eq!(
            excerpt(
                "Password reset link expired before I could use it. Can you send one",
                60
            ),
            "Password reset link expired before I could use it. Can you…"
        );
    }

    #[test]
    fn every_template_slot_is_filled() {
        let t = ticket("José", "x");
        for raw in [
            owner_notification(&common(&t)).unwrap(),
            visitor_confirmation(&common(&t)).unwrap(),
            owner_reply(&common(&t), "hi", None, &[], &[]).unwrap(),
        ] {
            let text = String::from_utf8(raw).unwrap();
            assert!(!text.contains("{{") && !text.contains("}}"));
        }
        assert_eq!(fill("a{{x}}b", &[("x", "{{y}}")]), "a{{y}}b");
    }

    #[test]
    fn headers_are_present_per_message_kind() {
        let t = ticket("José Müller", "Cake");
        let c = common(&t);
        let note = headers(&owner_notification(&c).unwrap());
        let conf = headers(&visitor_confirmation(&c).unwrap());
        let reply = headers(
            &owner_reply(
                &c,
                "Hi",
                Some("<v1@mail.example>"),
                &["n1@deskbell.invalid".into()],
                &[],
            )
            .unwrap(),
        );
        for h in [&note, &conf, &reply] {
            for name in [
                "Message-ID",
                "Date",
                "From",
                "To",
                "Reply-To",
                "Subject",
                "MIME-Version",
                "Content-Type",
            ] {
                assert!(header(h, name).is_some(), "missing {name}");
            }
            assert_eq!(
                header(h, "Message-ID"),
                Some("<tkt-20261124-0001.1.abc@deskbell.invalid>")
            );
            assert_eq!(header(h, "Date"), Some("Tue, 24 Nov 2026 13:05:07 +0000"));
            assert!(header(h, "From").unwrap().ends_with("<rosa@gmail.com>"));
            assert!(header(h, "Subject")
                .unwrap()
                .contains("[TKT-20261124-0001]"));
        }
        assert_eq!(header(&note, "Auto-Submitted"), Some("auto-generated"));
        assert!(header(&note, "To").unwrap().ends_with("<rosa@gmail.com>"));
        assert!(header(&note, "Reply-To")
            .unwrap()
            .ends_with("<eve@example.com>"));
        assert_eq!(header(&conf, "Auto-Submitted"), Some("auto-replied"));
        assert_eq!(header(&conf, "X-Auto-Response-Suppress"), Some("All"));
        assert!(header(&conf, "Reply-To")
            .unwrap()
            .ends_with("<rosa+tkt-20261124-0001@gmail.com>"));
        assert_eq!(header(&reply, "Auto-Submitted"), None);
        assert_eq!(header(&reply, "X-Auto-Response-Suppress"), None);
        assert_eq!(header(&reply, "In-Reply-To"), Some("<v1@mail.example>"));
        assert_eq!(
            header(&reply, "References"),
            Some("<n1@deskbell.invalid> <v1@mail.example>")
        );
    }

    #[test]
    fn a_name_with_crlf_cannot_inject_headers() {
        for name in [
            "Eve\r\nBcc: victim@example.com",
            "Eve\nBcc: victim@example.com",
            "Eve\rBcc: victim@example.com",
            "Eve\u{202E}moc.elgoog\u{202C}",
        ] {
            let mut t = ticket(name, "Subject\r\nBcc: x@example.com\r\n\r\nbody");
            t.site = Some("Shop\r\nX-Evil: 1".into());
            let c = common(&t);
            for raw in [
                owner_notification(&c).unwrap(),
                visitor_confirmation(&c).unwrap(),
                owner_reply(&c, "hi", Some("a@b\r\nBcc: y@example.com"), &[], &[]).unwrap(),
            ] {
                let h = headers(&raw);
                assert!(header(&h, "Bcc").is_none(), "{name:?} made a Bcc header");
                assert!(header(&h, "X-Evil").is_none());
                assert!(
                    header(&h, "In-Reply-To").is_none(),
                    "a malformed id is dropped"
                );
                let text = String::from_utf8(raw).unwrap();
                let head = text.split("\r\n\r\n").next().unwrap();
                assert!(
                    !head.contains("\nBcc") && !head.contains("\nX-Evil"),
                    "{head}"
                );
            }
        }
    }

    #[test]
    fn bad_inputs_fail_with_clear_errors() {
        let mut t = ticket("Eve", "x");
        t.ticket_id = "nope".into();
        let e = owner_notification(&common(&t)).unwrap_err();
        assert!(matches!(e, ComposeError::TicketId(_)) && !e.is_transient());
        assert_eq!(e.to_string(), "cannot compose mail for this ticket id");

        let mut t = ticket("Eve", "x");
        t.visitor.email = "eve@example.com\r\nBcc: x@y".into();
        let e = owner_notification(&common(&t)).unwrap_err();
        assert!(
            e.to_string().starts_with("cannot use ")
                && e.to_string().ends_with(" as the visitor address")
        );

        let t = ticket("Eve", "x");
        let mut c = common(&t);
        c.message_id = "no brackets allowed <x@y>";
        assert!(matches!(
            visitor_confirmation(&c),
            Err(ComposeError::MessageId(_))
        ));

        let c = common(&t);
        assert!(matches!(
            owner_reply(&c, " \n ", None, &[], &[]),
            Err(ComposeError::EmptyReply)
        ));
        let file = AttachmentFile {
            name: "a.txt".into(),
            content_type: "text/plain".into(),
            data: b"x".to_vec(),
        };
        assert!(owner_reply(&c, "", None, &[], &[file]).is_ok());
    }

    #[test]
    fn attachments_get_safe_names_and_a_fallback_type() {
        let t = ticket("Eve", "x");
        let files = [AttachmentFile {
            name: "../../etc/pass\r\nwd".into(),
            content_type: "not a type".into(),
            data: vec![0, 159, 146, 150, b'\n'],
        }];
        let raw = owner_reply(&common(&t), "see file", None, &[], &files).unwrap();
        let text = String::from_utf8(raw).unwrap();
        assert!(text.contains("Content-Type: multipart/mixed"));
        assert!(text.contains("filename=\".._.._etc_pass wd\""));
        assert!(text.contains("Content-Type: application/octet-stream"));
        assert!(text.contains("Content-Transfer-Encoding: base64\r\n\r\nAJ+Slgo=\r\n"));
    }

    #[test]
    fn text_parts_keep_line_breaks_and_drop_controls() {
        assert_eq!(clean_text("a\r\nb\rc\u{0}d  \n\n\n"), "a\nb\ncd");
        assert_eq!(clean_line("  José\r\n\tMüller\u{202E} "), "José Müller");
        let rows = [("Name", "José"), ("Received", "now")];
        assert_eq!(
            aligned(rows.into_iter()),
            "Name:      José\nReceived:  now\n"
        );
    }
}
