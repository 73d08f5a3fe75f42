//! A mail server account, `[smtp]` or `[imap]`: host, port, TLS mode, credentials and the
//! `gmail` preset, plus the lenient scalars that let environment variables (always text, see
//! `env`) fill string and port keys.
//!
//! The password is a [`Password`], never printed: `Account`'s `Debug` shows `<hidden>`. Filling in a preset's
//! port and security, and connecting, belong to `mail::smtp` and `mail::imap`; refusing
//! `plain` to a remote host is `validate`'s.

use crate::secrets::Password;
use serde::{Deserialize, Deserializer};
use std::path::PathBuf;

#[derive(Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Account {
    /// `"gmail"` fills in Gmail's host, port and security (explicit keys still win).
    pub preset: Option<Preset>,
    pub host: Option<String>,
    #[serde(deserialize_with = "lenient_port")]
    pub port: Option<u16>,
    pub security: Option<Security>,
    #[serde(deserialize_with = "lenient_string")]
    pub username: Option<String>,
    #[serde(deserialize_with = "lenient_password")]
    pub password: Option<Password>,
    pub ca_file: Option<PathBuf>,
}

impl Account {
    /// The server: `host`, else the preset's (`gmail_host` for Gmail), else none.
    pub fn host_or_preset(&self, gmail_host: &str) -> Option<String> {
        self.host
            .clone()
            .or_else(|| (self.preset == Some(Preset::Gmail)).then(|| gmail_host.to_string()))
    }
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("preset", &self.preset)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Gmail,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (Gmail SMTP 587).
    Starttls,
    /// TLS from the first byte (Gmail SMTP 465, IMAP 993).
    Tls,
    /// No TLS at all: refused unless the host is a loopback address.
    Plain,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    S(String),
    I(i64),
    B(bool),
}

fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Scalar>::deserialize(d)?.map(|s| match s {
        Scalar::S(s) => s,
        Scalar::I(i) => i.to_string(),
        Scalar::B(b) => b.to_string(),
    }))
}

fn lenient_password<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Password>, D::Error> {
    Ok(lenient_string(d)?.map(Password::from))
}

fn lenient_port<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    use serde::de::Error;
    match Option::<Scalar>::deserialize(d)? {
        None => Ok(None),
        Some(Scalar::I(i)) => u16::try_from(i)
            .map(Some)
            .map_err(|_| D::Error::custom(format!("{i} is not a port (1-65535)"))),
        Some(Scalar::S(s)) => s
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("{s:?} is not a port (1-65535)"))),
        Some(Scalar::B(b)) => Err(D::Error::custom(format!("{b} is not a port"))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::env;
    use super::super::Config;

    #[test]
    fn debug_hides_passwords() {
        let c = Config::from_toml("[imap]\npassword = \"hunter2\"\n", "f", env(&[])).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
