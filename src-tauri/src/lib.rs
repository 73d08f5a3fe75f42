//! Deskbell's desktop shell: wires the core (`deskbell`) into Tauri. It owns the window, the
//! tray, notifications and the IPC commands, and nothing else: every use case is a core call.
//! See docs/desktop-api.md for the contract with the window (ui/).

pub mod commands;
pub mod dto;
mod events;
pub mod ipc;
mod notify;
mod restart;
mod settings;
pub mod state;
mod tray;
mod window;
pub mod window_process;

use state::{AppState, Launch, Launched};
use std::process::ExitCode;
use std::time::Instant;
use tauri::{Manager, RunEvent};

pub fn run() -> ExitCode {
    let launched_at = Instant::now();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DESKBELL_LOG")
                .unwrap_or_else(|_| "deskbell=info,deskbell_desktop=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The window's own process (started by the resident one): see window_process.
    if args.iter().any(|a| a == "--window") {
        return match window_process::Args::parse(args) {
            Some(a) => window_process::run(a),
            None => {
                eprintln!("deskbell: error: --window needs --ipc SOCKET");
                ExitCode::FAILURE
            }
        };
    }
    let launch = Launch::parse(args, |k| std::env::var(k).ok());
    let launched = match Launched::resolve(&launch) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("deskbell: error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let app = tauri::Builder::default()
        // First: a second launch only wakes the first one, which shows its window.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            window::open(app, None)
        }))
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--hidden"]),
        ))
        .setup(move |app| {
            let start = deskbell::Deskbell::start(&launched.config, &launched.data_dir);
            let core = tauri::async_runtime::block_on(start)?;
            let data = launched.data_dir.display().to_string();
            tracing::info!(intake = %core.intake_addr(), %data, "Deskbell started");
            let events = core.subscribe();
            let (windows, listener) = window::Windows::bind(&launched.data_dir)?;
            app.manage(AppState::new(core, launched, launched_at));
            app.manage(windows);
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(window::serve(handle.clone(), listener));
            tauri::async_runtime::spawn(events::forward(handle.clone(), events));
            tray::install(&handle);
            tray::refresh_soon(&handle);
            if !launch.hidden {
                window::open(&handle, None);
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("deskbell: error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let code = app.run_return(|app, event| match event {
        // The last window closed: stay in the tray (Quit passes an exit code).
        RunEvent::ExitRequested {
            code: None, api, ..
        } => api.prevent_exit(),
        RunEvent::Exit => {
            if let Some(core) = app.state::<AppState>().take_core() {
                tauri::async_runtime::block_on(core.stop());
                tracing::info!("stopped");
            }
        }
        _ => {}
    });
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
