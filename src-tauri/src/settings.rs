//! Settings as the window sees them: read from the core's config (a stored password is never
//! sent back, only `hasPassword`), and "Test connection" for an account as typed in the form.

use crate::dto::*;
use deskbell::config::{self, Config};
use deskbell::mail::check;
use std::net::SocketAddr;

pub fn current(c: &Config, paused: bool) -> Settings {
    Settings {
        owner: Owner {
            email: c.owner.email.clone().unwrap_or_default(),
            name: c.owner.name.clone().unwrap_or_default(),
            business: c.owner.business.clone().unwrap_or_default(),
            timezone: c.owner.timezone.clone().unwrap_or_default(),
        },
        smtp: account(&c.smtp),
        imap: account(&c.imap),
        intake: IntakeSettings {
            listen: c.intake.listen.clone(),
            public_url: c.intake.public_url.clone().unwrap_or_default(),
        },
        notifications: NotificationSettings {
            enabled: true,
            paused,
        },
        configured: c.owner.email.is_some() && (c.smtp.host.is_some() || c.smtp.preset.is_some()),
    }
}

fn account(a: &config::Account) -> AccountSettings {
    AccountSettings {
        preset: a.preset.map(|_| Preset::Gmail),
        host: a.host.clone().unwrap_or_default(),
        port: a.port,
        security: a.security.map(|s| match s {
            config::Security::Starttls => Security::Starttls,
            config::Security::Tls => Security::Tls,
            config::Security::Plain => Security::Plain,
        }),
        username: a.username.clone().unwrap_or_default(),
        has_password: a.password.as_deref().is_some_and(|p| !p.is_empty()),
    }
}

/// The address the widget snippet points at: the tunnel's, else the listener's own.
pub fn public_url(c: &Config, intake: SocketAddr) -> String {
    c.intake
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{intake}"))
}

/// The account as typed, over the stored one (a `null` password keeps the stored password;
/// the CA file is not editable in the window and stays).
fn merged(stored: &config::Account, input: AccountInput) -> config::Account {
    let mut a = stored.clone();
    a.preset = input.preset.map(|_| config::Preset::Gmail);
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

pub async fn check(c: &Config, kind: AccountKind, input: AccountInput) -> CheckReport {
    let owner = c.owner.email.as_deref();
    let report = match kind {
        AccountKind::Smtp => check::smtp(&merged(&c.smtp, input), owner).await,
        AccountKind::Imap => check::CheckReport::problem(
            check::Problem::NotConfigured,
            "checking IMAP is not available in this version",
            None,
        ),
    };
    CheckReport {
        ok: report.ok,
        problem: problem(report.problem),
        message: report.message,
        hint: report.hint,
    }
}

fn problem(p: check::Problem) -> Problem {
    use check::Problem as P;
    match p {
        P::Ok => Problem::Ok,
        P::WrongPassword => Problem::WrongPassword,
        P::Tls => Problem::Tls,
        P::UntrustedCertificate => Problem::UntrustedCertificate,
        P::Unreachable => Problem::Unreachable,
        P::Timeout => Problem::Timeout,
        P::NotConfigured => Problem::NotConfigured,
        P::Other => Problem::Other,
    }
}
