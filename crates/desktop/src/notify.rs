//! Desktop notifications (freedesktop, through notify-rust) for a new ticket (never spam), a
//! visitor's reply (title, visitor, first line), a snoozed ticket whose time came and a bounce of mail Deskbell sent (address,
//! reason). Clicking one opens that ticket. Paused → none.
//! No session bus or no daemon → notify-rust fails at once; we log it and carry on.
//!
//! Waiting for the click blocks a thread until the notification closes, so at most
//! [`MAX_WAITING`] notifications are watched at a time; past that they are shown unwatched.

use crate::coalesce::{Coalescer, Offer};
use crate::window::Windows;
use deskbell::Event;
use notify_rust::{Notification, Timeout};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const MAX_WAITING: usize = 4;
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// What to show for an event, if anything: (ticket id, summary, body).
pub fn content(event: &Event) -> Option<(String, String, String)> {
    match event {
        Event::TicketCreated {
            ticket_id,
            visitor,
            first_line,
            spam: false,
        } => Some((
            ticket_id.clone(),
            format!("New ticket from {visitor}"),
            format!("{first_line}\n{ticket_id}"),
        )),
        Event::ReplyReceived {
            ticket_id,
            from,
            first_line,
        } => Some((
            ticket_id.clone(),
            format!("Reply from {from}"),
            format!("{first_line}\n{ticket_id}"),
        )),
        Event::TicketWoke {
            ticket_id,
            visitor,
            first_line,
        } => Some((
            ticket_id.clone(),
            format!("Snooze over: {visitor}"),
            format!("{first_line}\n{ticket_id}"),
        )),
        Event::MailBounced {
            ticket_id,
            to,
            reason,
        } => Some((
            ticket_id.clone(),
            format!("Mail to {to} bounced"),
            format!("{reason}\n{ticket_id}"),
        )),
        _ => None,
    }
}

/// New-ticket notifications past the threshold are gathered into one summary a minute (see
/// [`crate::coalesce`]); the threshold is the owner's `[mail] digest_after`, as for mail.
static GATHER: Mutex<Option<Coalescer>> = Mutex::new(None);
const GATHER_EVERY: Duration = Duration::from_secs(60);

/// Shows the notification for `event`, if it has one and notifications are not `paused`; a
/// click opens its ticket in `windows`. New tickets that come fast are gathered (see
/// [`crate::coalesce`]).
pub fn on_event(paused: bool, digest_after: u32, windows: &Windows, event: &Event) {
    let Some((ticket, summary, body)) = content(event) else {
        return;
    };
    if paused {
        tracing::debug!(%ticket, "notifications paused");
        return;
    }
    if let Event::TicketCreated { visitor, .. } = event {
        let offer = {
            let mut gather = GATHER.lock().unwrap_or_else(|p| p.into_inner());
            let c = gather.get_or_insert_with(|| Coalescer::new(digest_after));
            c.set_after(digest_after);
            c.offer(Instant::now(), visitor)
        };
        match offer {
            Offer::Show => {}
            Offer::Gathered { first: false } => return,
            Offer::Gathered { first: true } => {
                let windows = windows.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(GATHER_EVERY).await;
                    let summary = GATHER
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .as_mut()
                        .and_then(Coalescer::flush);
                    if let Some(s) = summary {
                        tokio::task::spawn_blocking(move || {
                            show(&windows, None, &s.title(), &s.body())
                        });
                    }
                });
                return;
            }
        }
    }
    let windows = windows.clone();
    tokio::task::spawn_blocking(move || show(&windows, Some(&ticket), &summary, &body));
}

fn show(windows: &Windows, ticket: Option<&str>, summary: &str, body: &str) {
    let shown = Notification::new()
        .appname("Deskbell")
        .summary(summary)
        .body(&escape_markup(body))
        .icon("mail-message-new")
        .action("default", "Open")
        .timeout(Timeout::Milliseconds(15_000))
        .show();
    let handle = match shown {
        Ok(h) => h,
        Err(e) => {
            return tracing::warn!(error = %e, ?ticket, "cannot show a notification (no notification daemon?)");
        }
    };
    if WAITING.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
        WAITING.fetch_sub(1, Ordering::SeqCst);
        return;
    }
    handle.wait_for_action(|action| {
        if action == "default" {
            windows.open(ticket);
        }
    });
    WAITING.fetch_sub(1, Ordering::SeqCst);
}

/// Notification servers may read the body as markup; a visitor's `<b>` stays text.
fn escape_markup(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spam_and_other_events_do_not_notify() {
        let spam = Event::TicketCreated {
            ticket_id: "TKT-20261125-0001".into(),
            visitor: "Bot".into(),
            first_line: "buy".into(),
            spam: true,
        };
        assert_eq!(content(&spam), None);
        let sync = Event::SyncError {
            folder: "INBOX".into(),
            reason: "x".into(),
        };
        assert_eq!(content(&sync), None);
        let reply = Event::ReplyReceived {
            ticket_id: "TKT-20261125-0001".into(),
            from: "ana@example.com".into(),
            first_line: "Thanks!".into(),
        };
        let (id, summary, body) = content(&reply).unwrap();
        assert_eq!(id, "TKT-20261125-0001");
        assert_eq!(summary, "Reply from ana@example.com");
        assert!(body.starts_with("Thanks!"));
    }

    #[test]
    fn a_woken_snooze_notifies_and_opens_its_ticket() {
        let woke = Event::TicketWoke {
            ticket_id: "TKT-20261125-0003".into(),
            visitor: "Ana".into(),
            first_line: "My order is late".into(),
        };
        let (id, summary, body) = content(&woke).unwrap();
        assert_eq!(id, "TKT-20261125-0003");
        assert_eq!(summary, "Snooze over: Ana");
        assert_eq!(body, "My order is late\nTKT-20261125-0003");
    }

    #[test]
    fn a_bounce_notifies_and_opens_its_ticket() {
        let bounce = Event::MailBounced {
            ticket_id: "TKT-20261125-0001".into(),
            to: "ana@example.com".into(),
            reason: "550 5.1.1 user unknown".into(),
        };
        let (id, summary, body) = content(&bounce).unwrap();
        assert_eq!(id, "TKT-20261125-0001");
        assert_eq!(summary, "Mail to ana@example.com bounced");
        assert_eq!(body, "550 5.1.1 user unknown\nTKT-20261125-0001");
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape_markup("<b>a & b</b>"),
            "&lt;b&gt;a &amp; b&lt;/b&gt;"
        );
    }
}
