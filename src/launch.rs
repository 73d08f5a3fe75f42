//! Where a Deskbell's config, data and passwords come from, resolved the same way for every
//! front end (the `deskbell` CLI, the resident desktop process, and its core restart after the
//! settings window saved): `--config` / `DESKBELL_CONFIG`, else the XDG default file;
//! `--data-dir` / `DESKBELL_DATA_DIR`, else the XDG data dir; passwords the file and the
//! environment leave empty come from the secret store (the OS keychain, else a 0600 file in
//! the data dir), which is opened only when an account needs one.
//!
//! It does not parse command lines (each program has its own) and never writes anything.

use crate::config::{self, Account, Config, ConfigError};
use crate::secrets::{self, SecretStore};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("cannot find a data directory: set --data-dir or HOME")]
    NoDataDir,
    #[error("cannot find a config directory: set --config or HOME")]
    NoConfigDir,
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// What the command line (or its environment) chose; `None` = the default place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Launch {
    pub config_file: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
}

/// A launch resolved: the config as loaded (passwords filled), and where things live.
pub struct Resolved {
    pub config: Config,
    pub data_dir: PathBuf,
    /// `--config`, if given (else the default file, which may not exist).
    pub config_file: Option<PathBuf>,
    secrets: OnceLock<Box<dyn SecretStore>>,
}

impl Launch {
    /// The data directory this launch uses.
    pub fn data_dir(&self) -> Result<PathBuf, LaunchError> {
        match &self.data_dir {
            Some(d) => Ok(d.clone()),
            None => config::default_data_dir().ok_or(LaunchError::NoDataDir),
        }
    }

    /// Loads the config (`env`: the environment to apply, `std::env::vars()` in a program).
    pub fn resolve(
        &self,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Resolved, LaunchError> {
        let data_dir = self.data_dir()?;
        let resolved = Resolved {
            config: Config::default(),
            data_dir,
            config_file: self.config_file.clone(),
            secrets: OnceLock::new(),
        };
        let config = resolved.load_config(env)?;
        Ok(Resolved { config, ..resolved })
    }
}

impl Resolved {
    /// The file the settings window reads and writes: the one the config came from.
    pub fn settings_file(&self) -> Result<PathBuf, LaunchError> {
        match &self.config_file {
            Some(f) => Ok(f.clone()),
            None => config::default_config_file().ok_or(LaunchError::NoConfigDir),
        }
    }

    /// Where account passwords live, opened on first use.
    pub fn secrets(&self) -> &dyn SecretStore {
        &**self.secrets.get_or_init(|| secrets::open(&self.data_dir))
    }

    /// Reads the config file again (after a save), passwords filled as at launch.
    pub fn load_config(
        &self,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, LaunchError> {
        let mut config = Config::load(self.config_file.as_deref(), env)?;
        // Fetch from the store only when an account is set up and its password is missing:
        // a CLI command on a headless box never wakes a keychain it does not need.
        let wants = |a: &Account| {
            (a.host.is_some() || a.preset.is_some())
                && a.password.as_ref().is_none_or(|p| p.is_empty())
        };
        if wants(&config.smtp) || wants(&config.imap) {
            secrets::fill_secrets(&mut config, self.secrets());
        }
        Ok(config)
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_config_and_data_dir_are_used() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[owner]\nemail = \"rosa@example.com\"\n").unwrap();
        let launch = Launch {
            config_file: Some(file.clone()),
            data_dir: Some(dir.path().join("data")),
        };
        let r = launch.resolve(Vec::new()).unwrap();
        assert_eq!(r.config.owner.email.as_deref(), Some("rosa@example.com"));
        assert_eq!(r.data_dir(), dir.path().join("data"));
        assert_eq!(r.settings_file().unwrap(), file);
        // The environment wins over the file, as everywhere.
        let env = vec![("DESKBELL_OWNER_EMAIL".into(), "ana@example.com".into())];
        let again = r.load_config(env).unwrap();
        assert_eq!(again.owner.email.as_deref(), Some("ana@example.com"));
    }

    #[test]
    fn a_missing_explicit_config_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let launch = Launch {
            config_file: Some(dir.path().join("absent.toml")),
            data_dir: Some(dir.path().to_path_buf()),
        };
        assert!(matches!(
            launch.resolve(Vec::new()),
            Err(LaunchError::Config(_))
        ));
    }
}
