//! Deskbell core: the domain, the SQLite store, the public intake listener and the use cases
//! ("inbox") that both front ends — the `deskbell` CLI and the Tauri desktop shell — call.
//!
//! This crate deliberately knows nothing of Tauri, GTK or any window: it builds and tests
//! headless. The desktop crate wires it; it never reaches around it.

pub mod app;
pub mod backoff;
pub mod backup;
pub mod clock;
pub mod config;
pub mod domain;
pub mod inbox;
pub mod intake;
pub mod launch;
pub mod logging;
pub mod mail;
pub mod random;
pub mod reach;
pub mod secrets;
pub mod settings;
pub mod store;
pub mod tunnel;

pub use app::{Deskbell, Event};
pub use config::Config;
pub use inbox::Inbox;
