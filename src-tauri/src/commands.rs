//! The window's commands (docs/desktop-api.md). Each calls one core function and maps its
//! result to a DTO and its error to `{code, message}`; no SQL, SMTP or IMAP here. The window's
//! capability (capabilities/main.json) lists exactly these.

use crate::dto::*;
use crate::state::AppState;
use base64::Engine;
use deskbell::domain::TicketId;
use deskbell::store::tickets::Filter;
use tauri::State;

type Result<T> = std::result::Result<T, ApiError>;

fn ticket_id(id: &str) -> Result<TicketId> {
    id.parse()
        .map_err(|_| ApiError::new("invalid", format!("{id:?} is not a ticket id")))
}

#[tauri::command]
pub async fn list_tickets(
    state: State<'_, AppState>,
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

#[tauri::command]
pub async fn counts(state: State<'_, AppState>) -> Result<Counts> {
    Ok(state.inbox().counts().await?.into())
}

#[tauri::command]
pub async fn get_ticket(state: State<'_, AppState>, ticket_id: String) -> Result<TicketDetail> {
    let detail = state
        .inbox()
        .open_ticket(&self::ticket_id(&ticket_id)?)
        .await?;
    Ok(TicketDetail::from(&detail))
}

#[tauri::command]
pub async fn send_reply(
    state: State<'_, AppState>,
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

#[tauri::command]
pub async fn set_status(
    state: State<'_, AppState>,
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

#[tauri::command]
pub async fn set_priority(
    state: State<'_, AppState>,
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

#[tauri::command]
pub async fn set_tags(
    state: State<'_, AppState>,
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
#[tauri::command]
pub async fn save_attachment(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    id: i64,
) -> Result<String> {
    use tauri::Manager;
    let paths = app.path();
    let dir = paths.download_dir().or_else(|_| paths.home_dir());
    let dir = dir.map_err(|_| ApiError::new("no_folder", "cannot find a Downloads folder"))?;
    let path = state.inbox().save_attachment(id, &dir).await?;
    Ok(path.display().to_string())
}

#[tauri::command]
pub async fn canned_replies(state: State<'_, AppState>) -> Result<Vec<CannedReply>> {
    let all = state.inbox().canned_replies().await?;
    Ok(all.into_iter().map(CannedReply::from).collect())
}

#[tauri::command]
pub async fn save_canned_reply(
    state: State<'_, AppState>,
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

#[tauri::command]
pub async fn delete_canned_reply(state: State<'_, AppState>, id: i64) -> Result<()> {
    Ok(state.inbox().delete_canned_reply(id).await?)
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Result<Settings> {
    let stored = deskbell::settings::load(&state.config_path, &*state.secrets)?;
    let mut settings: Settings = crate::settings::same_shape(&stored)?;
    settings.notifications.paused = state.paused();
    Ok(settings)
}

/// Written to the config file (passwords to the keychain); mail and intake pick the new
/// settings up at the next start of Deskbell.
#[tauri::command]
pub async fn save_settings(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    settings: SettingsInput,
) -> Result<Settings> {
    let input = crate::settings::same_shape(&settings)?;
    let saved = deskbell::settings::save(&state.config_path, &input, &*state.secrets)?;
    state.set_paused(settings.notifications.paused);
    crate::restart::core(&app, &state).await?;
    crate::settings::same_shape(&saved)
}

#[tauri::command]
pub async fn test_connection(
    state: State<'_, AppState>,
    kind: AccountKind,
    account: AccountInput,
) -> Result<CheckReport> {
    Ok(crate::settings::check(&state.config(), kind, account).await)
}

#[tauri::command]
pub async fn list_sites(state: State<'_, AppState>) -> Result<Vec<SiteRow>> {
    let url = crate::settings::public_url(&state.config(), state.intake_addr());
    let sites = state.inbox().sites().await?;
    Ok(sites.iter().map(|s| SiteRow::new(s, &url)).collect())
}

#[tauri::command]
pub async fn add_site(
    state: State<'_, AppState>,
    name: String,
    origins: Vec<String>,
) -> Result<SiteRow> {
    let url = crate::settings::public_url(&state.config(), state.intake_addr());
    let site = state.inbox().add_site(&name, &origins).await?;
    Ok(SiteRow::new(&site, &url))
}

#[tauri::command]
pub async fn app_status(app: tauri::AppHandle, state: State<'_, AppState>) -> Result<AppStatus> {
    use tauri_plugin_autostart::ManagerExt;
    let mail = state.inbox().mail_counts().await?;
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(AppStatus {
        intake_addr: state.intake_addr().to_string(),
        mail_queued: n(mail.queued),
        mail_failed: n(mail.failed),
        sync: state.sync_status(),
        notifications_paused: state.paused(),
        start_at_login: app.autolaunch().is_enabled().unwrap_or(false),
    })
}

#[tauri::command]
pub async fn set_notifications_paused(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    paused: bool,
) -> Result<()> {
    state.set_paused(paused);
    crate::tray::refresh_soon(&app);
    Ok(())
}

#[tauri::command]
pub async fn set_start_at_login(app: tauri::AppHandle, enabled: bool) -> Result<()> {
    use tauri_plugin_autostart::ManagerExt;
    let launcher = app.autolaunch();
    let done = if enabled {
        launcher.enable()
    } else {
        launcher.disable()
    };
    done.map_err(|e| ApiError::new("autostart", format!("cannot change start at login: {e}")))
}
