//! The owner's settings as the desktop window edits them: read from and written to the same
//! TOML file [`Config::load`] reads (sections owner, intake, smtp, imap, mail, store). Keys the
//! window does not edit (rates, `ca_file`, `[mail]`, `[store]` …) are kept as they were.
//!
//! Passwords never go into the file: they go to a [`SecretStore`]; [`Settings`] only says
//! whether one is stored (`has_password`). A password found in the file (written by hand) is
//! moved into the store on the next save. Desktop-only preferences (notifications) live in
//! `desktop.toml` beside the config file, because the config refuses unknown sections.
//!
//! Only the file is read here, not `DESKBELL_*` variables: saving must not copy the
//! environment into the file.

use crate::config::Config;
use crate::secrets::{account_key, account_user, AccountKind, SecretError, SecretStore};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Gmail,
}

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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Owner {
    pub email: String,
    pub name: String,
    pub business: String,
    pub timezone: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSettings {
    pub preset: Option<Preset>,
    pub host: String,
    pub port: Option<u16>,
    pub security: Option<Security>,
    pub username: String,
    pub has_password: bool,
}

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInput {
    pub preset: Option<Preset>,
    pub host: String,
    pub port: Option<u16>,
    pub security: Option<Security>,
    pub username: String,
    /// `None`: keep the stored password; `Some("")`: forget it; else the new one.
    pub password: Option<String>,
}

impl std::fmt::Debug for AccountInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountInput")
            .field("preset", &self.preset)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntakeSettings {
    pub listen: String,
    pub public_url: String,
}

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

/// What the window shows. No password in it, ever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub owner: Owner,
    pub smtp: AccountSettings,
    pub imap: AccountSettings,
    pub intake: IntakeSettings,
    pub notifications: NotificationSettings,
    /// `false` → the window starts the first-run set-up.
    pub configured: bool,
}

/// What the window sends back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsInput {
    pub owner: Owner,
    pub smtp: AccountInput,
    pub imap: AccountInput,
    pub intake: IntakeSettings,
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
        let in_file = a.password.as_deref().is_some_and(|p| !p.is_empty());
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
        },
        smtp,
        imap,
        intake: IntakeSettings {
            listen: config.intake.listen.clone(),
            public_url: config.intake.public_url.clone().unwrap_or_default(),
        },
        notifications,
        configured,
    }
}

/// Sets `key` to a trimmed string, or removes it when blank.
fn put_str(table: &mut toml::Table, key: &str, value: &str) {
    let v = value.trim();
    if v.is_empty() {
        table.remove(key);
    } else {
        table.insert(key.into(), toml::Value::String(v.into()));
    }
}

fn section<'a>(root: &'a mut toml::Table, name: &str) -> &'a mut toml::Table {
    let slot = root
        .entry(name.to_string())
        .or_insert_with(|| toml::Value::Table(Default::default()));
    if !slot.is_table() {
        *slot = toml::Value::Table(Default::default());
    }
    slot.as_table_mut().expect("made a table above")
}

fn put_account(root: &mut toml::Table, name: &str, a: &AccountInput) {
    let t = section(root, name);
    match a.preset {
        Some(Preset::Gmail) => t.insert("preset".into(), "gmail".into()),
        None => t.remove("preset"),
    };
    put_str(t, "host", &a.host);
    match a.port {
        Some(p) => t.insert("port".into(), toml::Value::Integer(p.into())),
        None => t.remove("port"),
    };
    match a.security {
        Some(s) => t.insert("security".into(), s.as_str().into()),
        None => t.remove("security"),
    };
    put_str(t, "username", &a.username);
    t.remove("password");
}

/// Writes `input` into `config_path` (keeping every key the window does not edit), puts
/// passwords into `secrets`, and returns the settings as now stored. Nothing is written when
/// the input would not load back as a valid config.
pub fn save(
    config_path: &Path,
    input: &SettingsInput,
    secrets: &dyn SecretStore,
) -> Result<Settings, SettingsError> {
    let old_text = read_text(config_path)?;
    let mut root: toml::Table =
        old_text
            .parse()
            .map_err(|e: toml::de::Error| SettingsError::Syntax {
                path: config_path.to_path_buf(),
                message: e.to_string().trim().to_string(),
            })?;
    let old = parse_config(&old_text, config_path).ok();

    let owner = section(&mut root, "owner");
    put_str(owner, "email", &input.owner.email);
    put_str(owner, "name", &input.owner.name);
    put_str(owner, "business", &input.owner.business);
    put_str(owner, "timezone", &input.owner.timezone);
    let intake = section(&mut root, "intake");
    if !input.intake.listen.trim().is_empty() {
        put_str(intake, "listen", &input.intake.listen);
    }
    put_str(intake, "public_url", &input.intake.public_url);
    let url = input.intake.public_url.trim().to_ascii_lowercase();
    if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
        return Err(SettingsError::Invalid(
            "intake.public_url must start with https:// (your tunnel's address)".into(),
        ));
    }
    put_account(&mut root, "smtp", &input.smtp);
    put_account(&mut root, "imap", &input.imap);

    let text = toml::to_string_pretty(&root).expect("a TOML table serialises");
    let new = parse_config(&text, config_path)?;

    for (kind, a) in [
        (AccountKind::Smtp, &input.smtp),
        (AccountKind::Imap, &input.imap),
    ] {
        store_password(kind, a, old.as_ref(), &new, secrets)?;
    }
    write_private(config_path, text.as_bytes())?;
    let desktop = toml::to_string_pretty(&input.notifications).expect("serialises");
    write_private(&desktop_path(config_path), desktop.as_bytes())?;
    Ok(view(&new, input.notifications.clone(), secrets))
}

/// The password of one account after a save: the new one, none, or the one kept — moved to
/// the new username's key if the username changed, or out of the old file if it was there.
fn store_password(
    kind: AccountKind,
    input: &AccountInput,
    old: Option<&Config>,
    new: &Config,
    secrets: &dyn SecretStore,
) -> Result<(), SettingsError> {
    let Some(user) = account_user(new, kind) else {
        return Ok(());
    };
    let key = account_key(kind, user);
    let err = SettingsError::Secret;
    match input.password.as_deref() {
        Some("") => return secrets.delete(&key).map_err(err),
        Some(p) => return secrets.set(&key, p).map_err(err),
        None => {}
    }
    let Some(old) = old else { return Ok(()) };
    let old_account = match kind {
        AccountKind::Smtp => &old.smtp,
        AccountKind::Imap => &old.imap,
    };
    if let Some(p) = old_account.password.as_deref().filter(|p| !p.is_empty()) {
        return secrets.set(&key, p).map_err(err);
    }
    if let Some(old_user) = account_user(old, kind).filter(|u| *u != user) {
        let old_key = account_key(kind, old_user);
        if secrets.get(&key).map_err(err)?.is_none() {
            if let Some(p) = secrets.get(&old_key).map_err(err)? {
                secrets.set(&key, &p).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// Replaces `path` atomically with a file only the user can read.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), SettingsError> {
    use std::io::Write;
    let err = |source| SettingsError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let tmp = path.with_extension("toml.tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(&tmp).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}
