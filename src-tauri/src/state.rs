//! What the shell holds while it runs: where its config and data come from (the same places the
//! `deskbell` CLI reads), the running core, and the few desktop-only switches (notifications
//! paused). It owns no business state: tickets, mail and settings live in the core.

use deskbell::secrets::SecretStore;
use deskbell::{Config, Deskbell, Inbox};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once, RwLock};
use std::time::Instant;

/// Where the config and data live, and how the app was launched.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    pub config_file: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    /// Start in the tray without opening the window (start at login).
    pub hidden: bool,
}

impl Launch {
    /// `--config FILE`, `--data-dir DIR`, `--hidden`; the first two fall back to
    /// `DESKBELL_CONFIG` / `DESKBELL_DATA_DIR` like the CLI. Unknown arguments are ignored (a
    /// desktop launcher may add its own).
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let mut launch = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (key, inline) = match arg.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (arg, None),
            };
            match key.as_str() {
                "--config" => launch.config_file = inline.or_else(|| args.next()).map(Into::into),
                "--data-dir" => launch.data_dir = inline.or_else(|| args.next()).map(Into::into),
                "--hidden" => launch.hidden = true,
                _ => {}
            }
        }
        let env_path = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        launch.config_file = launch.config_file.or_else(|| env_path("DESKBELL_CONFIG"));
        launch.data_dir = launch.data_dir.or_else(|| env_path("DESKBELL_DATA_DIR"));
        launch
    }

    /// The config (passwords the file and environment leave out come from `secrets`, as in
    /// the CLI) and the data dir.
    pub fn load(&self, secrets: &dyn SecretStore) -> anyhow::Result<(Config, PathBuf)> {
        let mut config = Config::load(self.config_file.as_deref(), std::env::vars())?;
        deskbell::secrets::fill_secrets(&mut config, secrets);
        Ok((config, self.data_dir()?))
    }

    pub fn data_dir(&self) -> anyhow::Result<PathBuf> {
        use anyhow::Context;
        match &self.data_dir {
            Some(d) => Ok(d.clone()),
            None => deskbell::config::default_data_dir()
                .context("cannot find a data directory: set --data-dir or HOME"),
        }
    }

    /// The file the settings window reads and writes (the one the config came from).
    pub fn config_path(&self) -> anyhow::Result<PathBuf> {
        use anyhow::Context;
        match &self.config_file {
            Some(f) => Ok(f.clone()),
            None => deskbell::config::default_config_file()
                .context("cannot find a config directory: set --config or HOME"),
        }
    }
}

/// What a launch resolved: config, where it lives, data dir, secret store.
pub struct Launched {
    pub config: Config,
    pub config_path: PathBuf,
    pub data_dir: PathBuf,
    pub secrets: Box<dyn SecretStore>,
}

impl Launched {
    pub fn resolve(launch: &Launch) -> anyhow::Result<Self> {
        let data_dir = launch.data_dir()?;
        let secrets = deskbell::secrets::open(&data_dir);
        let (config, data_dir) = launch.load(&*secrets)?;
        Ok(Self {
            config,
            config_path: launch.config_path()?,
            data_dir,
            secrets,
        })
    }
}

/// Managed by Tauri; every command reaches the core through it.
pub struct AppState {
    /// Replaced whole when saved settings restart the core.
    live: RwLock<Live>,
    pub data_dir: PathBuf,
    /// The settings file (`--config` or the default one).
    pub config_path: PathBuf,
    /// Where account passwords live (the OS keychain, else a 0600 file in the data dir).
    pub secrets: Box<dyn SecretStore>,
    /// Taken (and stopped) when the app quits.
    pub core: Mutex<Option<Deskbell>>,
    pub notifications_paused: AtomicBool,
    pub launched_at: Instant,
    /// Logs once when the window first gets its list (the footprint bench's "interactive").
    pub first_list: Once,
}

/// The running core's inbox and listener, and the config it was started with.
#[derive(Clone)]
struct Live {
    inbox: Inbox,
    intake_addr: SocketAddr,
    config: Config,
}

impl Live {
    fn of(core: &Deskbell, config: Config) -> Self {
        Self {
            inbox: core.inbox().clone(),
            intake_addr: core.intake_addr(),
            config,
        }
    }
}

impl AppState {
    pub fn new(core: Deskbell, launch: Launched, launched_at: Instant) -> Self {
        Self {
            live: RwLock::new(Live::of(&core, launch.config)),
            data_dir: launch.data_dir,
            config_path: launch.config_path,
            secrets: launch.secrets,
            core: Mutex::new(Some(core)),
            notifications_paused: AtomicBool::new(false),
            launched_at,
            first_list: Once::new(),
        }
    }

    pub fn paused(&self) -> bool {
        self.notifications_paused.load(Ordering::Relaxed)
    }

    pub fn set_paused(&self, paused: bool) {
        self.notifications_paused.store(paused, Ordering::Relaxed);
    }

    /// Called after a list was served: the first one marks the window as interactive.
    pub fn list_served(&self) {
        self.first_list.call_once(|| {
            let ms = self.launched_at.elapsed().as_millis();
            tracing::info!(ms, "window interactive: first ticket list served");
        });
    }

    /// How the IMAP sync is doing (off once the core has stopped).
    pub fn sync_status(&self) -> crate::dto::SyncStatus {
        use crate::dto::{SyncState as S, SyncStatus};
        use deskbell::mail::imap::sync::SyncState;
        let state = self
            .core
            .lock()
            .ok()
            .and_then(|c| c.as_ref().map(|d| d.sync_state()));
        let (state, message) = match state {
            None | Some(SyncState::Off) => (S::Off, None),
            Some(SyncState::Connecting) => (S::Connecting, None),
            Some(SyncState::Ok) => (S::Ok, None),
            Some(SyncState::Error(m)) => (S::Error, Some(m)),
        };
        SyncStatus { state, message }
    }

    fn live(&self) -> Live {
        match self.live.read() {
            Ok(l) => l.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn inbox(&self) -> Inbox {
        self.live().inbox
    }

    pub fn config(&self) -> Config {
        self.live().config
    }

    pub fn intake_addr(&self) -> SocketAddr {
        self.live().intake_addr
    }

    /// The running core, once: the caller stops it.
    pub fn take_core(&self) -> Option<Deskbell> {
        self.core.lock().ok().and_then(|mut c| c.take())
    }

    /// Makes `core` (started with `config`) the running one.
    pub fn install(&self, core: Deskbell, config: Config) {
        let live = Live::of(&core, config);
        match self.live.write() {
            Ok(mut l) => *l = live,
            Err(poisoned) => *poisoned.into_inner() = live,
        }
        if let Ok(mut c) = self.core.lock() {
            *c = Some(core);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_win_over_the_environment() {
        let env = |k: &str| (k == "DESKBELL_DATA_DIR").then(|| "/env/data".to_string());
        let l = Launch::parse(args(&["--data-dir", "/flag/data", "--hidden"]), env);
        assert_eq!(l.data_dir, Some("/flag/data".into()));
        assert!(l.hidden);
        let l = Launch::parse(args(&["--config=/c.toml"]), env);
        assert_eq!(l.data_dir, Some("/env/data".into()));
        assert_eq!(l.config_file, Some("/c.toml".into()));
        let l = Launch::parse(args(&["--unknown"]), |_| None);
        assert_eq!(l.data_dir, None);
        assert!(!l.hidden);
    }
}
