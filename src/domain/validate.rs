//! Validation of what a visitor submits, shared by the intake listener (and mirrored by the
//! widget). Every rule names the field it applies to so the caller can show the message next
//! to it. Text is normalised (CRLF → LF, trimmed) before it is checked and stored.

use std::collections::BTreeMap;

pub const MAX_NAME: usize = 200;
pub const MAX_EMAIL: usize = 254;
pub const MAX_PHONE: usize = 40;
pub const MAX_ISSUE: usize = 5000;
pub const MAX_URL: usize = 2048;
pub const MAX_SESSION: usize = 128;
pub const MAX_TOKEN: usize = 128;

/// Field name → human message. Ordered so responses are stable.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// A single-line value: trimmed, no control characters at all (they would let a visitor
/// inject headers into the mail we compose from it).
pub fn single_line(
    errors: &mut FieldErrors,
    field: &'static str,
    value: Option<&str>,
    required: bool,
    max: usize,
) -> Option<String> {
    let v = value.map(str::trim).unwrap_or("");
    if v.is_empty() {
        if required {
            errors.insert(field, "is required".into());
        }
        return None;
    }
    if v.chars().count() > max {
        errors.insert(field, format!("must be at most {max} characters"));
        return None;
    }
    if v.chars().any(char::is_control) {
        errors.insert(
            field,
            "must not contain line breaks or control characters".into(),
        );
        return None;
    }
    Some(v.to_string())
}

/// Multi-line free text: CRLF/CR become LF, tabs and newlines allowed, other control
/// characters refused.
pub fn multi_line(
    errors: &mut FieldErrors,
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let v = value
        .unwrap_or("")
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let v = v.trim();
    if v.is_empty() {
        errors.insert(field, "is required".into());
        return None;
    }
    if v.chars().count() > max {
        errors.insert(field, format!("must be at most {max} characters"));
        return None;
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        errors.insert(field, "must not contain control characters".into());
        return None;
    }
    Some(v.to_string())
}

/// A deliberately plain address check: one `@`, a non-empty local part, a dotted domain, no
/// spaces. Deliverability is the mail server's business, not ours.
pub fn is_plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && !s.contains(['<', '>', ',', ';', '"'])
}

pub fn email(errors: &mut FieldErrors, field: &'static str, value: Option<&str>) -> Option<String> {
    let v = single_line(errors, field, value, true, MAX_EMAIL)?;
    if !is_plausible_email(&v) {
        errors.insert(field, "must be a valid email address".into());
        return None;
    }
    Some(v)
}

pub fn phone(errors: &mut FieldErrors, field: &'static str, value: Option<&str>) -> Option<String> {
    let v = single_line(errors, field, value, false, MAX_PHONE)?;
    if !v
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        errors.insert(
            field,
            "may contain only digits, spaces and + - ( ) .".into(),
        );
        return None;
    }
    if !v.chars().any(|c| c.is_ascii_digit()) {
        errors.insert(field, "must contain digits".into());
        return None;
    }
    Some(v)
}

pub fn page_url(
    errors: &mut FieldErrors,
    field: &'static str,
    value: Option<&str>,
) -> Option<String> {
    let v = single_line(errors, field, value, false, MAX_URL)?;
    let lower = v.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        errors.insert(field, "must be an http(s) address".into());
        return None;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["a@b.co", "jane.doe+x@example.com", "ÿ@exämple.de"] {
            assert!(is_plausible_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@b",
            "@b.co",
            "a@.co",
            "a@b.",
            "a b@c.de",
            "a@b..de",
            "a@b.co\r\nBcc: x@y.z",
            "<a@b.co>",
            "a@b.co,c@d.ee",
        ] {
            assert!(!is_plausible_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn single_line_refuses_header_injection_and_length() {
        let mut e = FieldErrors::new();
        assert_eq!(
            single_line(&mut e, "n", Some("Jane\r\nBcc: x"), true, 50),
            None
        );
        assert!(e["n"].contains("line breaks"));
        let mut e = FieldErrors::new();
        assert_eq!(
            single_line(&mut e, "n", Some(&"x".repeat(11)), true, 10),
            None
        );
        assert!(e["n"].contains("at most 10"));
        let mut e = FieldErrors::new();
        assert_eq!(single_line(&mut e, "n", Some("  "), true, 10), None);
        assert_eq!(e["n"], "is required");
        let mut e = FieldErrors::new();
        assert_eq!(single_line(&mut e, "n", None, false, 10), None);
        assert!(e.is_empty());
        assert_eq!(
            single_line(&mut e, "n", Some(" José "), true, 10).as_deref(),
            Some("José")
        );
    }

    #[test]
    fn multi_line_normalises_newlines() {
        let mut e = FieldErrors::new();
        assert_eq!(
            multi_line(&mut e, "issue", Some("  a\r\nb\rc\td \n"), 100).as_deref(),
            Some("a\nb\nc\td")
        );
        assert!(multi_line(&mut e, "issue", Some("a\u{0}b"), 100).is_none());
        assert!(e.contains_key("issue"));
    }

    #[test]
    fn phones() {
        let mut e = FieldErrors::new();
        assert_eq!(
            phone(&mut e, "p", Some("+1 (555) 010-9999")).as_deref(),
            Some("+1 (555) 010-9999")
        );
        assert!(e.is_empty());
        assert!(phone(&mut e, "p", Some("call me")).is_none());
        assert!(phone(&mut FieldErrors::new(), "p", Some("+-")).is_none());
    }

    #[test]
    fn page_urls() {
        let mut e = FieldErrors::new();
        assert!(page_url(&mut e, "u", Some("https://shop.example/contact")).is_some());
        assert!(page_url(&mut e, "u", Some("javascript:alert(1)")).is_none());
        assert_eq!(e["u"], "must be an http(s) address");
    }
}
