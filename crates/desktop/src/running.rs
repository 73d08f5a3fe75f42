//! The running core and its lifecycle: started once at launch, stopped at quit, and restarted
//! in place when the settings window saves (the intake listener, the outbox and the IMAP sync
//! read their config when they start). If the new config cannot start (its port is taken,
//! say), the previous one is started again and the error says so: the owner is never left
//! without a running Deskbell.
//!
//! It owns no business state — tickets, mail and settings live in the core — and knows
//! nothing of windows or trays: whoever restarts it forwards the new event stream.

use deskbell::mail::imap::sync::SyncState;
use deskbell::tunnel::TunnelState;
use deskbell::{Config, Deskbell, Event, Inbox};
use deskbell_wire::ApiError;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};
use tokio::sync::broadcast::Receiver;

pub struct Running {
    /// Replaced whole by a restart.
    live: RwLock<Live>,
    /// Taken (and stopped) by a restart and at quit.
    core: Mutex<Option<Deskbell>>,
    data_dir: PathBuf,
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

/// What a restart left running: its events to forward, and whether the new config took.
pub struct Restarted {
    pub events: Receiver<Event>,
    /// `Err`: the previous config runs again; the message says why.
    pub outcome: Result<(), ApiError>,
}

impl Running {
    /// Starts the core; its live events are returned to be forwarded.
    pub async fn start(
        config: Config,
        data_dir: &Path,
    ) -> Result<(Self, Receiver<Event>), deskbell::app::StartError> {
        let core = Deskbell::start(&config, data_dir).await?;
        let events = core.subscribe();
        let running = Self {
            live: RwLock::new(Live::of(&core, config)),
            core: Mutex::new(Some(core)),
            data_dir: data_dir.to_path_buf(),
        };
        Ok((running, events))
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

    /// The data directory the core runs over (its install key signs the reach probe).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// How the IMAP sync is doing (off once the core has stopped).
    pub fn sync_state(&self) -> SyncState {
        self.core
            .lock()
            .ok()
            .and_then(|c| c.as_ref().map(Deskbell::sync_state))
            .unwrap_or(SyncState::Off)
    }

    /// How the managed tunnel is doing (stopped once the core has stopped).
    pub fn tunnel_state(&self) -> TunnelState {
        self.core
            .lock()
            .ok()
            .and_then(|c| c.as_ref().map(Deskbell::tunnel_state))
            .unwrap_or(TunnelState::Stopped)
    }

    fn take(&self) -> Option<Deskbell> {
        self.core.lock().ok().and_then(|mut c| c.take())
    }

    /// Stops the core (finishing requests in flight); later calls do nothing.
    pub async fn stop(&self) {
        if let Some(core) = self.take() {
            core.stop().await;
        }
    }

    /// Stops the core and starts it with `config`, or again with the previous one.
    pub async fn restart(&self, config: Config) -> Result<Restarted, ApiError> {
        let previous = self.config();
        self.stop().await;
        let (core, config, outcome) = match Deskbell::start(&config, &self.data_dir).await {
            Ok(core) => (core, config, Ok(())),
            Err(e) => {
                let failed = ApiError::new(
                    "restart",
                    format!(
                        "the settings are saved, but Deskbell cannot start with them ({e}); it \
                         keeps running with the previous ones"
                    ),
                );
                match Deskbell::start(&previous, &self.data_dir).await {
                    Ok(core) => (core, previous, Err(failed)),
                    Err(e) => {
                        return Err(ApiError::new(
                            "restart",
                            format!("Deskbell cannot start again ({e}); quit and open it"),
                        ))
                    }
                }
            }
        };
        tracing::info!(intake = %core.intake_addr(), "core restarted with the saved settings");
        let events = core.subscribe();
        let live = Live::of(&core, config);
        match self.live.write() {
            Ok(mut l) => *l = live,
            Err(poisoned) => *poisoned.into_inner() = live,
        }
        if let Ok(mut c) = self.core.lock() {
            *c = Some(core);
        }
        Ok(Restarted { events, outcome })
    }
}
