//! Configuration: a TOML file (`--config FILE`, else `$XDG_CONFIG_HOME/deskbell/config.toml`),
//! then `DESKBELL_<SECTION>_<KEY>` environment variables on top, then validation. Every error
//! names the key and where it came from (the file or the variable); nothing here panics.
//!
//! Secrets (SMTP/IMAP passwords) may come from here or the environment, but are never printed:
//! [`Config`]'s `Debug` hides them.

use crate::domain::OwnerTz;
use serde::{Deserialize, Deserializer};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {path} is not valid TOML: {message}")]
    Syntax { path: String, message: String },
    #[error("config key `{key}` in {origin}: {message}")]
    Key {
        key: String,
        origin: String,
        message: String,
    },
}

#[derive(Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub owner: Owner,
    pub intake: Intake,
    pub smtp: Account,
    pub imap: Account,
    pub mail: Mail,
    pub store: StoreConfig,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Owner {
    pub email: Option<String>,
    pub name: Option<String>,
    /// The business name shown to visitors (defaults to the owner's name).
    pub business: Option<String>,
    /// IANA zone name; the system's zone when absent.
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Intake {
    pub listen: String,
    /// The address visitors reach through the tunnel (used in the widget snippet).
    pub public_url: Option<String>,
    /// `false`: the client is the socket peer. `true`: trust `X-Forwarded-For`. A header name
    /// (e.g. `"cf-connecting-ip"`): trust that header. Only turn on behind a tunnel that sets it.
    pub trust_forwarded_header: ForwardedHeader,
    pub client_rate_per_minute: u32,
    pub global_rate_per_second: u32,
    pub max_body_bytes: usize,
}

impl Default for Intake {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:7878".into(),
            public_url: None,
            trust_forwarded_header: ForwardedHeader::default(),
            client_rate_per_minute: 20,
            global_rate_per_second: 50,
            max_body_bytes: 64 * 1024,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum ForwardedHeader {
    Flag(bool),
    Header(String),
}

impl Default for ForwardedHeader {
    fn default() -> Self {
        Self::Flag(false)
    }
}

impl ForwardedHeader {
    /// The header to read the client address from, if any (lower case).
    pub fn header(&self) -> Option<String> {
        match self {
            Self::Flag(false) => None,
            Self::Flag(true) => Some("x-forwarded-for".into()),
            Self::Header(h) if h.trim().is_empty() => None,
            Self::Header(h) => Some(h.trim().to_ascii_lowercase()),
        }
    }
}

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
    #[serde(deserialize_with = "lenient_string")]
    pub password: Option<String>,
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
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Mail {
    pub confirm_visitor: bool,
    pub plus_addressing: bool,
    pub tickets_from_email: bool,
    /// How long a mail that keeps failing transiently is retried before it is given up.
    pub max_age_hours: u32,
    /// After the server refuses the account (password, TLS), sending pauses this long.
    pub account_pause_seconds: u64,
    /// The first retry delay of a transient failure; each retry doubles it (max one hour).
    pub retry_first_seconds: u32,
    /// How far back the first IMAP sync looks for replies to tickets.
    pub first_sync_days: u32,
    /// IDLE is re-issued after this many minutes (servers may end it after 30).
    pub idle_refresh_minutes: u32,
    /// Without IDLE, the mailbox is checked this often.
    pub poll_seconds: u32,
}

impl Default for Mail {
    fn default() -> Self {
        Self {
            confirm_visitor: true,
            plus_addressing: true,
            tickets_from_email: true,
            max_age_hours: 48,
            account_pause_seconds: 900,
            retry_first_seconds: 30,
            first_sync_days: 30,
            idle_refresh_minutes: 25,
            poll_seconds: 60,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// `"group"` (default) or `"naive"` (one transaction per write; for comparison only).
    pub commit: CommitSetting,
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CommitSetting {
    #[default]
    Group,
    Naive,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("owner", &self.owner)
            .field("intake", &self.intake)
            .field("smtp", &self.smtp)
            .field("imap", &self.imap)
            .field("mail", &self.mail)
            .field("store", &self.store)
            .finish()
    }
}

const SECTIONS: &[&str] = &["owner", "intake", "smtp", "imap", "mail", "store"];

/// Where the config file is looked for when `--config` is not given.
pub fn default_config_file() -> Option<PathBuf> {
    xdg_dir("XDG_CONFIG_HOME", ".config").map(|d| d.join("deskbell").join("config.toml"))
}

/// Where data lives when `--data-dir` is not given.
pub fn default_data_dir() -> Option<PathBuf> {
    xdg_dir("XDG_DATA_HOME", ".local/share").map(|d| d.join("deskbell"))
}

fn xdg_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(fallback)))
}

impl Config {
    /// Loads the config: `explicit` must exist; the default file may be absent (defaults).
    /// `env` is the environment to apply (`std::env::vars()` in the binary).
    pub fn load(
        explicit: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let (text, origin) = match explicit {
            Some(p) => (
                std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
                    path: p.to_path_buf(),
                    source,
                })?,
                p.display().to_string(),
            ),
            None => match default_config_file() {
                Some(p) if p.exists() => (
                    std::fs::read_to_string(&p).map_err(|source| ConfigError::Read {
                        path: p.clone(),
                        source,
                    })?,
                    p.display().to_string(),
                ),
                _ => (String::new(), "the built-in defaults".to_string()),
            },
        };
        Self::from_toml(&text, &origin, env)
    }

    pub fn from_toml(
        text: &str,
        origin: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut table: toml::Table =
            text.parse()
                .map_err(|e: toml::de::Error| ConfigError::Syntax {
                    path: origin.to_string(),
                    message: e.to_string().trim().to_string(),
                })?;
        let mut env_keys = Vec::new();
        for (var, raw) in env {
            let Some(rest) = var.strip_prefix("DESKBELL_") else {
                continue;
            };
            let rest = rest.to_ascii_lowercase();
            let Some((section, key)) = rest.split_once('_') else {
                continue;
            };
            if !SECTIONS.contains(&section) {
                continue;
            }
            let slot = table
                .entry(section.to_string())
                .or_insert_with(|| toml::Value::Table(Default::default()));
            let Some(section_table) = slot.as_table_mut() else {
                return Err(ConfigError::Key {
                    key: section.to_string(),
                    origin: origin.to_string(),
                    message: "must be a table".into(),
                });
            };
            section_table.insert(key.to_string(), env_value(&raw));
            env_keys.push((format!("{section}.{key}"), var));
        }
        let config: Config =
            serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
                let key = e.path().to_string();
                let origin = env_keys
                    .iter()
                    .find(|(k, _)| *k == key || key.starts_with(&format!("{k}.")))
                    .map(|(_, var)| format!("environment variable {var}"))
                    .unwrap_or_else(|| origin.to_string());
                ConfigError::Key {
                    key,
                    origin,
                    message: e.into_inner().to_string(),
                }
            })?;
        config.validate(origin, &env_keys)?;
        Ok(config)
    }

    fn validate(&self, origin: &str, env_keys: &[(String, String)]) -> Result<(), ConfigError> {
        let bad = |key: &str, message: String| {
            let origin = env_keys
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, var)| format!("environment variable {var}"))
                .unwrap_or_else(|| origin.to_string());
            ConfigError::Key {
                key: key.to_string(),
                origin,
                message,
            }
        };
        if let Some(tz) = &self.owner.timezone {
            tz.parse::<chrono_tz::Tz>().map_err(|_| {
                bad(
                    "owner.timezone",
                    format!(
                        "unknown time zone {tz:?} (use an IANA name such as \"Europe/Berlin\")"
                    ),
                )
            })?;
        }
        if let Some(email) = &self.owner.email {
            if !crate::domain::validate::is_plausible_email(email) {
                return Err(bad(
                    "owner.email",
                    format!("{email:?} is not an email address"),
                ));
            }
        }
        self.intake.listen.parse::<SocketAddr>().map_err(|_| {
            bad(
                "intake.listen",
                format!(
                    "{:?} is not an address:port such as \"127.0.0.1:7878\"",
                    self.intake.listen
                ),
            )
        })?;
        if self.intake.max_body_bytes < 1024 {
            Err(bad("intake.max_body_bytes", "must be at least 1024".into()))?;
        }
        if self.intake.client_rate_per_minute == 0 || self.intake.global_rate_per_second == 0 {
            Err(bad(
                "intake.client_rate_per_minute",
                "rates must be at least 1".into(),
            ))?;
        }
        if !(1..=28).contains(&self.mail.idle_refresh_minutes) {
            Err(bad(
                "mail.idle_refresh_minutes",
                "must be 1 to 28: servers may end an IDLE after 29 minutes".into(),
            ))?;
        }
        if self.mail.poll_seconds == 0 {
            Err(bad("mail.poll_seconds", "must be at least 1".into()))?;
        }
        for (name, account) in [("smtp", &self.smtp), ("imap", &self.imap)] {
            if account.security == Some(Security::Plain) {
                let host = account.host.as_deref().unwrap_or("");
                if !is_loopback_host(host) {
                    Err(bad(
                        &format!("{name}.security"),
                        format!("\"plain\" sends your password unencrypted; it is allowed only to a loopback host, not {host:?}"),
                    ))?;
                }
            }
        }
        Ok(())
    }

    pub fn listen_addr(&self) -> SocketAddr {
        self.intake
            .listen
            .parse()
            .expect("validated when the config was loaded")
    }

    pub fn owner_tz(&self) -> OwnerTz {
        self.owner
            .timezone
            .as_deref()
            .and_then(|t| t.parse().ok())
            .map(OwnerTz)
            .unwrap_or_else(OwnerTz::system)
    }
}

pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Environment values are text; numbers and booleans become TOML scalars so they fit numeric
/// keys, and string-typed keys accept them back (see `lenient_string`).
fn env_value(raw: &str) -> toml::Value {
    if let Ok(b) = raw.parse::<bool>() {
        return toml::Value::Boolean(b);
    }
    if let Ok(i) = raw.parse::<i64>() {
        return toml::Value::Integer(i);
    }
    toml::Value::String(raw.to_string())
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
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_valid() {
        let c = Config::from_toml("", "t", env(&[])).unwrap();
        assert_eq!(c.intake.listen, "127.0.0.1:7878");
        assert_eq!(c.intake.max_body_bytes, 65536);
    }

    #[test]
    fn environment_overrides_file() {
        let c = Config::from_toml(
            "[intake]\nlisten = \"127.0.0.1:1\"\n",
            "t",
            env(&[
                ("DESKBELL_INTAKE_LISTEN", "127.0.0.1:0"),
                ("DESKBELL_SMTP_PASSWORD", "123456"),
                ("DESKBELL_SMTP_PORT", "587"),
                ("DESKBELL_MAIL_CONFIRM_VISITOR", "false"),
                ("DESKBELL_DATA_DIR", "/ignored"),
            ]),
        )
        .unwrap();
        assert_eq!(c.intake.listen, "127.0.0.1:0");
        assert_eq!(c.smtp.password.as_deref(), Some("123456"));
        assert_eq!(c.smtp.port, Some(587));
        assert!(!c.mail.confirm_visitor);
    }

    #[test]
    fn errors_name_the_key_and_the_origin() {
        let e = Config::from_toml(
            "[intake]\nmax_body_bytes = \"big\"\n",
            "/x/config.toml",
            env(&[]),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("intake.max_body_bytes") && e.contains("/x/config.toml"),
            "{e}"
        );

        let e = Config::from_toml("", "f", env(&[("DESKBELL_INTAKE_LISTEN", "nowhere")]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("intake.listen") && e.contains("DESKBELL_INTAKE_LISTEN"),
            "{e}"
        );

        let e = Config::from_toml("[owner]\ntimezone = \"Mars/Base\"\n", "f", env(&[]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("owner.timezone"), "{e}");

        let e = Config::from_toml("[intake]\nlisten = \n", "/c.toml", env(&[]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("/c.toml") && e.contains("TOML"), "{e}");

        let e = Config::from_toml("[intake]\nlisen = \"x\"\n", "f", env(&[]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("lisen"), "{e}");
    }

    #[test]
    fn plain_is_only_for_loopback() {
        let e = Config::from_toml(
            "[smtp]\nhost = \"smtp.gmail.com\"\nsecurity = \"plain\"\n",
            "f",
            env(&[]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("smtp.security"), "{e}");
        Config::from_toml(
            "[smtp]\nhost = \"127.0.0.1\"\nsecurity = \"plain\"\n",
            "f",
            env(&[]),
        )
        .unwrap();
    }

    #[test]
    fn debug_hides_passwords() {
        let c = Config::from_toml("[imap]\npassword = \"hunter2\"\n", "f", env(&[])).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
