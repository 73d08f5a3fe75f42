//! "Test connection" for an account as typed in the settings form, before it is saved: the
//! stored account with the form's fields over it (a `None` password keeps the stored one; the
//! CA file is not editable in the window and stays), checked by [`crate::mail::check`].

use super::{AccountInput, Preset, Security};
use crate::config::{self, Config};
use crate::mail::check::{self, CheckReport};
use crate::secrets::AccountKind;

pub async fn test_connection(
    config: &Config,
    kind: AccountKind,
    input: AccountInput,
) -> CheckReport {
    let owner = config.owner.email.as_deref();
    match kind {
        AccountKind::Smtp => check::smtp(&merged(&config.smtp, input), owner).await,
        AccountKind::Imap => check::imap(&merged(&config.imap, input), owner).await,
    }
}

fn merged(stored: &config::Account, input: AccountInput) -> config::Account {
    let mut a = stored.clone();
    a.preset = input.preset.map(|Preset::Gmail| config::Preset::Gmail);
    a.host = Some(input.host).filter(|h| !h.trim().is_empty());
    a.port = input.port;
    a.security = input.security.map(|s| match s {
        Security::Starttls => config::Security::Starttls,
        Security::Tls => config::Security::Tls,
        Security::Plain => config::Security::Plain,
    });
    a.username = Some(input.username).filter(|u| !u.trim().is_empty());
    if let Some(p) = input.password {
        a.password = Some(p);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_goes_over_the_stored_account() {
        let stored = config::Account {
            host: Some("old.example".into()),
            password: Some("stored-pw".into()),
            ca_file: Some("/ca.pem".into()),
            ..Default::default()
        };
        let input = AccountInput {
            host: "smtp.example".into(),
            port: Some(2525),
            security: Some(Security::Tls),
            username: " ".into(),
            ..Default::default()
        };
        let a = merged(&stored, input.clone());
        assert_eq!(a.host.as_deref(), Some("smtp.example"));
        assert_eq!(a.port, Some(2525));
        assert_eq!(a.security, Some(config::Security::Tls));
        assert_eq!(a.username, None, "a blank username is none");
        let shown = |a: &config::Account| a.password.as_ref().map(|p| p.expose().to_string());
        assert_eq!(shown(&a).as_deref(), Some("stored-pw"), "kept");
        assert_eq!(a.ca_file, stored.ca_file);
        let typed = AccountInput {
            password: Some("typed".into()),
            ..input
        };
        assert_eq!(shown(&merged(&stored, typed)).as_deref(), Some("typed"));
    }
}
