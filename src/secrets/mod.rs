//! Secrets, never in SQLite, the config file or logs.
//! - The install's Message-ID signing key: `install.key` in the data directory (mode 0600).
//! - Account passwords (SMTP, IMAP): a [`SecretStore`] — the OS keychain ([`Keychain`]:
//!   service `deskbell`, user `smtp:<username>` / `imap:<username>`), or, only when no keychain
//!   is available (a headless server, no Secret Service on the session bus), a 0600 file in the
//!   data directory ([`FileStore`]), with a warning. [`fill_secrets`] puts them into a loaded
//!   [`Config`] where the file and the environment left the password empty.

mod file;
mod keychain;
mod password;

pub use file::{FileStore, SECRETS_FILE};
pub use keychain::Keychain;
pub use password::Password;

use crate::config::Config;
use crate::mail::marks::Secret;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot use the OS keychain")]
    Keychain(#[source] keyring::Error),
    #[error("cannot read or write the secrets file {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the secrets file {path} is damaged (expected a JSON object of strings)")]
    Damaged { path: PathBuf },
}

/// Where account passwords live. Keys are [`account_key`]s; values are never logged.
pub trait SecretStore: Send + Sync {
    /// "keychain", "file" … for logs and the settings window.
    fn kind(&self) -> &'static str;
    fn get(&self, key: &str) -> Result<Option<String>, SecretError>;
    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError>;
    /// Deleting what is not there is fine.
    fn delete(&self, key: &str) -> Result<(), SecretError>;
}

/// Which account a password belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum AccountKind {
    Smtp,
    Imap,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Smtp => "smtp",
            Self::Imap => "imap",
        }
    }
}

/// `smtp:rosa@gmail.com`: the keychain's user name for that account's password.
pub fn account_key(kind: AccountKind, username: &str) -> String {
    format!("{}:{}", kind.as_str(), username.trim())
}

/// `DESKBELL_SECRETS=file` skips the keychain (servers, tests); anything else tries it first.
pub const STORE_ENV: &str = "DESKBELL_SECRETS";

/// The keychain when it answers, else the file in `data_dir` (with a warning saying why).
/// May block briefly while the keychain is asked; call it at start-up, not per request.
pub fn open(data_dir: &Path) -> Box<dyn SecretStore> {
    let file_only = std::env::var(STORE_ENV).is_ok_and(|v| v.eq_ignore_ascii_case("file"));
    if !file_only {
        match Keychain::probe() {
            Ok(k) => return Box::new(k),
            Err(e) => tracing::warn!(
                error = %crate::secrets::chain(&e),
                file = %data_dir.join(SECRETS_FILE).display(),
                "no OS keychain: account passwords are kept in a file readable only by you"
            ),
        }
    }
    Box::new(FileStore::new(data_dir))
}

/// The user an account logs in as: its `username`, else the owner's address.
pub fn account_user(config: &Config, kind: AccountKind) -> Option<&str> {
    let account = match kind {
        AccountKind::Smtp => &config.smtp,
        AccountKind::Imap => &config.imap,
    };
    account
        .username
        .as_deref()
        .or(config.owner.email.as_deref())
        .map(str::trim)
        .filter(|u| !u.is_empty())
}

/// Fills the SMTP and IMAP passwords that the config (file and environment) left empty from
/// `store`. A store that fails is logged (never the secret) and the password stays empty.
pub fn fill_secrets(config: &mut Config, store: &dyn SecretStore) {
    for kind in [AccountKind::Smtp, AccountKind::Imap] {
        let Some(user) = account_user(config, kind).map(str::to_string) else {
            continue;
        };
        let account = match kind {
            AccountKind::Smtp => &mut config.smtp,
            AccountKind::Imap => &mut config.imap,
        };
        if account.password.as_ref().is_some_and(|p| !p.is_empty()) {
            continue;
        }
        match store.get(&account_key(kind, &user)) {
            Ok(Some(p)) => account.password = Some(Password::from(p)),
            Ok(None) => {}
            Err(e) => tracing::warn!(
                account = kind.as_str(),
                store = store.kind(),
                error = %chain(&e),
                "cannot read the account password"
            ),
        }
    }
}

/// An error and its causes in one line (for logs; secrets never reach an error).
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

pub const INSTALL_KEY_FILE: &str = "install.key";

/// Loads the signing key, creating it on first use.
pub fn install_secret(data_dir: &Path) -> std::io::Result<Secret> {
    let path = data_dir.join(INSTALL_KEY_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let bytes = hex::decode(text.trim()).ok().filter(|b| b.len() == 32);
        if let Some(b) = bytes {
            let mut key = [0u8; 32];
            key.copy_from_slice(&b);
            return Ok(Secret(key));
        }
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{} is damaged (expected 64 hex digits)", path.display()),
        ));
    }
    std::fs::create_dir_all(data_dir)?;
    let secret = Secret::random(&crate::random::OsRandom);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    match opts.open(&path) {
        Ok(mut f) => {
            f.write_all(hex::encode(secret.0).as_bytes())?;
            f.sync_all()?;
            Ok(secret)
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => install_secret(data_dir),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn created_once_then_reused_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let a = super::install_secret(dir.path()).unwrap();
        let b = super::install_secret(dir.path()).unwrap();
        assert_eq!(a.0, b.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(super::INSTALL_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
