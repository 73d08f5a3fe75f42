//! The window's commands (docs/desktop-api.md), written against [`Host`]. Each calls one core
//! function and returns the core's type or a view of it ([`crate::dto`]); errors become
//! `{code, message}`. No SQL, SMTP or IMAP here.
//!
//! They run in the resident process, next to the core: the window process passes each call
//! over the local channel, and [`dispatch`] routes it here by name, with the arguments as
//! Tauri's `invoke` sends them (camelCase keys). The names are the wire crate's
//! [`deskbell_wire::COMMANDS`]; a test proves the two lists are the same.

mod app;
mod reach;
mod settings;
mod tickets;

use crate::dto::*;
use crate::Host;
use deskbell::secrets::AccountKind;
use deskbell::settings::{AccountInput, SettingsInput};
use deskbell_wire::ApiError;
use serde_json::Value;

pub type Result<T> = std::result::Result<T, ApiError>;

/// Declares the commands once: each line names a function of a submodule and its arguments,
/// and becomes a match arm that decodes the arguments, calls it and encodes its result.
macro_rules! routes {
    ($($module:ident::$cmd:ident($($arg:ident: $ty:ty),*);)*) => {
        /// Every routed command's name, in the order declared.
        pub const ROUTED: &[&str] = &[$(stringify!($cmd)),*];

        /// Runs the command `cmd` with `args` (a JSON object) and returns its JSON result.
        pub async fn dispatch<H: Host>(host: &H, cmd: &str, args: Value) -> Result<Value> {
            match cmd {
                $(stringify!($cmd) => {
                    #[derive(serde::Deserialize)]
                    #[serde(rename_all = "camelCase")]
                    struct Args { $($arg: $ty),* }
                    let args = if args.is_null() { Value::Object(Default::default()) } else { args };
                    let Args { $($arg),* } = serde_json::from_value(args).map_err(|e| {
                        ApiError::new("invalid", format!("{}: {e}", stringify!($cmd)))
                    })?;
                    let out = $module::$cmd(host, $($arg),*).await?;
                    serde_json::to_value(out)
                        .map_err(|e| ApiError::new("internal", format!("cannot encode the result: {e}")))
                })*
                other => Err(ApiError::new("unknown_command", format!("no command {other:?}"))),
            }
        }
    };
}

routes! {
    tickets::list_tickets(query: TicketQuery);
    tickets::counts();
    tickets::get_ticket(ticket_id: String);
    tickets::send_reply(ticket_id: String, text: String, files: Vec<OutgoingFile>);
    tickets::add_note(ticket_id: String, text: String);
    tickets::set_status(ticket_id: String, status: deskbell::domain::Status);
    tickets::set_priority(ticket_id: String, priority: deskbell::domain::Priority);
    tickets::snooze_ticket(ticket_id: String, until: String);
    tickets::unsnooze_ticket(ticket_id: String);
    tickets::snooze_choices();
    tickets::set_tags(ticket_id: String, tags: Vec<String>);
    tickets::list_tags();
    tickets::merge_ticket(ticket_id: String, into: String);
    tickets::delete_ticket(ticket_id: String);
    tickets::restore_ticket(ticket_id: String);
    tickets::set_spam(ticket_id: String, spam: bool);
    tickets::block_sender(address: String);
    tickets::unblock_sender(address: String);
    tickets::list_blocked();
    tickets::save_attachment(id: i64);
    tickets::canned_replies();
    tickets::save_canned_reply(id: Option<i64>, title: String, body: String);
    tickets::delete_canned_reply(id: i64);
    tickets::fill_canned_reply(id: i64, ticket_id: String);
    settings::get_settings();
    settings::save_settings(settings: SettingsInput);
    settings::test_connection(kind: AccountKind, account: AccountInput);
    reach::check_public_url(url: Option<String>);
    app::list_sites();
    app::add_site(name: String, origins: Vec<String>);
    app::edit_site(name: String, rename: Option<String>, origins: Option<Vec<String>>);
    app::rotate_site_token(name: String);
    app::remove_site(name: String);
    app::save_widget(site: String);
    app::app_status();
    app::mail_status();
    app::tunnel_status();
    app::resend_mail(id: i64);
    app::resend_failed();
    app::set_notifications_paused(paused: bool);
    app::set_start_at_login(enabled: bool);
    app::open_link(url: String);
}

/// The core's errors as the window shows them.
pub(crate) fn api_error(e: impl Into<CoreError>) -> ApiError {
    let e = e.into();
    ApiError::new(e.code, e.message)
}

/// A core error, reduced to its stable code and its sentence for the owner.
pub(crate) struct CoreError {
    code: &'static str,
    message: String,
}

impl From<deskbell::inbox::InboxError> for CoreError {
    fn from(e: deskbell::inbox::InboxError) -> Self {
        Self {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<deskbell::settings::SettingsError> for CoreError {
    fn from(e: deskbell::settings::SettingsError) -> Self {
        Self {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ROUTED;

    #[test]
    fn the_dispatcher_routes_exactly_the_wire_commands() {
        assert_eq!(ROUTED, deskbell_wire::COMMANDS);
    }
}
