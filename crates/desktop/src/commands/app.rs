//! Websites, the status line, the outbox (status, resend), the tunnel, the desktop switches and
//! opening a mail's link.

use super::{api_error, Result};
use crate::dto::{AppStatus, SavedWidget, SiteRow};
use crate::Host;
use deskbell::inbox::MailStatus;
use deskbell::tunnel::TunnelState;
use deskbell_wire::ApiError;

pub async fn list_sites(host: &impl Host) -> Result<Vec<SiteRow>> {
    let core = host.core();
    let config = core.config();
    let url = crate::dto::public_url(&config, core.intake_addr());
    let support = config.support_address();
    let sites = core.inbox().sites().await.map_err(api_error)?;
    Ok(sites
        .iter()
        .map(|s| SiteRow::new(s, &url, support.as_deref()))
        .collect())
}

pub async fn add_site(host: &impl Host, name: String, origins: Vec<String>) -> Result<SiteRow> {
    let core = host.core();
    let config = core.config();
    let url = crate::dto::public_url(&config, core.intake_addr());
    let support = config.support_address();
    let site = core.inbox().add_site(&name, &origins).await;
    Ok(SiteRow::new(
        &site.map_err(api_error)?,
        &url,
        support.as_deref(),
    ))
}

/// Renames a site and/or replaces its origins (`None` keeps them); the token stays.
pub async fn edit_site(
    host: &impl Host,
    name: String,
    rename: Option<String>,
    origins: Option<Vec<String>>,
) -> Result<SiteRow> {
    let core = host.core();
    let change = deskbell::inbox::SiteChange { rename, origins };
    let site = core
        .inbox()
        .edit_site(&name, change)
        .await
        .map_err(api_error)?;
    Ok(site_row(core, &site))
}

/// A new bot token for the site; the old one is refused from now on.
pub async fn rotate_site_token(host: &impl Host, name: String) -> Result<SiteRow> {
    let core = host.core();
    let site = core
        .inbox()
        .rotate_site_token(&name)
        .await
        .map_err(api_error)?;
    Ok(site_row(core, &site))
}

/// Removes the site; its tickets stay.
pub async fn remove_site(host: &impl Host, name: String) -> Result<()> {
    host.core()
        .inbox()
        .remove_site(&name)
        .await
        .map_err(api_error)?;
    Ok(())
}

fn site_row(core: &crate::running::Running, site: &deskbell::domain::Site) -> SiteRow {
    let config = core.config();
    let url = crate::dto::public_url(&config, core.intake_addr());
    SiteRow::new(site, &url, config.support_address().as_deref())
}

/// Writes the site's own copy of `widget.js` and its self-hosted snippet into
/// `deskbell-widget-<site>/` in the Downloads folder (the home folder if there is none).
pub async fn save_widget(host: &impl Host, site: String) -> Result<SavedWidget> {
    let core = host.core();
    let config = core.config();
    let site = core.inbox().site_named(&site).await.map_err(api_error)?;
    let snippet = deskbell::inbox::widget_snippet_self_hosted(
        deskbell::inbox::SELF_HOSTED_SRC,
        &crate::dto::public_url(&config, core.intake_addr()),
        &site.bot_token,
        config.support_address().as_deref(),
    );
    let dir = host.downloads_dir();
    let dir = dir.ok_or_else(|| ApiError::new("no_folder", "cannot find a Downloads folder"))?;
    let folder = dir.join(deskbell::inbox::widget_folder_name(&site.name));
    let (out, text) = (folder.clone(), snippet.clone());
    tokio::task::spawn_blocking(move || deskbell::inbox::write_widget_files(&out, &text))
        .await
        .map_err(|_| ApiError::new("internal", "cannot write the widget files"))?
        .map_err(api_error)?;
    Ok(SavedWidget {
        folder: folder.display().to_string(),
        snippet,
    })
}

pub async fn app_status(host: &impl Host) -> Result<AppStatus> {
    let core = host.core();
    let mail = core.inbox().mail_counts().await.map_err(api_error)?;
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(AppStatus {
        intake_addr: core.intake_addr().to_string(),
        mail_queued: n(mail.queued),
        mail_failed: n(mail.failed),
        sync: core.sync_state(),
        notifications_paused: host.notifications_paused(),
        start_at_login: host.start_at_login(),
    })
}

pub async fn set_notifications_paused(host: &impl Host, paused: bool) -> Result<()> {
    host.set_notifications_paused(paused);
    host.refresh_tray();
    Ok(())
}

pub async fn set_start_at_login(host: &impl Host, enabled: bool) -> Result<()> {
    host.set_start_at_login(enabled)
}

/// The outbox and the sending budget: what waits, what the daily limit holds back and when it
/// frees, what failed and why.
pub async fn mail_status(host: &impl Host) -> Result<MailStatus> {
    host.core().inbox().mail_status().await.map_err(api_error)
}

/// How the managed tunnel (`[tunnel] command`) is doing; `not_configured` without one.
pub async fn tunnel_status(host: &impl Host) -> Result<TunnelState> {
    Ok(host.core().tunnel_state())
}

/// Sends failed mail `id` (a [`deskbell::inbox::FailedMail`] id) again, at once; the refreshed
/// status.
pub async fn resend_mail(host: &impl Host, id: i64) -> Result<MailStatus> {
    let inbox = host.core().inbox();
    inbox.resend(id).await.map_err(|e| match e {
        // The core's sentence points at the command line; the window's names the mail.
        deskbell::inbox::InboxError::NotFound(_) => ApiError::new(
            "not_found",
            format!("There is no failed email {id} to send again (it may have been sent already)."),
        ),
        other => api_error(other),
    })?;
    mail_status(host).await
}

/// Sends every failed mail again; the refreshed status.
pub async fn resend_failed(host: &impl Host) -> Result<MailStatus> {
    host.core()
        .inbox()
        .resend_failed()
        .await
        .map_err(api_error)?;
    mail_status(host).await
}

/// Opens `url`, a link in a mail, in the owner's browser or mail app (never in the window). It
/// is checked again here: only an http(s) address with a host, mailto or tel opens.
pub async fn open_link(host: &impl Host, url: String) -> Result<()> {
    let url =
        crate::opener::checked(&url).map_err(|e| ApiError::new("invalid_link", e.to_string()))?;
    let opener = host.opener();
    tokio::task::spawn_blocking(move || opener.open(&url))
        .await
        .map_err(|_| ApiError::new("internal", "cannot open the link"))?
        .map_err(|e| ApiError::new("open_failed", e.to_string()))
}
