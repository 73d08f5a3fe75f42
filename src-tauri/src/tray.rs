//! The tray icon: the bell (with a dot when tickets wait), the count in the tooltip and menu,
//! and a menu — Open, the newest waiting tickets, Pause notifications, Quit. Where no tray host
//! (StatusNotifierWatcher) exists on the session bus, there is no tray: a log line says so and
//! a second launch of Deskbell opens the window instead.

use crate::state::AppState;
use crate::window;
use deskbell::domain::Status;
use deskbell::store::tickets::Filter;
use tauri::image::Image;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

const ID: &str = "deskbell";
/// How many waiting tickets the menu lists.
const MENU_TICKETS: usize = 5;
const TICKET_PREFIX: &str = "ticket:";

fn icon(waiting: bool) -> Image<'static> {
    let bytes: &[u8] = if waiting {
        include_bytes!("../../icons/tray-waiting.png")
    } else {
        include_bytes!("../../icons/tray.png")
    };
    Image::from_bytes(bytes).expect("the tray PNGs are valid")
}

/// Installs the tray if a tray host is there (or `DESKBELL_TRAY=always`).
pub fn install(app: &AppHandle) {
    let forced = std::env::var("DESKBELL_TRAY").is_ok_and(|v| v == "always");
    if !forced && !host_present() {
        tracing::info!(
            "no tray host (org.kde.StatusNotifierWatcher) on the session bus: running without a \
             tray icon; launch Deskbell again to open its window"
        );
        return;
    }
    let menu = match build_menu(app, &[], 0) {
        Ok(m) => m,
        Err(e) => return tracing::warn!(error = %e, "cannot build the tray menu; no tray icon"),
    };
    let built = TrayIconBuilder::with_id(ID)
        .icon(icon(false))
        .tooltip("Deskbell")
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()))
        .build(app);
    match built {
        Ok(_) => tracing::info!("tray icon installed"),
        Err(e) => tracing::warn!(error = %e, "cannot create the tray icon; running without one"),
    }
}

fn host_present() -> bool {
    let check = || -> zbus::Result<bool> {
        let bus = zbus::blocking::Connection::session()?;
        let dbus = zbus::blocking::fdo::DBusProxy::new(&bus)?;
        let name = zbus::names::BusName::try_from("org.kde.StatusNotifierWatcher")?;
        Ok(dbus.name_has_owner(name)?)
    };
    check().unwrap_or(false)
}

fn on_menu(app: &AppHandle, id: &str) {
    match id {
        "open" => window::open(app, None),
        "pause" => {
            let state = app.state::<AppState>();
            state.set_paused(!state.paused());
            refresh_soon(app);
        }
        "quit" => app.exit(0),
        other => {
            if let Some(ticket) = other.strip_prefix(TICKET_PREFIX) {
                window::open(app, Some(ticket));
            }
        }
    }
}

/// Recomputes the count, icon and menu in the background.
pub fn refresh_soon(app: &AppHandle) {
    if app.tray_by_id(ID).is_none() {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(e) = refresh(&app).await {
            tracing::warn!(error = %e, "cannot update the tray");
        }
    });
}

async fn refresh(app: &AppHandle) -> anyhow::Result<()> {
    let Some(tray) = app.tray_by_id(ID) else {
        return Ok(());
    };
    let inbox = app.state::<AppState>().inbox();
    let filter = Filter {
        status: Some(Status::Open),
        include_spam: false,
        limit: None,
    };
    let waiting = inbox.tickets(filter).await?;
    let newest: Vec<(String, String)> = waiting
        .iter()
        .take(MENU_TICKETS)
        .map(|t| {
            (
                t.ticket_id.clone(),
                format!("{} — {}", t.visitor.name, t.issue),
            )
        })
        .collect();
    let menu = build_menu(app, &newest, waiting.len())?;
    tray.set_menu(Some(menu))?;
    tray.set_icon(Some(icon(!waiting.is_empty())))?;
    tray.set_tooltip(Some(&tooltip(waiting.len())))?;
    Ok(())
}

pub fn tooltip(waiting: usize) -> String {
    match waiting {
        0 => "Deskbell — nothing waiting".to_string(),
        1 => "Deskbell — 1 ticket waiting".to_string(),
        n => format!("Deskbell — {n} tickets waiting"),
    }
}

fn build_menu(
    app: &AppHandle,
    newest: &[(String, String)],
    waiting: usize,
) -> tauri::Result<Menu<Wry>> {
    let paused = app.state::<AppState>().paused();
    let menu = Menu::new(app)?;
    menu.append(&MenuItem::with_id(
        app,
        "open",
        "Open Deskbell",
        true,
        None::<&str>,
    )?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(
        app,
        "count",
        tooltip(waiting),
        false,
        None::<&str>,
    )?)?;
    for (id, label) in newest {
        let label: String = label.chars().take(60).collect();
        let item_id = format!("{TICKET_PREFIX}{id}");
        menu.append(&MenuItem::with_id(app, item_id, label, true, None::<&str>)?)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&CheckMenuItem::with_id(
        app,
        "pause",
        "Pause notifications",
        true,
        paused,
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(
        app,
        "quit",
        "Quit Deskbell",
        true,
        None::<&str>,
    )?)?;
    Ok(menu)
}
