//! "Test connection" for the settings window and `doctor`: log in once and say, in one
//! sentence and one hint, exactly what is wrong and how to fix it.
//!
//! The [`Problem`] names are shared by SMTP and IMAP: [`transport_problem`] reads any error
//! chain (rustls, I/O, timeouts) the same way for both; each protocol adds only its own
//! "wrong password" reply (SMTP 535, IMAP `NO [AUTHENTICATIONFAILED]`). Passwords never appear
//! in a report.

use crate::config::{Account, Preset, Security};
use crate::mail::smtp::{Smtp, SmtpError};
use serde::{Deserialize, Serialize};
use std::error::Error;
use std::time::Duration;

/// How long a check may take before it says "timeout" (the window waits on it).
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(20);

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    Ok,
    WrongPassword,
    Tls,
    UntrustedCertificate,
    Unreachable,
    Timeout,
    NotConfigured,
    Other,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    pub ok: bool,
    pub problem: Problem,
    pub message: String,
    pub hint: Option<String>,
}

impl CheckReport {
    pub fn ok(message: impl Into<String>) -> Self {
        Self {
            ok: true,
            problem: Problem::Ok,
            message: message.into(),
            hint: None,
        }
    }

    pub fn problem(problem: Problem, message: impl Into<String>, hint: Option<String>) -> Self {
        Self {
            ok: problem == Problem::Ok,
            problem,
            message: message.into(),
            hint,
        }
    }
}

/// What went wrong below the mail protocol, read from an error's source chain: a refused
/// certificate, another TLS failure, a timeout, or a server that cannot be reached. `None`
/// when the chain shows none of these (the protocol's own answer decides then).
pub fn transport_problem(err: &(dyn Error + 'static)) -> Option<Problem> {
    let mut cur: Option<&(dyn Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(p) = e.downcast_ref::<rustls::Error>().map(tls_problem) {
            return Some(p);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(p) = io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                .map(tls_problem)
            {
                return Some(p);
            }
            if let Some(p) = io_problem(io) {
                return Some(p);
            }
        }
        if e.is::<tokio::time::error::Elapsed>() {
            return Some(Problem::Timeout);
        }
        cur = e.source();
    }
    None
}

fn tls_problem(e: &rustls::Error) -> Problem {
    match e {
        rustls::Error::InvalidCertificate(_) => Problem::UntrustedCertificate,
        _ => Problem::Tls,
    }
}

fn io_problem(e: &std::io::Error) -> Option<Problem> {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::TimedOut => Some(Problem::Timeout),
        K::ConnectionRefused
        | K::ConnectionReset
        | K::ConnectionAborted
        | K::HostUnreachable
        | K::NetworkUnreachable
        | K::NetworkDown
        | K::AddrNotAvailable
        | K::NotFound => Some(Problem::Unreachable),
        // Name resolution failures carry no kind of their own.
        _ if e.to_string().contains("lookup address") => Some(Problem::Unreachable),
        _ => None,
    }
}

/// The server and port a check talks to, as the owner would write them (`smtp.gmail.com:587`).
fn server(account: &Account, default_port: impl Fn(Security) -> u16, gmail_host: &str) -> String {
    let host = account.host.clone().unwrap_or_else(|| {
        if account.preset == Some(Preset::Gmail) {
            gmail_host.to_string()
        } else {
            String::new()
        }
    });
    let port = account
        .port
        .unwrap_or_else(|| default_port(account.security.unwrap_or(Security::Starttls)));
    format!("{host}:{port}")
}

fn is_gmail(account: &Account) -> bool {
    account.preset == Some(Preset::Gmail)
        || account
            .host
            .as_deref()
            .is_some_and(|h| h.to_ascii_lowercase().ends_with("gmail.com"))
}

/// The sentence and hint for a problem on `server` (shared wording for SMTP and IMAP).
/// `ports` is the protocol's "STARTTLS port vs TLS port" advice.
pub fn explain(
    problem: Problem,
    what: &str,
    server: &str,
    gmail: bool,
    ports: &str,
    detail: &str,
) -> CheckReport {
    let (message, hint) = match problem {
        Problem::Ok => (format!("{what}: logged in to {server}"), None),
        Problem::WrongPassword => (
            if detail.trim().is_empty() {
                format!("{server} refused the username or password")
            } else {
                format!("{server} refused the username or password (it said: {detail})")
            },
            Some(if gmail {
                "Gmail needs an app password, not your normal password: Google Account → \
                 Security → 2-Step Verification → App passwords. Create one for Deskbell and \
                 paste its 16 letters here."
                    .to_string()
            } else {
                "Check the username (usually your full email address) and the password.".into()
            }),
        ),
        Problem::Tls => (
            format!("the secure connection to {server} failed ({detail})"),
            Some(format!(
                "The security setting probably does not match the port: {ports}."
            )),
        ),
        Problem::UntrustedCertificate => (
            format!("{server}'s certificate is not trusted ({detail})"),
            Some(
                "Check the server name: the certificate must be issued for it. A company \
                 server with its own certificate authority needs that CA file (ca_file)."
                    .into(),
            ),
        ),
        Problem::Unreachable => (
            format!("cannot reach {server} ({detail})"),
            Some(
                "Check the server name and port, and that this computer is online. Some \
                 networks block mail ports."
                    .into(),
            ),
        ),
        Problem::Timeout => (
            format!(
                "{server} did not answer within {} seconds",
                CHECK_TIMEOUT.as_secs()
            ),
            Some(format!(
                "The server may be down, a firewall may drop the connection, or the security \
                 setting may not match the port: {ports}."
            )),
        ),
        Problem::NotConfigured => (
            format!("{what} is not set up: {detail}"),
            Some(if gmail {
                "Enter your Gmail address and an app password.".to_string()
            } else {
                "Choose Gmail, or enter your provider's server, port, username and password.".into()
            }),
        ),
        Problem::Other => (format!("{what} check failed: {detail}"), None),
    };
    CheckReport::problem(problem, message, hint)
}

const SMTP_PORTS: &str = "port 587 uses starttls, port 465 uses tls";

/// Logs in to the SMTP server of `account` (the username defaults to `owner_email`) and
/// reports what happened. Never fails: every outcome is a report.
pub async fn smtp(account: &Account, owner_email: Option<&str>) -> CheckReport {
    let gmail = is_gmail(account);
    let default_port = |s| match s {
        Security::Tls => 465,
        Security::Plain => 25,
        Security::Starttls => 587,
    };
    let server = server(account, default_port, crate::mail::smtp::GMAIL_HOST);
    let report = |p: Problem, detail: &str| explain(p, "SMTP", &server, gmail, SMTP_PORTS, detail);
    let user = account
        .username
        .as_deref()
        .or(owner_email)
        .filter(|u| !u.trim().is_empty());
    if account.host.is_none() && account.preset.is_none() {
        return report(Problem::NotConfigured, "no server given");
    }
    if user.is_none() {
        return report(Problem::NotConfigured, "no username given");
    }
    if account.password.as_ref().is_none_or(|p| p.is_empty()) {
        return report(Problem::NotConfigured, "no password given");
    }
    let smtp = match Smtp::new(account, owner_email) {
        Ok(s) => s,
        Err(SmtpError::NotConfigured(what)) => return report(Problem::NotConfigured, &what),
        Err(e) => return report(Problem::Other, &e.to_string()),
    };
    match tokio::time::timeout(CHECK_TIMEOUT, smtp.check()).await {
        Err(_) => report(Problem::Timeout, ""),
        Ok(Ok(())) => report(Problem::Ok, ""),
        Ok(Err(e)) => {
            let (problem, detail) = smtp_problem(&e);
            report(problem, &detail)
        }
    }
}

const IMAP_PORTS: &str = "port 993 uses tls, port 143 uses starttls";

/// Logs in to the IMAP server of `account` (the username defaults to `owner_email`), opens
/// INBOX and looks for the Sent folder. Never fails: every outcome is a report.
pub async fn imap(account: &Account, owner_email: Option<&str>) -> CheckReport {
    use crate::mail::imap::{sync::check, ImapError, Target};
    let gmail = is_gmail(account);
    let default_port = |s| match s {
        Security::Tls => 993,
        Security::Starttls | Security::Plain => 143,
    };
    let mut shown = account.clone();
    shown.security = Some(account.security.unwrap_or(Security::Tls));
    let server = server(&shown, default_port, crate::mail::imap::connect::GMAIL_HOST);
    let report = |p: Problem, detail: &str| explain(p, "IMAP", &server, gmail, IMAP_PORTS, detail);
    if account.password.as_ref().is_some_and(|p| p.is_empty()) {
        return report(Problem::NotConfigured, "no password given");
    }
    let target = match Target::from_account(account, owner_email) {
        Ok(t) => t,
        Err(ImapError::NotConfigured(what)) => return report(Problem::NotConfigured, &what),
        Err(e) => return report(Problem::Other, &e.to_string()),
    };
    match tokio::time::timeout(CHECK_TIMEOUT, check(&target)).await {
        Err(_) => report(Problem::Timeout, ""),
        Ok(Ok((count, sent))) => {
            let mut r = report(Problem::Ok, "");
            r.message = format!(
                "IMAP: logged in to {server}; INBOX holds {count} message(s){}",
                match sent {
                    Some(f) => format!(", sent mail is read from \"{f}\""),
                    None => ", but no Sent folder is marked (your replies from other apps will not be read)".into(),
                }
            );
            r
        }
        Ok(Err(e)) => {
            let problem = match &e {
                ImapError::NotConfigured(_) => Problem::NotConfigured,
                ImapError::Login { .. } => Problem::WrongPassword,
                ImapError::Tls { .. }
                | ImapError::NotSecure { .. }
                | ImapError::LoginNeedsTls { .. } => Problem::Tls,
                ImapError::UntrustedCertificate { .. } => Problem::UntrustedCertificate,
                ImapError::Unreachable { .. } => Problem::Unreachable,
                ImapError::Timeout { .. } => Problem::Timeout,
                ImapError::CaFile { .. }
                | ImapError::NoFolder { .. }
                | ImapError::Protocol { .. }
                | ImapError::Closed { .. } => Problem::Other,
            };
            let detail = match &e {
                ImapError::UntrustedCertificate { detail, .. }
                | ImapError::Login { detail, .. } => detail.clone(),
                ImapError::Tls { source, .. } => source.to_string(),
                ImapError::Unreachable { source, .. } => source.to_string(),
                other => other.to_string(),
            };
            let mut r = report(problem, &detail);
            if let ImapError::LoginNeedsTls { said, .. } = &e {
                // No secure connection failed: the server wants one before any password.
                r.message =
                    format!("{server} takes a password only over an encrypted connection ({said})");
                r.hint = Some(format!(
                    "Choose TLS or STARTTLS for this server: {IMAP_PORTS}."
                ));
            }
            r
        }
    }
}

/// SMTP's own answer first (535 and friends are the password), then the transport.
fn smtp_problem(e: &SmtpError) -> (Problem, String) {
    let SmtpError::Smtp { source, .. } = e else {
        return (Problem::Other, e.to_string());
    };
    let detail = innermost(source);
    let code = source.status().map(|c| c.to_string());
    if code.as_deref().is_some_and(|c| c == "535" || c == "534") {
        return (Problem::WrongPassword, detail);
    }
    if let Some(p) = transport_problem(source) {
        return (p, detail);
    }
    if source.is_timeout() {
        return (Problem::Timeout, detail);
    }
    if source.is_tls() {
        return (Problem::Tls, detail);
    }
    (Problem::Other, source.to_string())
}

/// The deepest message of an error chain: the most specific words ("invalid peer certificate:
/// UnknownIssuer") without the layers of "connection error:" around it.
fn innermost(e: &(dyn Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_serialise_snake_case() {
        let r = CheckReport::problem(Problem::WrongPassword, "m", None);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["problem"], "wrong_password");
        assert_eq!(json["ok"], false);
        assert_eq!(
            serde_json::to_value(Problem::UntrustedCertificate).unwrap(),
            "untrusted_certificate"
        );
    }

    #[test]
    fn transport_chains_are_read_through_io_errors() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(transport_problem(&refused), Some(Problem::Unreachable));
        let cert = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        assert_eq!(
            transport_problem(&cert),
            Some(Problem::UntrustedCertificate)
        );
        let tls = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
        );
        assert_eq!(transport_problem(&tls), Some(Problem::Tls));
        let other = std::io::Error::other("something else");
        assert_eq!(transport_problem(&other), None);
    }

    #[tokio::test]
    async fn missing_pieces_are_not_configured_without_connecting() {
        let r = smtp(&Account::default(), None).await;
        assert_eq!(r.problem, Problem::NotConfigured);
        let gmail = Account {
            preset: Some(Preset::Gmail),
            ..Account::default()
        };
        let r = smtp(&gmail, Some("rosa@gmail.com")).await;
        assert_eq!(r.problem, Problem::NotConfigured);
        assert!(r.message.contains("password"), "{}", r.message);
        assert!(r.hint.unwrap().contains("app password"));
    }
}
