//! Opening an authenticated IMAP session: TCP, then TLS from the first byte (`tls`, Gmail
//! 993), STARTTLS (`starttls`, RFC 3501 §6.2.1), or nothing (`plain`, loopback only — the
//! test servers). Roots are Mozilla's (webpki-roots) plus an optional `ca_file`. Every failure
//! becomes an [`ImapError`] that says which part failed. On a plain connection a server that
//! announces `LOGINDISABLED` (RFC 3501 §6.2.3, Cyrus before TLS) is never sent LOGIN.

use super::words::{server_words, wants_tls};
use super::ImapError;
use crate::config::{is_loopback_host, Account, Security};
use async_imap::imap_proto::{self, Response};
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
                .map_err(|e| ImapError::tls(&server, refused_starttls(e)))?;
            Box::new(tls(t, client.into_inner()).await?)
        }
    };
    let mut client = async_imap::Client::new(stream);
    let greeted = if t.security != Security::Starttls {
        greeting(&mut client, &server).await?
    } else {
        None
    };
    // On a plain connection a server may refuse passwords outright (Cyrus's default): it
    // announces LOGINDISABLED, and a client must not send LOGIN at all (the password would
    // cross the wire for nothing). Under TLS servers drop it; if one kept it, its NO says why.
    if t.security == Security::Plain {
        let disabled = match greeted {
            Some(d) => d,
            None => asks_login_disabled(&mut client, &server).await?,
        };
        if disabled {
            let _ = step(&server, client.run_command_and_check_ok("LOGOUT", None)).await;
            return Err(ImapError::LoginNeedsTls {
                server,
                said: "it announces LOGINDISABLED".into(),
            });
        }
    }
    match step(&server, client.login(&t.user, t.password.expose())).await? {
        Ok(session) => Ok(session),
        Err((async_imap::error::Error::No(detail), _)) => {
            let said = server_words(&detail);
            if wants_tls(&said) && t.security == Security::Plain {
                return Err(ImapError::LoginNeedsTls {
                    server,
                    said: format!("it said: {said}"),
                });
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

/// Reads the greeting; returns whether its capability list (if it has one) says
/// `LOGINDISABLED`.
async fn greeting<T: Io>(
    client: &mut async_imap::Client<T>,
    server: &str,
) -> Result<Option<bool>, ImapError> {
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
        Ok(Some(r)) => Ok(match r.parsed() {
            Response::Data {
                outcome:
                    imap_proto::Outcome {
                        code: Some(imap_proto::ResponseCode::Capabilities(caps)),
                        ..
                    },
                ..
            } => Some(login_disabled(caps)),
            _ => None,
        }),
        Ok(None) => Err(ImapError::Closed {
            server: server.to_string(),
        }),
        Err(e) => Err(tls_or_protocol(server, e)),
    }
}

/// Asks for the capabilities (`CAPABILITY`) and says whether they hold `LOGINDISABLED`.
async fn asks_login_disabled<T: Io>(
    client: &mut async_imap::Client<T>,
    server: &str,
) -> Result<bool, ImapError> {
    use tokio::io::AsyncWriteExt;
    // async-imap runs only its own commands before login; this one is written on the stream
    // with a tag of ours (the library has nothing buffered between its commands).
    const TAG: &str = "dbcap";
    let stream = client.get_mut();
    step(server, async {
        stream
            .write_all(format!("{TAG} CAPABILITY\r\n").as_bytes())
            .await?;
        stream.flush().await
    })
    .await?
    .map_err(|e| tls_or_protocol(server, e))?;
    let mut disabled = false;
    loop {
        let r = step(server, client.read_response())
            .await?
            .map_err(|e| tls_or_protocol(server, e))?
            .ok_or_else(|| ImapError::Closed {
                server: server.to_string(),
            })?;
        match r.parsed() {
            Response::Capabilities(caps) => disabled |= login_disabled(caps),
            Response::Done { tag, .. } if tag.0 == TAG => return Ok(disabled),
            _ => {}
        }
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
        Some(rustls::Error::InvalidCertificate(c)) => Some(c.to_string()),
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
        None => ImapError::protocol(&server, e),
    }
}

/// The server answered STARTTLS with NO or BAD (in the server's words).
#[derive(Debug, thiserror::Error)]
#[error("the server refused STARTTLS: {0}")]
struct StartTlsRefused(String);

fn refused_starttls(e: async_imap::error::Error) -> StartTlsRefused {
    match &e {
        async_imap::error::Error::No(d) | async_imap::error::Error::Bad(d) => {
            StartTlsRefused(server_words(d))
        }
        _ => StartTlsRefused(e.to_string()),
    }
}

/// Whether a capability list (the greeting's `[CAPABILITY …]` or a `CAPABILITY` answer)
/// holds `LOGINDISABLED`: LOGIN must not be sent on this connection (RFC 3501 §6.2.3).
fn login_disabled(caps: &[imap_proto::Capability<'_>]) -> bool {
    caps.iter().any(
        |c| matches!(c, imap_proto::Capability::Atom(a) if a.eq_ignore_ascii_case("LOGINDISABLED")),
    )
}
