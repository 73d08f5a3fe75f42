//! Settings as the window sees them: the core's settings (`deskbell::settings`, a stored
//! password never sent back, only `hasPassword`) in DTO form, and "Test connection" for an
//! account as typed in the form.

use crate::dto::*;
use deskbell::config::{self, Config};
use deskbell::mail::check;
use std::net::SocketAddr;

/// The core's settings types and these DTOs are the same JSON by contract
/// (docs/desktop-api.md); this converts one into the other through it.
pub fn same_shape<A: serde::Serialize, B: serde::de::DeserializeOwned>(
    a: &A,
) -> Result<B, ApiError> {
    serde_json::to_value(a)
        .and_then(serde_json::from_value)
        .map_err(|e| ApiError::new("internal", format!("cannot convert the settings: {e}")))
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
        AccountKind::Imap => check::imap(&merged(&c.imap, input), owner).await,
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
