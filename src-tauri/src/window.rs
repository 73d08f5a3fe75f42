//! The one window, created on demand. Closing it destroys it (webview and all: a WebKit view
//! weighs hundreds of MB) while the app stays in the tray; Open builds it again. A ticket to
//! show goes in the start URL (`index.html?ticket=…`) for a new window, or as the
//! "deskbell:open-ticket" event to a window that is already there.

use crate::dto::OpenTicket;
use tauri::{AppHandle, Emitter, Manager, WebviewUrl, WebviewWindowBuilder};

pub const LABEL: &str = "main";
pub const OPEN_TICKET: &str = "deskbell:open-ticket";

/// Shows the window (creating it if needed), optionally on one ticket.
pub fn open(app: &AppHandle, ticket: Option<&str>) {
    // Only a well-formed id reaches the URL or the page.
    let ticket = ticket.filter(|t| t.parse::<deskbell::domain::TicketId>().is_ok());
    if let Some(w) = app.get_webview_window(LABEL) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        if let Some(t) = ticket {
            let payload = OpenTicket {
                ticket_id: t.to_string(),
            };
            if let Err(e) = w.emit(OPEN_TICKET, payload) {
                tracing::warn!(error = %e, "cannot ask the window to open a ticket");
            }
        }
        return;
    }
    let url = match ticket {
        Some(t) => format!("index.html?ticket={t}"),
        None => "index.html".to_string(),
    };
    let built = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App(url.into()))
        .title("Deskbell")
        .inner_size(1180.0, 760.0)
        .min_inner_size(720.0, 480.0)
        .build();
    match built {
        Ok(w) => {
            let _ = w.set_focus();
        }
        Err(e) => tracing::error!(error = %e, "cannot open the window"),
    }
}
