//! The window's commands (docs/desktop-api.md). Each calls one core function and maps its
//! result to a DTO and its error to `{code, message}`; no SQL, SMTP or IMAP here. The window's
//! capability (capabilities/main.json) lists exactly these.
//!
//! They run in the resident process, next to the core: the window process passes each call
//! over the local channel (`ipc`), and [`dispatch`] routes it here by name, with the arguments
//! as Tauri's `invoke` sends them (camelCase keys).

use crate::dto::*;
use crate::resident::Ctx;
use crate::state::AppState;
use base64::Engine;
use deskbell::domain::TicketId;
use deskbell::store::tickets::Filter;
use serde_json::Value;

type Result<T> = std::result::Result<T, ApiError>;

/// Declares the commands once: each line names a function below and its arguments, and
/// becomes a match arm that decodes the arguments, calls it and encodes its result.
macro_rules! routes {
    ($($cmd:ident($($arg:ident: $ty:ty),*);)*) => {
        /// Every command's name, in the order declared (build.rs and the capability list them too).
        pub const NAMES: &[&str] = &[$(stringify!($cmd)),*];

        /// Runs the command `cmd` with `args` (a JSON object) and returns its JSON result.
        pub async fn dispatch(app: &Ctx, cmd: &str, args: Value) -> Result<Value> {
            match cmd {
                $(stringify!($cmd) => {
                    #[derive(serde::Deserialize)]
                    #[serde(rename_all = "camelCase")]
                    struct Args { $($arg: $ty),* }
                    let args = if args.is_null() { Value::Object(Default::default()) } else { args };
                    let Args { $($arg),* } = serde_json::from_value(args).map_err(|e| {
                        ApiError::new("invalid", format!("{}: {e}", stringify!($cmd)))
                    })?;
                    let out = $cmd(app, &app.state, $($arg),*).await?;
                    serde_json::to_value(out)
                        .map_err(|e| ApiError::new("internal", format!("cannot encode the result: {e}")))
                })*
                other => Err(ApiError::new("unknown_command", format!("no command {other:?}"))),
            }
        }
    };
}

routes! {
    list_tickets(query: TicketQuery);
    counts();
    get_ticket(ticket_id: String);
    send_reply(ticket_id: String, text: String, files: Vec<OutgoingFile>);
    set_status(ticket_id: String, status: Status);
    set_priority(ticket_id: String, priority: Priority);
    set_tags(ticket_id: String, tags: Vec<String>);
    save_attachment(id: i64);
    canned_replies();
    save_canned_reply(id: Option<i64>, title: String, body: String);
    delete_canned_reply(id: i64);
    get_settings();
    save_settings(settings: SettingsInput);
    test_connection(kind: AccountKind, account: AccountInput);
    list_sites();
    add_site(name: String, origins: Vec<String>);
    app_status();
    set_notifications_paused(paused: bool);
    set_start_at_login(enabled: bool);
}

fn ticket_id(id: &str) -> Result<TicketId> {
    id.parse()
        .map_err(|_| ApiError::new("invalid", format!("{id:?} is not a ticket id")))
}

pub async fn list_tickets(
    _app: &Ctx,
    state: &AppState,
    query: TicketQuery,
) -> Result<Vec<TicketRow>> {
    let filter = Filter {
        status: query.status.status(),
        include_spam: false,
        limit: Some(500),
    };
    let tickets = state.inbox().search(&query.search, filter).await?;
    state.list_served();
    Ok(tickets.iter().map(TicketRow::from).collect())
}

pub async fn counts(_app: &Ctx, state: &AppState) -> Result<Counts> {
    Ok(state.inbox().counts().await?.into())
}

pub async fn get_ticket(_app: &Ctx, state: &AppState, ticket_id: String) -> Result<TicketDetail> {
    let detail = state
        .inbox()
        .open_ticket(&self::ticket_id(&ticket_id)?)
        .await?;
    Ok(TicketDetail::from(&detail))
}

pub async fn send_reply(
    _app: &Ctx,
    state: &AppState,
    ticket_id: String,
    text: String,
    files: Vec<OutgoingFile>,
) -> Result<TicketDetail> {
    let id = self::ticket_id(&ticket_id)?;
    let files = files
        .into_iter()
        .map(attachment)
        .collect::<Result<Vec<_>>>()?;
    state.inbox().reply(&id, &text, files).await?;
    Ok(TicketDetail::from(&state.inbox().open_ticket(&id).await?))
}

fn attachment(f: OutgoingFile) -> Result<deskbell::mail::compose::AttachmentFile> {
    let data = base64::engine::general_purpose::STANDARD
        .decode(f.data_base64.as_bytes())
        .map_err(|_| ApiError::new("invalid", format!("{} could not be read", f.name)))?;
    Ok(deskbell::mail::compose::AttachmentFile {
        name: f.name,
        content_type: f.content_type,
        data,
    })
}

pub async fn set_status(
    _app: &Ctx,
    state: &AppState,
    ticket_id: String,
    status: Status,
) -> Result<TicketRow> {
    let id = self::ticket_id(&ticket_id)?;
    let t = state
        .inbox()
        .set_ticket(&id, Some(status.into()), None)
        .await?;
    Ok(TicketRow::from(&t))
}

pub async fn set_priority(
    _app: &Ctx,
    state: &AppState,
    ticket_id: String,
    priority: Priority,
) -> Result<TicketRow> {
    let id = self::ticket_id(&ticket_id)?;
    let t = state
        .inbox()
        .set_ticket(&id, None, Some(priority.into()))
        .await?;
    Ok(TicketRow::from(&t))
}

pub async fn set_tags(
    _app: &Ctx,
    state: &AppState,
    ticket_id: String,
    tags: Vec<String>,
) -> Result<TicketRow> {
    let t = state
        .inbox()
        .set_tags(&self::ticket_id(&ticket_id)?, &tags)
        .await?;
    Ok(TicketRow::from(&t))
}

/// Into the Downloads folder (the home folder if there is none), never over an existing file.
pub async fn save_attachment(_app: &Ctx, state: &AppState, id: i64) -> Result<String> {
    let dir = dirs::download_dir().or_else(dirs::home_dir);
    let dir = dir.ok_or_else(|| ApiError::new("no_folder", "cannot find a Downloads folder"))?;
    let path = state.inbox().save_attachment(id, &dir).await?;
    Ok(path.display().to_string())
}

pub async fn canned_replies(_app: &Ctx, state: &AppState) -> Result<Vec<CannedReply>> {
    let all = state.inbox().canned_replies().await?;
    Ok(all.into_iter().map(CannedReply::from).collect())
}

pub async fn save_canned_reply(
    _app: &Ctx,
    state: &AppState,
    id: Option<i64>,
    title: String,
    body: String,
) -> Result<CannedReply> {
    Ok(state
        .inbox()
        .save_canned_reply(id, &title, &body)
        .await?
        .into())
}

pub async fn delete_canned_reply(_app: &Ctx, state: &AppState, id: i64) -> Result<()> {
    Ok(state.inbox().delete_canned_reply(id).await?)
}

pub async fn get_settings(_app: &Ctx, state: &AppState) -> Result<Settings> {
    let stored = deskbell::settings::load(&state.config_path, &*state.secrets)?;
    let mut settings: Settings = crate::settings::same_shape(&stored)?;
    settings.notifications.paused = state.paused();
    Ok(settings)
}

/// Written to the config file (passwords to the keychain); mail and intake pick the new
/// settings up at the next start of Deskbell.
pub async fn save_settings(
    app: &Ctx,
    state: &AppState,
    settings: SettingsInput,
) -> Result<Settings> {
    let input = crate::settings::same_shape(&settings)?;
    let saved = deskbell::settings::save(&state.config_path, &input, &*state.secrets)?;
    state.set_paused(settings.notifications.paused);
    crate::restart::core(app).await?;
    crate::settings::same_shape(&saved)
}

pub async fn test_connection(
    _app: &Ctx,
    state: &AppState,
    kind: AccountKind,
    account: AccountInput,
) -> Result<CheckReport> {
    Ok(crate::settings::check(&state.config(), kind, account).await)
}

pub async fn list_sites(_app: &Ctx, state: &AppState) -> Result<Vec<SiteRow>> {
    let url = crate::settings::public_url(&state.config(), state.intake_addr());
    let sites = state.inbox().sites().await?;
    Ok(sites.iter().map(|s| SiteRow::new(s, &url)).collect())
}

pub async fn add_site(
    _app: &Ctx,
    state: &AppState,
    name: String,
    origins: Vec<String>,
) -> Result<SiteRow> {
    let url = crate::settings::public_url(&state.config(), state.intake_addr());
    let site = state.inbox().add_site(&name, &origins).await?;
    Ok(SiteRow::new(&site, &url))
}

pub async fn app_status(_app: &Ctx, state: &AppState) -> Result<AppStatus> {
    let mail = state.inbox().mail_counts().await?;
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(AppStatus {
        intake_addr: state.intake_addr().to_string(),
        mail_queued: n(mail.queued),
        mail_failed: n(mail.failed),
        sync: state.sync_status(),
        notifications_paused: state.paused(),
        start_at_login: crate::autostart::is_enabled(state),
    })
}

pub async fn set_notifications_paused(app: &Ctx, state: &AppState, paused: bool) -> Result<()> {
    state.set_paused(paused);
    crate::tray::refresh_soon(app);
    Ok(())
}

pub async fn set_start_at_login(_app: &Ctx, state: &AppState, enabled: bool) -> Result<()> {
    crate::autostart::set(state, enabled)
        .map_err(|e| ApiError::new("autostart", format!("cannot change start at login: {e}")))
}

#[cfg(test)]
mod tests {
    use super::NAMES;

    /// build.rs declares each command's permission and the capability grants them: both must
    /// name exactly the commands `dispatch` routes.
    #[test]
    fn the_capability_allows_exactly_the_routed_commands() {
        let build = include_str!("../build.rs");
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
        let granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| {
                p.as_str()?
                    .strip_prefix("allow-")
                    .map(|c| c.replace('-', "_"))
            })
            .collect();
        for name in NAMES {
            assert!(
                build.contains(&format!("\"{name}\"")),
                "build.rs lacks {name}"
            );
            assert!(granted.iter().any(|g| g == name), "capability lacks {name}");
        }
        assert_eq!(
            granted.len(),
            NAMES.len(),
            "the capability grants more: {granted:?}"
        );
        assert_eq!(
            build.matches("\",\n").count(),
            NAMES.len(),
            "build.rs declares more"
        );
    }
}
