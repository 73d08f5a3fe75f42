//! The owner's settings as the desktop window edits them: read from and written to the same
//! TOML file [`Config::load`] reads (sections owner, intake, smtp, imap, mail, store). Keys the
//! window does not edit (rates, `ca_file`, most of `[mail]`, `[store]` …) are kept as they were.
//!
//! Passwords never go into the file: they go to a [`SecretStore`]; [`Settings`] only says
//! whether one is stored (`has_password`). A password found in the file (written by hand) is
//! moved into the store on the next save. Desktop-only preferences (notifications) live in
//! `desktop.toml` beside the config file, because the config refuses unknown sections.
//!
//! Only the file is read here, not `DESKBELL_*` variables: saving must not copy the
//! environment into the file.

use crate::config::{Config, NewTickets};
use crate::secrets::{account_key, account_user, AccountKind, Password, SecretError, SecretStore};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

mod save;
mod test;

pub use save::save;
pub use test::test_connection;

pub const DESKTOP_FILE: &str = "desktop.toml";

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid TOML: {message}")]
    Syntax { path: PathBuf, message: String },
    /// The input does not make a valid config; the message names the key.
    #[error("{0}")]
    Invalid(String),
    #[error("cannot store the password")]
    Secret(#[source] SecretError),
}

impl SettingsError {
    /// A stable code for the window (`{code, message}`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid",
            Self::Secret(_) => "secret_store",
            Self::Syntax { .. } => "config_syntax",
            Self::Read { .. } | Self::Write { .. } => "config_io",
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Gmail,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    Starttls,
    Tls,
    Plain,
}

impl Security {
    fn as_str(self) -> &'static str {
        match self {
            Self::Starttls => "starttls",
            Self::Tls => "tls",
            Self::Plain => "plain",
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Owner {
    pub email: String,
    pub name: String,
    pub business: String,
    pub timezone: String,
    /// Put below each reply the owner sends (`[owner] signature`); blank: none.
    pub signature: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSettings {
    pub preset: Option<Preset>,
    pub host: String,
    pub port: Option<u16>,
    pub security: Option<Security>,
    pub username: String,
    /// A password is stored (it is never sent back).
    pub has_password: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInput {
    pub preset: Option<Preset>,
    pub host: String,
    pub port: Option<u16>,
    pub security: Option<Security>,
    pub username: String,
    /// null (`None`) keeps the stored password, "" forgets it, anything else replaces it.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub password: Option<Password>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntakeSettings {
    pub listen: String,
    pub public_url: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NotificationSettings {
    pub enabled: bool,
    pub paused: bool,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            paused: false,
        }
    }
}

/// Which mail becomes a ticket, and the sending budget (`[mail]`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailSettings {
    pub new_tickets: NewTickets,
    /// As set in the file; "" = the default below.
    pub support_address: String,
    pub daily_send_limit: u32,
}

/// What the window shows of [`MailSettings`], with what "" means for the support address.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailView {
    #[serde(flatten)]
    pub settings: MailSettings,
    /// The owner's plus-address with the tag `support` ("" without an owner address).
    pub default_support_address: String,
}

/// What the window shows. No password in it, ever.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub owner: Owner,
    pub smtp: AccountSettings,
    pub imap: AccountSettings,
    pub intake: IntakeSettings,
    pub mail: MailView,
    pub notifications: NotificationSettings,
    /// `false` → the window starts the first-run set-up.
    pub configured: bool,
}

/// What the window sends back.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsInput {
    pub owner: Owner,
    pub smtp: AccountInput,
    pub imap: AccountInput,
    pub intake: IntakeSettings,
    /// Absent: `[mail]` stays as it is.
    #[serde(default)]
    pub mail: Option<MailSettings>,
    pub notifications: NotificationSettings,
}

fn read_text(path: &Path) -> Result<String, SettingsError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(source) => Err(SettingsError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn parse_config(text: &str, path: &Path) -> Result<Config, SettingsError> {
    Config::from_toml(text, &path.display().to_string(), Vec::new())
        .map_err(|e| SettingsError::Invalid(e.to_string()))
}

fn desktop_path(config_path: &Path) -> PathBuf {
    config_path.with_file_name(DESKTOP_FILE)
}

/// The settings in `config_path` (absent file: defaults) and whether passwords are stored.
pub fn load(config_path: &Path, secrets: &dyn SecretStore) -> Result<Settings, SettingsError> {
    let config = parse_config(&read_text(config_path)?, config_path)?;
    let desktop_text = read_text(&desktop_path(config_path))?;
    let notifications = toml::from_str(&desktop_text).unwrap_or_default();
    Ok(view(&config, notifications, secrets))
}

fn view(
    config: &Config,
    notifications: NotificationSettings,
    secrets: &dyn SecretStore,
) -> Settings {
    let account = |kind: AccountKind| {
        let a = match kind {
            AccountKind::Smtp => &config.smtp,
            AccountKind::Imap => &config.imap,
        };
        let in_file = a.password.as_ref().is_some_and(|p| !p.is_empty());
        let stored = account_user(config, kind).is_some_and(|u| {
            secrets
                .get(&account_key(kind, u))
                .inspect_err(|e| tracing::warn!(error = %e, "cannot read the secret store"))
                .ok()
                .flatten()
                .is_some()
        });
        AccountSettings {
            preset: a.preset.map(|_| Preset::Gmail),
            host: a.host.clone().unwrap_or_default(),
            port: a.port,
            security: a.security.map(|s| match s {
                crate::config::Security::Starttls => Security::Starttls,
                crate::config::Security::Tls => Security::Tls,
                crate::config::Security::Plain => Security::Plain,
            }),
            username: a.username.clone().unwrap_or_default(),
            has_password: in_file || stored,
        }
    };
    let smtp = account(AccountKind::Smtp);
    let imap = account(AccountKind::Imap);
    let o = &config.owner;
    let configured =
        o.email.is_some() && (smtp.preset.is_some() || !smtp.host.is_empty()) && smtp.has_password;
    Settings {
        owner: Owner {
            email: o.email.clone().unwrap_or_default(),
            name: o.name.clone().unwrap_or_default(),
            business: o.business.clone().unwrap_or_default(),
            timezone: o.timezone.clone().unwrap_or_default(),
            signature: o.signature.clone().unwrap_or_default(),
        },
        smtp,
        imap,
        intake: IntakeSettings {
            listen: config.intake.listen.clone(),
            public_url: config.intake.public_url.clone().unwrap_or_default(),
        },
        mail: MailView {
            settings: MailSettings {
                new_tickets: config.mail.new_tickets(),
                support_address: config.mail.support_address.clone().unwrap_or_default(),
                daily_send_limit: config.mail.daily_send_limit,
            },
            default_support_address: crate::config::Mail::default()
                .support_address(o.email.as_deref())
                .unwrap_or_default(),
        },
        notifications,
        configured,
    }
}
