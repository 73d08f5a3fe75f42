//! Canned replies: answers the owner saves once and inserts into the composer. Pure
//! validation and field filling; the `canned_replies` table is `store::canned`.
//!
//! Fields: `{visitor_name}`, `{visitor_first_name}`, `{ticket_id}`, `{business}`, filled by
//! [`fill`] when the reply is inserted for a ticket. `{{` and `}}` write a literal brace, so
//! `{{ticket_id}}` stays `{ticket_id}`; an unknown field (`{order}`) or a stray brace is left
//! as written, for the owner to see in the composer before sending.

use super::validate::{multi_line, single_line, FieldErrors};
use serde::Serialize;

pub const MAX_TITLE: usize = 100;
pub const MAX_BODY: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CannedReply {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub title: String,
    pub body: String,
}

/// A title and body checked and normalised (trimmed, CRLF → LF), or the fields' messages.
pub fn validate(title: &str, body: &str) -> Result<(String, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = single_line(&mut errors, "title", Some(title), true, MAX_TITLE);
    let body = multi_line(&mut errors, "body", Some(body), MAX_BODY);
    match (title, body) {
        (Some(t), Some(b)) if errors.is_empty() => Ok((t, b)),
        _ => Err(errors),
    }
}

/// What a canned reply's fields are filled with, for one ticket.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    pub visitor_name: &'a str,
    pub ticket_id: &'a str,
    /// The business name (else the owner's name); `None` leaves `{business}` as written.
    pub business: Option<&'a str>,
}

/// Said instead of a name the ticket does not have ("Hi {visitor_first_name}," → "Hi there,").
pub const NO_NAME: &str = "there";

/// The visitor's name as a greeting can use it: none, or an address in its place (mail from
/// `ana@example.com` with no display name), is [`NO_NAME`].
fn usable_name(name: &str) -> Option<&str> {
    let name = name.trim();
    (!name.is_empty() && !name.contains('@')).then_some(name)
}

/// `body` with its fields filled (module docs: the fields, `{{`/`}}`, unknown fields).
pub fn fill(body: &str, f: &Fields<'_>) -> String {
    let name = usable_name(f.visitor_name);
    let value = |field: &str| -> Option<String> {
        match field {
            "visitor_name" => Some(name.unwrap_or(NO_NAME).to_string()),
            "visitor_first_name" => Some(
                name.and_then(|n| n.split_whitespace().next())
                    .unwrap_or(NO_NAME)
                    .to_string(),
            ),
            "ticket_id" => Some(f.ticket_id.to_string()),
            "business" => f
                .business
                .map(str::trim)
                .filter(|b| !b.is_empty())
                .map(Into::into),
            _ => None,
        }
    };
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with("{{") || rest.starts_with("}}") {
            out.push_str(&rest[..1]);
            rest = &rest[2..];
            continue;
        }
        if rest.starts_with('{') {
            if let Some(end) = rest.find('}') {
                if let Some(v) = value(&rest[1..end]) {
                    out.push_str(&v);
                    rest = &rest[end + 1..];
                    continue;
                }
            }
        }
        out.push_str(&rest[..1]);
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANA: Fields<'static> = Fields {
        visitor_name: "Ana María López",
        ticket_id: "TKT-20261124-0001",
        business: Some("Rosa's Bakery"),
    };

    #[test]
    fn fills_the_fields() {
        let body =
            "Hi {visitor_first_name},\n{visitor_name} asked about {ticket_id}.\n— {business}";
        assert_eq!(
            fill(body, &ANA),
            "Hi Ana,\nAna María López asked about TKT-20261124-0001.\n— Rosa's Bakery"
        );
        assert_eq!(fill("no fields here", &ANA), "no fields here");
        assert_eq!(
            fill("{ticket_id}{ticket_id}", &ANA),
            "TKT-20261124-0001TKT-20261124-0001"
        );
    }

    #[test]
    fn a_missing_name_is_there_and_a_missing_business_stays_visible() {
        for name in ["", "   ", "ana@example.com"] {
            let f = Fields {
                visitor_name: name,
                business: None,
                ..ANA
            };
            assert_eq!(
                fill(
                    "Hi {visitor_first_name} / {visitor_name}, from {business}",
                    &f
                ),
                "Hi there / there, from {business}",
                "{name:?}"
            );
        }
        let blank = Fields {
            business: Some("  "),
            ..ANA
        };
        assert_eq!(fill("{business}", &blank), "{business}");
    }

    #[test]
    fn unknown_fields_stray_braces_and_escapes_are_kept() {
        assert_eq!(fill("order {order_id} {}", &ANA), "order {order_id} {}");
        assert_eq!(
            fill("{{ticket_id}} is {ticket_id}", &ANA),
            "{ticket_id} is TKT-20261124-0001"
        );
        assert_eq!(fill("a { b } c {ticket_id", &ANA), "a { b } c {ticket_id");
        assert_eq!(fill("{{{ticket_id}}}", &ANA), "{TKT-20261124-0001}");
        assert_eq!(fill("{visitor_first_name}", &ANA), "Ana");
        // Multi-byte text around the fields survives byte slicing.
        assert_eq!(
            fill("¡Hola {visitor_first_name}! 🎂", &ANA),
            "¡Hola Ana! 🎂"
        );
    }

    #[test]
    fn normalises_and_names_the_field() {
        assert_eq!(
            validate(" Shipping ", "Hi,\r\nit ships today.\r\n").unwrap(),
            ("Shipping".to_string(), "Hi,\nit ships today.".to_string())
        );
        let e = validate("", "x").unwrap_err();
        assert_eq!(e["title"], "is required");
        let e = validate("Two\nlines", &"x".repeat(MAX_BODY + 1)).unwrap_err();
        assert!(e["title"].contains("line breaks"), "{e:?}");
        assert!(e["body"].contains("at most"), "{e:?}");
    }
}
