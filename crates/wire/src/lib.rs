//! The contract between Deskbell's two desktop processes (docs/architecture.md, "The desktop"):
//! the names of the commands the window may invoke and of the events it listens to, the
//! messages that cross the local channel, and how they are framed.
//!
//! It deliberately holds no business types: the tickets, settings and reports the commands
//! carry are the core's and the resident crate's (their TypeScript is derived where they live).
//! Both the resident process (`deskbell-desktop`) and the window (`deskbell-window`) depend on
//! this crate; the window depends on nothing else of Deskbell, so it never links the core.

#[cfg(feature = "channel")]
pub mod channel;
#[cfg(feature = "channel")]
mod error;

#[cfg(feature = "channel")]
pub use error::{ApiError, OpenTicket};

/// Every command the window may invoke, by the name `invoke` uses. The window's build script
/// declares one permission per name, its capability grants them, and the resident process's
/// dispatcher routes exactly these (each side has a test).
pub const COMMANDS: &[&str] = &[
    "list_tickets",
    "counts",
    "get_ticket",
    "send_reply",
    "add_note",
    "set_status",
    "set_priority",
    "snooze_ticket",
    "unsnooze_ticket",
    "snooze_choices",
    "set_tags",
    "list_tags",
    "merge_ticket",
    "delete_ticket",
    "restore_ticket",
    "set_spam",
    "block_sender",
    "unblock_sender",
    "list_blocked",
    "save_attachment",
    "canned_replies",
    "save_canned_reply",
    "delete_canned_reply",
    "fill_canned_reply",
    "get_settings",
    "save_settings",
    "test_connection",
    "check_public_url",
    "list_sites",
    "add_site",
    "edit_site",
    "rotate_site_token",
    "remove_site",
    "save_widget",
    "app_status",
    "mail_status",
    "tunnel_status",
    "resend_mail",
    "resend_failed",
    "set_notifications_paused",
    "set_start_at_login",
    "open_link",
];

/// The live-update event: its payload is the core's `Event` as it serialises.
pub const EVENT: &str = "deskbell:event";

/// "Show this ticket" (tray menu, notification click): payload [`OpenTicket`].
pub const OPEN_TICKET: &str = "deskbell:open-ticket";

/// Whether `s` may be a ticket id (`TKT-20261130-0001`): only such a value reaches the window's
/// command line or the page's URL. The core parses it properly; this is a shape filter only.
pub fn looks_like_ticket_id(s: &str) -> bool {
    s.len() <= 40
        && s.starts_with("TKT-")
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_id_shape() {
        assert!(looks_like_ticket_id("TKT-20261130-0002"));
        for bad in [
            "",
            "x?y=<script>",
            "TKT-1&a=b",
            "tkt-20261130-0002",
            "TKT-../../etc",
        ] {
            assert!(!looks_like_ticket_id(bad), "{bad}");
        }
    }

    #[test]
    fn command_names_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for name in COMMANDS {
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{name}"
            );
        }
    }
}
