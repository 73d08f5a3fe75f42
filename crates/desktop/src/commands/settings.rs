//! The settings window: read, save (which restarts the core), and "Test connection".

use super::{api_error, Result};
use crate::Host;
use deskbell::mail::check::CheckReport;
use deskbell::secrets::AccountKind;
use deskbell::settings::{AccountInput, Settings, SettingsInput};

pub async fn get_settings(host: &impl Host) -> Result<Settings> {
    let mut settings =
        deskbell::settings::load(host.settings_file(), host.secrets()).map_err(api_error)?;
    settings.notifications.paused = host.notifications_paused();
    Ok(settings)
}

/// Written to the config file (passwords to the keychain), then the core restarts with it.
pub async fn save_settings(host: &impl Host, settings: SettingsInput) -> Result<Settings> {
    let saved = deskbell::settings::save(host.settings_file(), &settings, host.secrets())
        .map_err(api_error)?;
    host.set_notifications_paused(settings.notifications.paused);
    host.restart_core().await?;
    Ok(saved)
}

/// The account as typed in the form, over the stored one.
pub async fn test_connection(
    host: &impl Host,
    kind: AccountKind,
    account: AccountInput,
) -> Result<CheckReport> {
    Ok(deskbell::settings::test_connection(&host.core().config(), kind, account).await)
}
