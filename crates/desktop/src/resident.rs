//! The resident process (`deskbell-desktop`): the core (intake, outbox, IMAP sync), the tray,
//! notifications and the window channel, on one tokio runtime. It links no WebKit and no GTK,
//! so Deskbell in the tray costs little more than the core itself; the window is another
//! process (`deskbell-window`, see window_process) that this one starts when it is wanted.
//!
//! One resident process per data directory: a second launch finds the first one's lock, asks
//! it over the window channel to show its window, and exits.

use crate::ipc::{self, ToCore};
use crate::state::{AppState, Launch, Launched};
use crate::window::Windows;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// Everything the resident process runs, shared by its tasks.
pub struct App {
    pub state: AppState,
    pub windows: Windows,
    pub tray: crate::tray::TrayCell,
    /// Notified by the tray's Quit.
    pub quit: Notify,
}

pub type Ctx = Arc<App>;

/// The lock file that makes a data directory's resident process the only one.
const LOCK: &str = "desktop.lock";

pub fn run() -> ExitCode {
    let launched_at = Instant::now();
    crate::init_logging();
    let launch = Launch::parse(std::env::args().skip(1), |k| std::env::var(k).ok());
    match main(launch, launched_at) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("deskbell: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn main(launch: Launch, launched_at: Instant) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    let data_dir = launch.data_dir()?;
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
    let launched = Launched::resolve(&launch)?;
    runtime.block_on(serve(launch, launched, launched_at))?;
    drop(lock);
    Ok(ExitCode::SUCCESS)
}

/// Deskbell already runs on this data directory: ask it to show its window.
async fn second_launch(data_dir: &Path) -> anyhow::Result<ExitCode> {
    let socket = data_dir.join(ipc::SOCKET);
    // The first one may still be starting (locked, not yet listening).
    for _ in 0..50 {
        if let Ok(mut stream) = tokio::net::UnixStream::connect(&socket).await {
            ipc::write(&mut stream, &ToCore::Open { ticket: None }).await?;
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

async fn serve(launch: Launch, launched: Launched, launched_at: Instant) -> anyhow::Result<()> {
    let core = deskbell::Deskbell::start(&launched.config, &launched.data_dir).await?;
    let data = launched.data_dir.display().to_string();
    tracing::info!(intake = %core.intake_addr(), %data, "Deskbell started");
    let events = core.subscribe();
    let (windows, listener) = Windows::bind(&launched.data_dir)?;
    let app: Ctx = Arc::new(App {
        state: AppState::new(core, launched, launched_at),
        windows,
        tray: Default::default(),
        quit: Notify::new(),
    });
    tokio::spawn(crate::window::serve(app.clone(), listener));
    tokio::spawn(crate::events::forward(app.clone(), events));
    crate::tray::install(&app).await;
    if !launch.hidden {
        crate::window::open(&app, None);
    }
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = app.quit.notified() => tracing::info!("quit from the tray"),
        _ = term.recv() => tracing::info!("terminated"),
        _ = tokio::signal::ctrl_c() => tracing::info!("interrupted"),
    }
    app.windows.close();
    if let Some(core) = app.state.take_core() {
        core.stop().await;
    }
    tracing::info!("stopped");
    Ok(())
}
