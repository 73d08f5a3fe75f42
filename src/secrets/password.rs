//! [`Password`]: an account password (or any credential typed by the owner) as a type of its
//! own, so that no `{:?}`, `{}` or log field can show it. The only way to the text is
//! [`Password::expose`], called where the credential is handed to a server or a keychain.
//! It deserialises from a plain string (config file, environment, the window's form) and is
//! deliberately not `Serialize`: nothing writes a password out except the secret store.

use serde::Deserialize;
use std::fmt;

#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text, for the one place that needs it (a login, the keychain).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Password {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for Password {
    fn from(text: &str) -> Self {
        Self(text.to_string())
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<hidden>")
    }
}

impl fmt::Display for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<hidden>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_formatting_shows_the_text() {
        let p = Password::new("hunter2-secret");
        for shown in [format!("{p:?}"), format!("{p}"), format!("{:?}", Some(&p))] {
            assert!(!shown.contains("hunter2"), "{shown}");
        }
        assert_eq!(p.expose(), "hunter2-secret");
        let parsed: Password = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(parsed.expose(), "abc");
    }
}
