//! Forwards the core's live events: to the window ("deskbell:event", the payload as the core
//! serialises it, over the window channel), to the tray (count), and to notifications.

use crate::resident::Ctx;
use deskbell::Event;
use deskbell_wire::EVENT;
use tokio::sync::broadcast::{error::RecvError, Receiver};

pub async fn forward(app: Ctx, mut events: Receiver<Event>) {
    loop {
        match events.recv().await {
            Ok(event) => {
                tracing::info!(event = %serde_json::to_string(&event).unwrap_or_default(), "event");
                match serde_json::to_value(&event) {
                    Ok(payload) => app.windows.publish(EVENT, payload),
                    Err(e) => tracing::warn!(error = %e, "cannot encode an event"),
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
