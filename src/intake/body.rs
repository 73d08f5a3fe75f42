//! Reading a ticket request: JSON or `application/x-www-form-urlencoded`, into one field map,
//! then validated into a [`NewTicket`]. Every problem is reported against its field name.

use crate::domain::validate::{self, FieldErrors};
use crate::domain::{Channel, NewTicket, Visitor};
use std::collections::HashMap;

/// The honeypot: hidden from humans by the widget, filled by bots.
pub const HONEYPOT: &str = "website";

const FIELDS: &[&str] = &[
    "bot_token",
    "session_id",
    "visitor_name",
    "visitor_email",
    "visitor_phone",
    "issue",
    "page_url",
    HONEYPOT,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Json,
    Form,
}

impl Kind {
    /// From a `Content-Type` header value; `None` for anything else.
    pub fn from_content_type(ct: &str) -> Option<Self> {
        let essence = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/json" => Some(Self::Json),
            "application/x-www-form-urlencoded" => Some(Self::Form),
            _ => None,
        }
    }
}

/// The raw fields of a request, before validation.
#[derive(Debug, Default)]
pub struct Fields {
    values: HashMap<&'static str, String>,
    pub type_errors: FieldErrors,
}

#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the body is not valid JSON: {0}")]
    Json(String),
    #[error("the body must be a JSON object")]
    NotAnObject,
    #[error("the body is not valid form data")]
    Form,
}

impl Fields {
    pub fn parse(kind: Kind, bytes: &[u8]) -> Result<Self, BodyError> {
        let mut out = Fields::default();
        match kind {
            Kind::Json => {
                let v: serde_json::Value =
                    serde_json::from_slice(bytes).map_err(|e| BodyError::Json(e.to_string()))?;
                let serde_json::Value::Object(map) = v else {
                    return Err(BodyError::NotAnObject);
                };
                for name in FIELDS {
                    match map.get(*name) {
                        None | Some(serde_json::Value::Null) => {}
                        Some(serde_json::Value::String(s)) => {
                            out.values.insert(name, s.clone());
                        }
                        Some(_) => {
                            out.type_errors.insert(name, "must be a string".into());
                        }
                    }
                }
            }
            Kind::Form => {
                let pairs: Vec<(String, String)> =
                    serde_urlencoded::from_bytes(bytes).map_err(|_| BodyError::Form)?;
                for (k, v) in pairs {
                    if let Some(name) = FIELDS.iter().find(|f| **f == k) {
                        out.values.insert(name, v);
                    }
                }
            }
        }
        Ok(out)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn bot_token(&self) -> Option<&str> {
        self.get("bot_token")
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= validate::MAX_TOKEN)
    }

    /// Validates everything a visitor typed; `site_id` is the site the token matched.
    pub fn into_ticket(self, site_id: i64) -> Result<NewTicket, FieldErrors> {
        let mut e = self.type_errors.clone();
        let name = validate::single_line(
            &mut e,
            "visitor_name",
            self.get("visitor_name"),
            true,
            validate::MAX_NAME,
        );
        let email = validate::email(&mut e, "visitor_email", self.get("visitor_email"));
        let phone = validate::phone(&mut e, "visitor_phone", self.get("visitor_phone"));
        let issue = validate::multi_line(&mut e, "issue", self.get("issue"), validate::MAX_ISSUE);
        let page_url = validate::page_url(&mut e, "page_url", self.get("page_url"));
        let session_id = validate::single_line(
            &mut e,
            "session_id",
            self.get("session_id"),
            false,
            validate::MAX_SESSION,
        );
        let spam = self.get(HONEYPOT).is_some_and(|v| !v.trim().is_empty());
        match (name, email, issue) {
            (Some(name), Some(email), Some(issue)) if e.is_empty() => Ok(NewTicket {
                site_id: Some(site_id),
                channel: Channel::Web,
                visitor: Visitor { name, email, phone },
                session_id,
                issue,
                page_url,
                spam,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_form_give_the_same_ticket() {
        let json = br#"{"bot_token":"t","visitor_name":"Ana","visitor_email":"ana@example.com","issue":"Hi\r\nthere","visitor_phone":null}"#;
        let form =
            b"bot_token=t&visitor_name=Ana&visitor_email=ana%40example.com&issue=Hi%0D%0Athere";
        let a = Fields::parse(Kind::Json, json)
            .unwrap()
            .into_ticket(1)
            .unwrap();
        let b = Fields::parse(Kind::Form, form)
            .unwrap()
            .into_ticket(1)
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.issue, "Hi\nthere");
        assert!(!a.spam);
    }

    #[test]
    fn every_bad_field_is_named() {
        let json =
            br#"{"visitor_name":"","visitor_email":"nope","issue":"   ","visitor_phone":12}"#;
        let e = Fields::parse(Kind::Json, json)
            .unwrap()
            .into_ticket(1)
            .unwrap_err();
        let names: Vec<_> = e.keys().copied().collect();
        assert_eq!(
            names,
            ["issue", "visitor_email", "visitor_name", "visitor_phone"]
        );
    }

    #[test]
    fn honeypot_marks_spam() {
        let form = b"visitor_name=Bot&visitor_email=b%40b.co&issue=buy&website=http%3A%2F%2Fspam";
        assert!(
            Fields::parse(Kind::Form, form)
                .unwrap()
                .into_ticket(1)
                .unwrap()
                .spam
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(
            Kind::from_content_type("application/json; charset=utf-8"),
            Some(Kind::Json)
        );
        assert_eq!(
            Kind::from_content_type("Application/X-WWW-Form-Urlencoded"),
            Some(Kind::Form)
        );
        assert_eq!(Kind::from_content_type("text/plain"), None);
        assert_eq!(
            Kind::from_content_type("multipart/form-data; boundary=x"),
            None
        );
    }

    #[test]
    fn malformed_bodies_are_errors_not_panics() {
        assert!(Fields::parse(Kind::Json, b"{").is_err());
        assert!(Fields::parse(Kind::Json, b"[1]").is_err());
        assert!(Fields::parse(Kind::Json, &[0xff, 0xfe]).is_err());
        // Whatever form decoding makes of invalid UTF-8, it must not panic.
        let _ = Fields::parse(Kind::Form, &[0xff, b'=', 0xfe, b'&', b'%', b'Z']);
    }
}
