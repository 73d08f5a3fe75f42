//! Deskbell's resident desktop process (`deskbell-desktop`): the core (`deskbell`), the tray,
//! notifications, start at login, and the window's commands, run for the window process
//! (`deskbell-window`, the src-tauri crate) that it starts on demand. This crate cannot link a
//! web view: its dependency tree has no tauri, wry or WebKit (tests/no_web_view.rs), so
//! Deskbell in the tray costs little more than the core.
//!
//! - [`host`]: what a command may touch; [`commands`]: the window's commands over it, each one
//!   core call; [`dto`]: the view-shaped types they return (the rest are the core's own).
//! - [`resident`]: the process — its [`host::Host`], the core's lifecycle ([`running::Running`]),
//!   and the platform pieces behind one module each: `tray`, `notify`, `autostart`, `window`
//!   (single instance + the window channel), `opener` (a mail's link in the browser). See
//!   docs/architecture.md, "Platforms".
//!   It is the composition root: it wires the others, each of which takes narrow handles, and
//!   none imports it (tests/module_graph.rs keeps the module graph acyclic).
//!
//! Every use case is a core call; nothing here knows SQL, SMTP or IMAP.

mod autostart;
pub mod bindings;
mod coalesce;
pub mod commands;
pub mod dto;
pub mod host;
mod notify;
pub mod opener;
pub mod resident;
pub mod running;
mod tray;
mod window;

pub use host::Host;

/// Logs to stderr; `DESKBELL_LOG` filters (tracing's env-filter syntax), never the mail
/// libraries' protocol traces (see [`deskbell::logging`]).
pub(crate) fn init_logging() {
    deskbell::logging::init("deskbell=info,deskbell_desktop=info,warn");
}
