//! Forwards the core's live events: to the window ("deskbell:event", the payload as the core
//! serialises it), to the tray (count), and to notifications.

use deskbell::Event;
use tauri::{AppHandle, Emitter};
use tokio::sync::broadcast::{error::RecvError, Receiver};

pub const EVENT: &str = "deskbell:event";

pub async fn forward(app: AppHandle, mut events: Receiver<Event>) {
    loop {
        match events.recv().await {
            Ok(event) => {
                tracing::info!(event = %serde_json::to_string(&event).unwrap_or_default(), "event");
                if let Err(e) = app.emit(EVENT, &event) {
                    tracing::warn!(error = %e, "cannot pass an event to the window");
                }
                crate::notify::on_event(&app, &event);
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
