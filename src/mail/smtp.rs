//! Sending through SMTP with lettre (tokio + rustls): `starttls` (Gmail 587), `tls` (465), and
//! `plain` only to a loopback host (the config refuses it elsewhere). `ca_file` adds a trust
//! root. Every failure is classified for the outbox: transient (retry later) or permanent
//! (give up on this mail), and whether it is the account's fault (stop sending until fixed),
//! with a sentence an owner understands.

use crate::config::{Account, Security};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// Gmail's submission server, for the preset and the docs.
pub const GMAIL_HOST: &str = "smtp.gmail.com";

#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("SMTP is not configured: {0}")]
    NotConfigured(String),
    #[error("cannot read the CA file {path}")]
    CaFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot use {0:?} as an email address")]
    Address(String),
    #[error("{summary}")]
    Smtp {
        summary: String,
        class: Class,
        #[source]
        source: lettre::transport::smtp::Error,
    },
}

/// What the outbox should do about a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Try this mail again later (server busy, unreachable, 4xx).
    Transient,
    /// This mail cannot be sent (5xx for this message or recipient).
    Permanent,
    /// Nothing can be sent until the owner fixes the account (password, TLS): give up on this
    /// mail and pause sending.
    Account,
}

impl SmtpError {
    pub fn class(&self) -> Class {
        match self {
            Self::Smtp { class, .. } => *class,
            Self::Address(_) => Class::Permanent,
            Self::NotConfigured(_) | Self::CaFile { .. } => Class::Account,
        }
    }
    pub fn is_transient(&self) -> bool {
        self.class() == Class::Transient
    }
}

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    server: String,
}

impl Smtp {
    /// Builds the transport (no connection yet). `default_user` is the owner's address.
    pub fn new(account: &Account, default_user: Option<&str>) -> Result<Self, SmtpError> {
        let host = account.host_or_preset(GMAIL_HOST).ok_or_else(|| {
            SmtpError::NotConfigured("set smtp.host, or smtp.preset = \"gmail\"".into())
        })?;
        let security = account.security.unwrap_or(Security::Starttls);
        let port = account.port.unwrap_or(match security {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::Plain => 25,
        });
        let user = account
            .username
            .clone()
            .or_else(|| default_user.map(str::to_string));
        let server = format!("{host}:{port}");
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.clone())
            .port(port)
            .timeout(Some(Duration::from_secs(30)));
        if security != Security::Plain {
            let mut params = TlsParameters::builder(host.clone());
            if let Some(path) = &account.ca_file {
                let pem = std::fs::read(path).map_err(|source| SmtpError::CaFile {
                    path: path.display().to_string(),
                    source,
                })?;
                let cert = Certificate::from_pem(&pem)
                    .map_err(|e| classify(e, &server, "cannot read the CA file"))?;
                params = params.add_root_certificate(cert);
            }
            let params = params
                .build()
                .map_err(|e| classify(e, &server, "cannot set up TLS"))?;
            builder = builder.tls(match security {
                Security::Tls => Tls::Wrapper(params),
                _ => Tls::Required(params),
            });
        }
        if let (Some(user), Some(password)) = (user, account.password.as_ref()) {
            let password = password.expose().to_string();
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Self {
            transport: builder.build(),
            server,
        })
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    /// Connects and logs in: `doctor` and the settings' "Test connection".
    pub async fn check(&self) -> Result<(), SmtpError> {
        self.transport
            .test_connection()
            .await
            .map(|_| ())
            .map_err(|e| classify(e, &self.server, "cannot log in"))
    }

    /// Sends `raw` (a complete RFC 5322 message) from `from` to `to`.
    pub async fn send(&self, from: &str, to: &str, raw: &[u8]) -> Result<(), SmtpError> {
        let from: Address = from.parse().map_err(|_| SmtpError::Address(from.into()))?;
        let to_addr: Address = to.parse().map_err(|_| SmtpError::Address(to.into()))?;
        let envelope =
            Envelope::new(Some(from), vec![to_addr]).map_err(|_| SmtpError::Address(to.into()))?;
        self.transport
            .send_raw(&envelope, raw)
            .await
            .map(|_| ())
            .map_err(|e| classify(e, &self.server, "cannot send"))
    }
}

/// Whether a connection error was really the TLS handshake failing (lettre reports those as
/// connection errors, with rustls's error somewhere in the source chain).
fn tls_failure(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.is::<rustls::Error>() {
            return true;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io
                .get_ref()
                .is_some_and(|inner| inner.is::<rustls::Error>())
            {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

/// Turns lettre's error into a class and an owner-readable sentence.
fn classify(e: lettre::transport::smtp::Error, server: &str, doing: &str) -> SmtpError {
    let code = e.status().map(|c| c.to_string());
    let detail = e.to_string();
    let (class, summary) = if let Some(code) = code.as_deref().filter(|c| c.starts_with("53")) {
        // lettre keeps the server's reply text as the error's source: the owner reads it.
        let said = std::error::Error::source(&e)
            .map(|s| s.to_string())
            .filter(|s| !s.trim().is_empty())
            .map(|s| format!(", it said: {}", s.trim()))
            .unwrap_or_default();
        (
            Class::Account,
            format!(
                "{server} refused the username or password ({code}{said}). For Gmail, use an \
                 app password (Google Account → Security → App passwords), not your normal \
                 password"
            ),
        )
    } else if e.is_permanent() {
        (
            Class::Permanent,
            format!("{server} refused the message: {detail}"),
        )
    } else if e.is_transient() {
        (
            Class::Transient,
            format!("{server} is busy or deferring mail: {detail}"),
        )
    } else if e.is_tls() || tls_failure(&e) {
        (
            Class::Account,
            format!(
                "{doing}: the secure connection to {server} failed ({detail}). Check smtp.security \
                 (starttls for port 587, tls for 465) and the server certificate"
            ),
        )
    } else if e.is_client() {
        (Class::Account, format!("{doing}: {server}: {detail}"))
    } else if e.is_timeout() {
        (Class::Transient, format!("{server} did not answer in time"))
    } else {
        (
            Class::Transient,
            format!("cannot reach {server} ({detail}): is the computer online and the host and port right?"),
        )
    };
    SmtpError::Smtp {
        summary,
        class,
        source: e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;

    // The pooled transport needs a runtime even to be built.
    #[tokio::test]
    async fn gmail_preset_fills_the_server_and_explicit_keys_win() {
        let gmail = Account {
            preset: Some(Preset::Gmail),
            ..Account::default()
        };
        assert_eq!(
            Smtp::new(&gmail, Some("rosa@gmail.com")).unwrap().server(),
            "smtp.gmail.com:587"
        );
        let implicit = Account {
            preset: Some(Preset::Gmail),
            security: Some(Security::Tls),
            ..Account::default()
        };
        assert_eq!(
            Smtp::new(&implicit, None).unwrap().server(),
            "smtp.gmail.com:465"
        );
        let err = Smtp::new(&Account::default(), None).err().unwrap();
        assert!(err.to_string().contains("smtp.host"), "{err}");
        assert_eq!(err.class(), Class::Account);
    }
}
