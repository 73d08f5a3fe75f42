//! An incoming message reduced to what threading and storage need, read with mail-parser.
//! Parsing never panics and never fails: a message we cannot make sense of still yields its
//! raw bytes and whatever headers were readable.

use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

pub use crate::domain::inbound::Parsed;

fn bare(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string()
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![bare(t)],
        HeaderValue::TextList(l) => l.iter().map(|t| bare(t)).collect(),
        _ => Vec::new(),
    }
}

fn addresses(a: Option<&Address<'_>>) -> Vec<(Option<String>, String)> {
    a.map(|a| {
        a.iter()
            .filter_map(|x| {
                let email = x.address()?.trim().to_ascii_lowercase();
                Some((x.name().map(|n| n.trim().to_string()), email))
            })
            .collect()
    })
    .unwrap_or_default()
}

impl Parsed {
    pub fn parse(raw: &[u8]) -> Self {
        let raw_sha256 = hex::encode(Sha256::digest(raw));
        let Some(m) = MessageParser::default().parse(raw) else {
            return Self {
                raw_sha256,
                ..Self::default()
            };
        };
        Self::from_message(&m, raw_sha256)
    }

    fn from_message(m: &Message<'_>, raw_sha256: String) -> Self {
        let mut recipients: Vec<String> = addresses(m.to())
            .into_iter()
            .chain(addresses(m.cc()))
            .map(|(_, e)| e)
            .collect();
        let mut headers = Vec::new();
        for h in m.headers() {
            let name = h.name().to_string();
            let value = match h.value() {
                HeaderValue::Text(t) => t.to_string(),
                HeaderValue::TextList(l) => l.join(", "),
                HeaderValue::Address(a) => a
                    .iter()
                    .filter_map(|x| x.address().map(str::to_string))
                    .collect::<Vec<_>>()
                    .join(", "),
                HeaderValue::ContentType(c) => {
                    format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default())
                }
                _ => String::new(),
            };
            // By name: mail-parser knows Delivered-To (HeaderName::DeliveredTo) but not
            // X-Original-To (HeaderName::Other).
            let lower = name.to_ascii_lowercase();
            if lower == "delivered-to" || lower == "x-original-to" {
                recipients.push(value.trim().trim_matches(['<', '>']).to_ascii_lowercase());
            }
            headers.push((name, value));
        }
        let is_report = m.content_type().is_some_and(|c| {
            c.ctype().eq_ignore_ascii_case("multipart")
                && c.subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        });
        let has_html = m
            .parts
            .iter()
            .any(|p| matches!(p.body, mail_parser::PartType::Html(_)));
        let attachments = m
            .attachments()
            .filter(|a| !a.is_message())
            .map(|a| {
                let ct = a
                    .content_type()
                    .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("octet-stream")))
                    .unwrap_or_else(|| "application/octet-stream".into());
                let name = a.attachment_name().unwrap_or("attachment").to_string();
                (name, ct, a.contents().to_vec())
            })
            .collect();
        Self {
            message_id: m.message_id().map(bare),
            in_reply_to: ids(m.in_reply_to()),
            references: ids(m.references()),
            from: addresses(m.from()).into_iter().next(),
            recipients,
            subject: m.subject().unwrap_or_default().to_string(),
            date: m
                .date()
                .and_then(|d| chrono::DateTime::from_timestamp(d.to_timestamp(), 0)),
            body: m
                .body_text(0)
                .map(|b| b.replace("\r\n", "\n").trim().to_string())
                .unwrap_or_default(),
            html: has_html
                .then(|| m.body_html(0).map(|h| super::sanitize::clean(&h)))
                .flatten(),
            attachments,
            headers,
            is_report,
            raw_sha256,
        }
    }

    /// Keeps attachments, in order, while they fit in `max_bytes` together; returns what was
    /// left out as `name (size)` so the thread can say so.
    pub fn limit_attachments(&mut self, max_bytes: usize) -> Vec<String> {
        let mut used = 0usize;
        let mut dropped = Vec::new();
        self.attachments.retain(|(name, _, data)| {
            if used + data.len() <= max_bytes {
                used += data.len();
                true
            } else {
                dropped.push(format!("{name} ({} MB)", data.len().div_ceil(1024 * 1024)));
                false
            }
        });
        dropped
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn from_email(&self) -> Option<&str> {
        self.from.as_ref().map(|(_, e)| e.as_str())
    }
}
