//! Deskbell's desktop shell, in two processes (docs/desktop-api.md, "Two processes"):
//!
//! - `deskbell-desktop` ([`resident`]): the core (`deskbell`), the tray, notifications, start
//!   at login and the window channel. No Tauri, no WebKit: it stays small in the tray.
//! - `deskbell-window` ([`window_process`]): the Tauri window, started on demand; every command
//!   the page invokes runs in the resident process ([`commands`]).
//!
//! Every use case is a core call; nothing here knows SQL, SMTP or IMAP.

mod autostart;
pub mod commands;
pub mod dto;
mod events;
pub mod ipc;
mod notify;
pub mod resident;
mod restart;
mod settings;
pub mod state;
mod tray;
mod window;
pub mod window_process;

/// Logs to stderr; `DESKBELL_LOG` filters (tracing's env-filter syntax).
pub(crate) fn init_logging() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DESKBELL_LOG")
                .unwrap_or_else(|_| "deskbell=info,deskbell_desktop=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
}
