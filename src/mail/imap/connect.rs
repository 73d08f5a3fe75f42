//! Opening an authenticated IMAP session: TCP, then TLS from the first byte (`tls`, Gmail
//! 993), STARTTLS (`starttls`, RFC 3501 §6.2.1), or nothing (`plain`, loopback only — the
//! test servers). Roots are Mozilla's (webpki-roots) plus an optional `ca_file`. Every failure
//! becomes an [`ImapError`] that says which part failed.

use super::ImapError;
use crate::config::{is_loopback_host, Account, Security};
use rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::timeout;

pub const GMAIL_HOST: &str = "imap.gmail.com";
/// Every network step gets this long before the attempt counts as failed.
const STEP: Duration = Duration::from_secs(30);
const GREETING: Duration = Duration::from_secs(10);

pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

pub type Session = async_imap::Session<Box<dyn Io>>;

/// Where and how to log in, resolved from the `[imap]` config section.
#[derive(Clone)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    password: crate::secrets::Password,
    pub ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// `default_user` is the owner's address (Gmail logs in with it).
    pub fn from_account(account: &Account, default_user: Option<&str>) -> Result<Self, ImapError> {
        let host = account.host_or_preset(GMAIL_HOST).ok_or_else(|| {
            ImapError::NotConfigured("set imap.host, or imap.preset = \"gmail\"".into())
        })?;
        let security = account.security.unwrap_or(Security::Tls);
        if security == Security::Plain && !is_loopback_host(&host) {
            return Err(ImapError::NotSecure { host });
        }
        let port = account.port.unwrap_or(match security {
            Security::Tls => 993,
            Security::Starttls | Security::Plain => 143,
        });
        let user = account
            .username
            .clone()
            .or_else(|| default_user.map(str::to_string))
            .ok_or_else(|| ImapError::NotConfigured("set imap.username".into()))?;
        let password = account
            .password
            .clone()
            .ok_or_else(|| ImapError::NotConfigured("set imap.password".into()))?;
        Ok(Self {
            host,
            port,
            security,
            user,
            password,
            ca_file: account.ca_file.clone(),
        })
    }

    pub fn server(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// Connects, secures and logs in.
pub async fn connect(t: &Target) -> Result<Session, ImapError> {
    let server = t.server();
    let tcp = match timeout(STEP, TcpStream::connect((t.host.as_str(), t.port))).await {
        Err(_) => return Err(ImapError::Timeout { server }),
        Ok(Err(e)) => return Err(ImapError::Unreachable { server, source: e }),
        Ok(Ok(s)) => s,
    };
    let _ = tcp.set_nodelay(true);
    // An IDLE connection is silent for minutes; after a laptop sleeps or a NAT forgets it, only
    // keepalive probes notice that it is dead (within about two minutes instead of at the next
    // IDLE refresh).
    let keepalive = socket2::TcpKeepalive::new()
        .with_time(Duration::from_secs(60))
        .with_interval(Duration::from_secs(15))
        .with_retries(4);
    let _ = socket2::SockRef::from(&tcp).set_tcp_keepalive(&keepalive);
    let stream: Box<dyn Io> = match t.security {
        Security::Plain => Box::new(tcp),
        Security::Tls => Box::new(tls(t, tcp).await?),
        Security::Starttls => {
            let mut client = async_imap::Client::new(tcp);
            greeting(&mut client, &server).await?;
            step(&server, client.run_command_and_check_ok("STARTTLS", None))
                .await?
                .map_err(|e| ImapError::tls(&server, StartTlsRefused(e)))?;
            Box::new(tls(t, client.into_inner()).await?)
        }
    };
    let mut client = async_imap::Client::new(stream);
    if t.security != Security::Starttls {
        greeting(&mut client, &server).await?;
    }
    match step(&server, client.login(&t.user, t.password.expose())).await? {
        Ok(session) => Ok(session),
        Err((async_imap::error::Error::No(detail), _)) => {
            let said = server_words(&detail);
            if wants_tls(&said) && t.security == Security::Plain {
                return Err(ImapError::LoginNeedsTls { server, said });
            }
            Err(ImapError::Login {
                server,
                user: t.user.clone(),
                detail: said,
            })
        }
        Err((e, _)) => Err(ImapError::protocol(&server, e)),
    }
}

async fn step<F: std::future::Future>(server: &str, f: F) -> Result<F::Output, ImapError> {
    timeout(STEP, f).await.map_err(|_| ImapError::Timeout {
        server: server.to_string(),
    })
}

async fn greeting<T: Io>(
    client: &mut async_imap::Client<T>,
    server: &str,
) -> Result<(), ImapError> {
    // A server that says nothing is usually a TLS port spoken to in plain text.
    let read = timeout(GREETING, client.read_response())
        .await
        .map_err(|_| {
            ImapError::tls(
                server,
                "no greeting: the port may expect TLS from the first byte",
            )
        })?;
    match read {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(ImapError::protocol(
            server,
            "the server closed the connection before greeting",
        )),
        Err(e) => Err(tls_or_protocol(server, e)),
    }
}

async fn tls(
    t: &Target,
    tcp: TcpStream,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, ImapError> {
    let server = t.server();
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &t.ca_file {
        let pem = std::fs::read(path).map_err(|source| ImapError::CaFile {
            path: path.display().to_string(),
            source,
        })?;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| ImapError::CaFile {
                path: path.display().to_string(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
            })?;
            roots.add(cert).map_err(|e| ImapError::CaFile {
                path: path.display().to_string(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ImapError::tls(&server, e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(t.host.clone()).map_err(|e| ImapError::tls(&server, e))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    match step(&server, connector.connect(name, tcp)).await? {
        Ok(s) => Ok(s),
        Err(e) => Err(tls_or_protocol(&server, e)),
    }
}

/// A TLS failure (handshake, certificate) or a plain I/O one.
fn tls_or_protocol(server: &str, e: std::io::Error) -> ImapError {
    let server = server.to_string();
    let verdict = match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        Some(rustls::Error::InvalidCertificate(c)) => Some(format!("{c:?}")),
        _ => None,
    };
    let is_tls = e
        .get_ref()
        .is_some_and(|i| i.downcast_ref::<rustls::Error>().is_some())
        || e.kind() == std::io::ErrorKind::InvalidData;
    match verdict {
        Some(detail) => ImapError::UntrustedCertificate {
            server,
            detail,
            source: e,
        },
        None if is_tls => ImapError::Tls {
            server,
            source: Box::new(e),
        },
        None => ImapError::Protocol {
            server,
            source: Box::new(e),
        },
    }
}

/// The server answered STARTTLS with NO or BAD (the cause keeps the server's words).
#[derive(Debug, thiserror::Error)]
#[error("the server refused STARTTLS: {0}")]
struct StartTlsRefused(#[source] async_imap::error::Error);

/// What the server said in a refusal, without the library's debug dress: async-imap reports
/// a `NO` as `code: Some(..), info: Some("text")`; the owner sees `text` (and the code's
/// name when there is no text).
pub(crate) fn server_words(detail: &str) -> String {
    let info = detail
        .split_once("info: Some(\"")
        .and_then(|(_, rest)| rest.rsplit_once("\")"))
        .map(|(text, _)| text.replace("\\\"", "\"").replace("\\\\", "\\"));
    let code = detail
        .split_once("code: Some(")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(code, _)| {
            code.trim_matches(|c: char| !c.is_alphanumeric())
                .to_string()
        });
    match (info.filter(|i| !i.trim().is_empty()), code) {
        (Some(info), _) => info.trim().to_string(),
        (None, Some(code)) if !code.is_empty() => code,
        _ if detail.contains("code:") => "no reason given".to_string(),
        _ => detail.trim().to_string(),
    }
}

/// Whether a refusal says the server takes a password only over an encrypted connection
/// (Cyrus: "Login only available under a layer"; RFC 5530's PRIVACYREQUIRED; LOGINDISABLED).
fn wants_tls(said: &str) -> bool {
    let l = said.to_ascii_lowercase();
    [
        "under a layer",
        "privacyrequired",
        "logindisabled",
        "plaintext",
        "requires tls",
        "starttls",
        "encrypt",
    ]
    .iter()
    .any(|w| l.contains(w))
}

#[cfg(test)]
mod words_tests {
    use super::{server_words, wants_tls};

    #[test]
    fn a_refusal_reads_as_the_servers_words() {
        assert_eq!(
            server_words(r#"code: None, info: Some("Login only available under a layer")"#),
            "Login only available under a layer"
        );
        assert_eq!(
            server_words(
                r#"code: Some(Alert), info: Some("[AUTHENTICATIONFAILED] Authentication failed.")"#
            ),
            "[AUTHENTICATIONFAILED] Authentication failed."
        );
        assert_eq!(server_words("code: Some(Alert), info: None"), "Alert");
        assert_eq!(server_words("code: None, info: None"), "no reason given");
        assert_eq!(server_words("plain words"), "plain words");
        assert!(wants_tls("Login only available under a layer"));
        assert!(wants_tls(
            "[PRIVACYREQUIRED] Plaintext authentication disallowed"
        ));
        assert!(!wants_tls("[AUTHENTICATIONFAILED] Authentication failed."));
    }
}
