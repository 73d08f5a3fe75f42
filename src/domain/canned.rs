//! Canned replies: answers the owner saves once and inserts into the composer. Pure
//! validation; the `canned_replies` table is `store::canned`.

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

#[cfg(test)]
mod tests {
    use super::*;

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
