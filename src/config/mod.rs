//! Configuration: a TOML file (`--config FILE`, else `$XDG_CONFIG_HOME/deskbell/config.toml`),
//! then `DESKBELL_<SECTION>_<KEY>` environment variables on top, then validation. Every error
//! names the key and where it came from (the file or the variable); nothing here panics.
//!
//! Secrets (SMTP/IMAP passwords) may come from here or the environment, but are never printed:
//! [`Config`]'s `Debug` hides them.
//!
//! This file owns [`Config`], its error and the load order; the sections' types live in
//! `sections` and `account`, the variable overlay in `env`, the checks serde cannot express
//! in `validate`, and the XDG locations in `paths`. Writing the file back (the desktop's
//! settings window) is `crate::settings`'s job, not this module's.

mod account;
mod env;
mod paths;
mod sections;
mod validate;

pub use account::{Account, Preset, Security};
pub use paths::{default_config_file, default_data_dir};
pub use sections::{
    Backup, CommitSetting, ForwardedHeader, Intake, Mail, NewTickets, Owner, SaveSent, StoreConfig,
    Tunnel,
};
pub use validate::is_loopback_host;

use crate::domain::OwnerTz;
use serde::Deserialize;
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
    pub tunnel: Tunnel,
    pub backup: Backup,
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
            .field("tunnel", &self.tunnel)
            .field("backup", &self.backup)
            .finish()
    }
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
        let env_keys = env::overlay(&mut table, env, origin)?;
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

    /// Where mail must go to start a ticket (`[mail] support_address`, by default the owner's
    /// plus-address with the tag `support`); `None` without an owner address.
    pub fn support_address(&self) -> Option<String> {
        self.mail.support_address(self.owner.email.as_deref())
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

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
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
}
