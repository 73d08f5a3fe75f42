//! The tray icon, a StatusNotifierItem (the freedesktop tray protocol, over D-Bus, no GTK):
//! the bell (with a dot when tickets wait), the count in the tooltip and the menu, and a menu —
//! Open, the newest waiting tickets, Pause notifications, Quit. A click on the icon opens the
//! window. Where no tray host (StatusNotifierWatcher) is on the session bus there is no tray:
//! a log line says so, and a second launch of Deskbell opens the window instead.

use deskbell::domain::StatusFilter;
use deskbell::inbox::Filter;
use deskbell::Inbox;
use ksni::menu::{CheckmarkItem, StandardItem};
use ksni::{MenuItem, TrayMethods};
use std::sync::{Arc, Mutex, OnceLock, Weak};

/// How many waiting tickets the menu lists.
const MENU_TICKETS: usize = 5;

/// What the tray asks of the process that shows it (the resident process implements it).
pub trait TrayActions: Send + Sync + 'static {
    /// The inbox the count and the newest waiting tickets come from.
    fn inbox(&self) -> Inbox;

    fn paused(&self) -> bool;

    fn set_paused(&self, paused: bool);

    /// Shows the window, optionally on one ticket.
    fn open(&self, ticket: Option<&str>);

    /// Quits Deskbell.
    fn quit(&self);

    /// Where the installed tray is kept ([`install`] fills it, [`refresh_soon`] reads it).
    fn tray(&self) -> &TrayCell;
}

/// The running tray, once installed.
#[derive(Default)]
pub struct TrayCell(Mutex<Option<ksni::Handle<Bell>>>);

impl TrayCell {
    fn get(&self) -> Option<ksni::Handle<Bell>> {
        self.0.lock().ok().and_then(|h| h.clone())
    }
}

/// What the tray shows; rebuilt by [`refresh_soon`].
pub struct Bell {
    /// Weak: the actions' owner keeps the tray (in its [`TrayCell`]), not the other way round.
    app: Weak<dyn TrayActions>,
    waiting: usize,
    /// (ticket id, "visitor — first line") of the newest waiting tickets.
    newest: Vec<(String, String)>,
    paused: bool,
}

fn with_app(bell: &Bell, f: impl FnOnce(&dyn TrayActions)) {
    if let Some(app) = bell.app.upgrade() {
        f(&*app);
    }
}

impl ksni::Tray for Bell {
    fn id(&self) -> String {
        "deskbell".into()
    }

    fn title(&self) -> String {
        "Deskbell".into()
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        icon(self.waiting > 0).to_vec()
    }

    fn tool_tip(&self) -> ksni::ToolTip {
        ksni::ToolTip {
            title: "Deskbell".into(),
            description: summary(self.waiting),
            ..Default::default()
        }
    }

    fn activate(&mut self, _x: i32, _y: i32) {
        with_app(self, |app| app.open(None));
    }

    fn menu(&self) -> Vec<MenuItem<Self>> {
        let mut items: Vec<MenuItem<Self>> = vec![
            StandardItem {
                label: "Open Deskbell".into(),
                activate: Box::new(|b: &mut Self| with_app(b, |app| app.open(None))),
                ..Default::default()
            }
            .into(),
            MenuItem::Separator,
            StandardItem {
                label: summary(self.waiting),
                enabled: false,
                ..Default::default()
            }
            .into(),
        ];
        for (id, label) in &self.newest {
            let id = id.clone();
            items.push(
                StandardItem {
                    label: label.chars().take(60).collect(),
                    activate: Box::new(move |b: &mut Self| with_app(b, |app| app.open(Some(&id)))),
                    ..Default::default()
                }
                .into(),
            );
        }
        items.push(MenuItem::Separator);
        items.push(
            CheckmarkItem {
                label: "Pause notifications".into(),
                checked: self.paused,
                activate: Box::new(|b: &mut Self| {
                    b.paused = !b.paused;
                    let paused = b.paused;
                    with_app(b, |app| app.set_paused(paused));
                }),
                ..Default::default()
            }
            .into(),
        );
        items.push(
            StandardItem {
                label: "Quit Deskbell".into(),
                activate: Box::new(|b: &mut Self| with_app(b, |app| app.quit())),
                ..Default::default()
            }
            .into(),
        );
        items
    }
}

/// The bell's pixels (ARGB32, as the protocol wants), decoded once from the bundled PNGs.
fn icon(waiting: bool) -> &'static [ksni::Icon] {
    static IDLE: OnceLock<Vec<ksni::Icon>> = OnceLock::new();
    static WAITING: OnceLock<Vec<ksni::Icon>> = OnceLock::new();
    if waiting {
        WAITING.get_or_init(|| decode(include_bytes!("../../../icons/tray-waiting.png")))
    } else {
        IDLE.get_or_init(|| decode(include_bytes!("../../../icons/tray.png")))
    }
}

/// An RGBA PNG → one ARGB32 icon (none if the PNG is not 8-bit RGBA; the tray then shows its
/// default icon).
fn decode(png_bytes: &[u8]) -> Vec<ksni::Icon> {
    let decoded = (|| -> Result<ksni::Icon, png::DecodingError> {
        let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes)).read_info()?;
        let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
        let info = reader.next_frame(&mut buf)?;
        if info.color_type != png::ColorType::Rgba || info.bit_depth != png::BitDepth::Eight {
            return Err(png::DecodingError::LimitsExceeded);
        }
        let mut data = buf[..info.buffer_size()].to_vec();
        for px in data.chunks_exact_mut(4) {
            px.rotate_right(1); // RGBA → ARGB
        }
        Ok(ksni::Icon {
            width: i32::try_from(info.width).unwrap_or(0),
            height: i32::try_from(info.height).unwrap_or(0),
            data,
        })
    })();
    decoded.into_iter().collect()
}

/// Installs the tray if a tray host is there.
pub async fn install<A: TrayActions>(app: &Arc<A>) {
    let weak: Weak<dyn TrayActions> = Arc::<A>::downgrade(app);
    let bell = Bell {
        app: weak,
        waiting: 0,
        newest: Vec::new(),
        paused: app.paused(),
    };
    match bell.spawn().await {
        Ok(handle) => {
            tracing::info!("tray icon installed");
            if let Ok(mut cell) = app.tray().0.lock() {
                *cell = Some(handle);
            }
            refresh_soon(app);
        }
        Err(e) => tracing::info!(
            reason = %e,
            "no tray icon (is there a tray host, org.kde.StatusNotifierWatcher, on the session \
             bus?); launch Deskbell again to open its window"
        ),
    }
}

/// Recomputes the count, icon and menu in the background.
pub fn refresh_soon<A: TrayActions>(app: &Arc<A>) {
    let Some(handle) = app.tray().get() else {
        return;
    };
    let app = app.clone();
    tokio::spawn(async move {
        // The waiting list: snoozed tickets are left out until they wake.
        let filter = Filter {
            status: StatusFilter::Open,
            ..Filter::default()
        };
        let waiting = match app.inbox().tickets(filter).await {
            Ok(w) => w,
            Err(e) => return tracing::warn!(error = %e, "cannot update the tray"),
        };
        let newest: Vec<(String, String)> = waiting
            .iter()
            .take(MENU_TICKETS)
            .map(|t| {
                let label = format!("{} — {}", t.visitor.name, t.issue);
                (t.ticket_id.clone(), label)
            })
            .collect();
        let paused = app.paused();
        handle
            .update(move |b| {
                b.waiting = waiting.len();
                b.newest = newest;
                b.paused = paused;
            })
            .await;
    });
}

pub fn summary(waiting: usize) -> String {
    match waiting {
        0 => "Nothing waiting".to_string(),
        1 => "1 ticket waiting".to_string(),
        n => format!("{n} tickets waiting"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_icons_decode_to_argb() {
        for waiting in [false, true] {
            let icons = icon(waiting);
            assert_eq!(icons.len(), 1, "waiting={waiting}");
            let i = &icons[0];
            assert!(i.width >= 16 && i.height >= 16);
            assert_eq!(i.data.len(), (i.width * i.height * 4) as usize);
        }
        // The waiting bell differs (the dot).
        assert_ne!(icon(false)[0].data, icon(true)[0].data);
    }

    #[test]
    fn the_count_reads_well() {
        assert_eq!(summary(0), "Nothing waiting");
        assert_eq!(summary(1), "1 ticket waiting");
        assert_eq!(summary(7), "7 tickets waiting");
    }
}
