//! What a window command may touch, and nothing more: the running core (inbox, config,
//! listener, sync health), the settings file and secret store, the desktop switches (paused
//! notifications, start at login), a core restart, a tray refresh and the program that opens a
//! mail's links.
//!
//! The resident process implements it over the real tray and autostart
//! ([`crate::resident::App`]); tests implement it over a temp data dir and run every command
//! through the real dispatcher with no display (tests/commands.rs).

use crate::running::Running;
use deskbell::secrets::SecretStore;
use deskbell_wire::ApiError;
use std::future::Future;
use std::path::{Path, PathBuf};

pub trait Host: Send + Sync {
    /// The running core.
    fn core(&self) -> &Running;

    /// The settings file the window reads and writes.
    fn settings_file(&self) -> &Path;

    /// Where account passwords live.
    fn secrets(&self) -> &dyn SecretStore;

    fn notifications_paused(&self) -> bool;

    fn set_notifications_paused(&self, paused: bool);

    /// Restarts the core from the saved settings (the new event stream forwarded as before).
    fn restart_core(&self) -> impl Future<Output = Result<(), ApiError>> + Send;

    /// The tray's count and menu are stale (a no-op without a tray).
    fn refresh_tray(&self);

    fn start_at_login(&self) -> bool;

    fn set_start_at_login(&self, enabled: bool) -> Result<(), ApiError>;

    /// Where saved attachments go (the Downloads folder, else home).
    fn downloads_dir(&self) -> Option<PathBuf>;

    /// The program that opens a mail's link in the owner's browser or mail app.
    fn opener(&self) -> crate::opener::Opener;

    /// A ticket list was served (the first one marks the window as interactive).
    fn list_served(&self) {}
}
