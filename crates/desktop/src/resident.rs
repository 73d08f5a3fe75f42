//! The resident process (`deskbell-desktop`): the core (intake, outbox, IMAP sync), the tray,
//! notifications and the window channel, on one tokio runtime. It links no WebKit and no GTK,
//! so Deskbell in the tray costs little more than the core itself; the window is another
//! process (`deskbell-window`) that this one starts when it is wanted.
//!
//! One resident process per data directory: a second launch finds the first one's lock, asks
//! it over the window channel to show its window, and exits.
//!
//! This module is the composition root: it owns the process's state ([`App`]) and hands each
//! platform module only what it needs — the window channel a [`crate::Host`] and the
//! [`Windows`] handle, notifications the paused switch and that handle, the tray its
//! [`TrayActions`]. Nothing imports this module (tests/module_graph.rs).

use crate::running::Running;
use crate::tray::{TrayActions, TrayCell};
use crate::window::Windows;
use deskbell::launch::{Launch, Resolved};
use deskbell::secrets::SecretStore;
use deskbell::{Event, Inbox};
use deskbell_wire::channel::{self, ToCore};
use deskbell_wire::{ApiError, EVENT};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};
use tokio::sync::broadcast::{error::RecvError, Receiver};
use tokio::sync::Notify;

/// Everything the resident process runs, shared by its tasks; the window's commands reach it
/// as their [`crate::Host`].
pub struct App {
    pub running: Running,
    pub launch: Resolved,
    settings_file: PathBuf,
    paused: AtomicBool,
    pub windows: Windows,
    pub tray: TrayCell,
    /// Notified by the tray's Quit.
    pub quit: Notify,
    launched_at: Instant,
    /// Logs once when the window first gets its list (the footprint bench's "interactive").
    first_list: Once,
}

pub type Ctx = Arc<App>;

impl App {
    pub fn paused(&self) -> bool {
        self.paused.load(Ordering::Relaxed)
    }

    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }
}

impl TrayActions for App {
    fn inbox(&self) -> Inbox {
        self.running.inbox()
    }

    fn paused(&self) -> bool {
        App::paused(self)
    }

    fn set_paused(&self, paused: bool) {
        App::set_paused(self, paused);
    }

    fn open(&self, ticket: Option<&str>) {
        self.windows.open(ticket);
    }

    fn quit(&self) {
        self.quit.notify_one();
    }

    fn tray(&self) -> &TrayCell {
        &self.tray
    }
}

/// Forwards the core's live events: to the window ("deskbell:event", the payload as the core
/// serialises it, over the window channel), to notifications, and to the tray (count).
async fn forward(app: Ctx, mut events: Receiver<Event>) {
    loop {
        match events.recv().await {
            Ok(event) => {
                tracing::info!(event = %serde_json::to_string(&event).unwrap_or_default(), "event");
                match serde_json::to_value(&event) {
                    Ok(payload) => app.windows.publish(EVENT, payload),
                    Err(e) => tracing::warn!(error = %e, "cannot encode an event"),
                }
                let digest_after = app.running.config().mail.digest_after;
                crate::notify::on_event(app.paused(), digest_after, &app.windows, &event);
                crate::tray::refresh_soon(&app);
            }
            // Missed some: the window refreshes on the next event; the tray now.
            Err(RecvError::Lagged(n)) => {
                tracing::warn!(missed = n, "event stream lagged");
                crate::tray::refresh_soon(&app);
            }
            Err(RecvError::Closed) => return,
        }
    }
}

impl crate::Host for Ctx {
    fn core(&self) -> &Running {
        &self.running
    }

    fn settings_file(&self) -> &Path {
        &self.settings_file
    }

    fn secrets(&self) -> &dyn SecretStore {
        self.launch.secrets()
    }

    fn notifications_paused(&self) -> bool {
        self.paused()
    }

    fn set_notifications_paused(&self, paused: bool) {
        self.set_paused(paused);
    }

    async fn restart_core(&self) -> Result<(), ApiError> {
        let config = self
            .launch
            .load_config(std::env::vars())
            .map_err(|e| ApiError::new("config", format!("cannot read the saved settings: {e}")))?;
        let restarted = self.running.restart(config).await?;
        tokio::spawn(forward(self.clone(), restarted.events));
        crate::tray::refresh_soon(self);
        restarted.outcome
    }

    fn refresh_tray(&self) {
        crate::tray::refresh_soon(self);
    }

    fn start_at_login(&self) -> bool {
        crate::autostart::is_enabled(&self.settings_file, self.launch.data_dir())
    }

    fn set_start_at_login(&self, enabled: bool) -> Result<(), ApiError> {
        crate::autostart::set(&self.settings_file, self.launch.data_dir(), enabled)
            .map_err(|e| ApiError::new("autostart", format!("cannot change start at login: {e}")))
    }

    fn downloads_dir(&self) -> Option<PathBuf> {
        dirs::download_dir().or_else(dirs::home_dir)
    }

    fn opener(&self) -> crate::opener::Opener {
        crate::opener::Opener::from_env(|k| std::env::var(k).ok())
    }

    fn list_served(&self) {
        self.first_list.call_once(|| {
            let ms = self.launched_at.elapsed().as_millis();
            tracing::info!(ms, "window interactive: first ticket list served");
        });
    }
}

/// How the program was started: the shared launch (`--config`, `--data-dir`, with the
/// `DESKBELL_*` fallbacks) and `--hidden` (start in the tray; start at login uses it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    pub launch: Launch,
    pub hidden: bool,
}

impl Args {
    /// Unknown arguments are ignored (a desktop launcher may add its own).
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let mut out = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (key, inline) = match arg.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (arg, None),
            };
            let mut value = || inline.clone().or_else(|| args.next()).map(PathBuf::from);
            match key.as_str() {
                "--config" => out.launch.config_file = value(),
                "--data-dir" => out.launch.data_dir = value(),
                "--hidden" => out.hidden = true,
                _ => {}
            }
        }
        let env_path = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let launch = &mut out.launch;
        launch.config_file = launch
            .config_file
            .take()
            .or_else(|| env_path("DESKBELL_CONFIG"));
        launch.data_dir = launch
            .data_dir
            .take()
            .or_else(|| env_path("DESKBELL_DATA_DIR"));
        out
    }
}

/// The lock file that makes a data directory's resident process the only one.
const LOCK: &str = "desktop.lock";

pub fn run() -> ExitCode {
    let launched_at = Instant::now();
    crate::init_logging();
    let args = Args::parse(std::env::args().skip(1), |k| std::env::var(k).ok());
    match main(args, launched_at) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("deskbell: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn main(args: Args, launched_at: Instant) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    let data_dir = args.launch.data_dir()?;
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let lock = std::fs::File::create(data_dir.join(LOCK))
        .with_context(|| format!("cannot create the lock file in {}", data_dir.display()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return runtime.block_on(second_launch(&data_dir));
        }
        Err(std::fs::TryLockError::Error(e)) => {
            tracing::warn!(error = %e, "cannot lock the data directory; carrying on");
        }
    }
    let launch = args.launch.resolve(std::env::vars())?;
    runtime.block_on(serve(launch, args.hidden, launched_at))?;
    drop(lock);
    Ok(ExitCode::SUCCESS)
}

/// Deskbell already runs on this data directory: ask it to show its window.
async fn second_launch(data_dir: &Path) -> anyhow::Result<ExitCode> {
    let socket = data_dir.join(channel::SOCKET);
    // The first one may still be starting (locked, not yet listening).
    for _ in 0..50 {
        if let Ok(mut stream) = tokio::net::UnixStream::connect(&socket).await {
            channel::write(&mut stream, &ToCore::Open { ticket: None }).await?;
            tracing::info!("Deskbell is already running: asked it to show its window");
            return Ok(ExitCode::SUCCESS);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!(
        "Deskbell is already running on {} but does not answer",
        data_dir.display()
    )
}

async fn serve(launch: Resolved, hidden: bool, launched_at: Instant) -> anyhow::Result<()> {
    let settings_file = launch.settings_file()?;
    let (running, events) = Running::start(launch.config.clone(), launch.data_dir()).await?;
    let data = launch.data_dir().display().to_string();
    tracing::info!(intake = %running.intake_addr(), %data, "Deskbell started");
    let (windows, listener) = Windows::bind(launch.data_dir())?;
    let app: Ctx = Arc::new(App {
        running,
        launch,
        settings_file,
        paused: AtomicBool::new(false),
        windows,
        tray: Default::default(),
        quit: Notify::new(),
        launched_at,
        first_list: Once::new(),
    });
    tokio::spawn(crate::window::serve(
        app.clone(),
        app.windows.clone(),
        listener,
    ));
    tokio::spawn(forward(app.clone(), events));
    crate::tray::install(&app).await;
    if !hidden {
        app.windows.open(None);
    }
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = app.quit.notified() => tracing::info!("quit from the tray"),
        _ = term.recv() => tracing::info!("terminated"),
        _ = tokio::signal::ctrl_c() => tracing::info!("interrupted"),
    }
    app.windows.close();
    app.running.stop().await;
    tracing::info!("stopped");
    Ok(())
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
        let a = Args::parse(args(&["--data-dir", "/flag/data", "--hidden"]), env);
        assert_eq!(a.launch.data_dir, Some("/flag/data".into()));
        assert!(a.hidden);
        let a = Args::parse(args(&["--config=/c.toml"]), env);
        assert_eq!(a.launch.data_dir, Some("/env/data".into()));
        assert_eq!(a.launch.config_file, Some("/c.toml".into()));
        let a = Args::parse(args(&["--unknown"]), |_| None);
        assert_eq!(a.launch.data_dir, None);
        assert!(!a.hidden);
    }
}
