//! One HTTP/1.1 GET, over TLS for `https`, and each way it can fail named for the owner:
//! the name does not resolve, nothing listens, TLS refused (and why), no HTTP answer.
//! Redirects are returned, not followed. The caller bounds the whole exchange with a timeout.

use super::{ReachError, Target, TlsFailure};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use rustls::pki_types::ServerName;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// An answer larger than this is not Deskbell's `/health`.
const MAX_BODY: usize = 64 * 1024;

pub(super) struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub body: Bytes,
}

pub(super) async fn get(
    target: &Target,
    path_and_query: &str,
    roots: Arc<rustls::RootCertStore>,
) -> Result<Answer, ReachError> {
    let tcp = connect(target).await?;
    if target.https {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| tls_error(target, &e))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name =
            ServerName::try_from(target.host.clone()).map_err(|_| ReachError::InvalidUrl {
                url: target.url.clone(),
                why: "the host is not a valid name for TLS",
            })?;
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let tls = connector.connect(name, tcp).await.map_err(|e| {
            match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                Some(r) => tls_error(target, r),
                None => ReachError::Tls {
                    host: target.host.clone(),
                    failure: TlsFailure::Other(format!("the handshake broke off ({e})")),
                },
            }
        })?;
        exchange(target, tls, path_and_query).await
    } else {
        exchange(target, tcp, path_and_query).await
    }
}

async fn connect(target: &Target) -> Result<TcpStream, ReachError> {
    let addrs: Vec<_> = tokio::net::lookup_host((target.host.as_str(), target.port))
        .await
        .map_err(|_| ReachError::Dns {
            host: target.host.clone(),
        })?
        .collect();
    if addrs.is_empty() {
        return Err(ReachError::Dns {
            host: target.host.clone(),
        });
    }
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    let e = last.expect("at least one address was tried");
    let addr = target.authority();
    Err(match e.kind() {
        std::io::ErrorKind::ConnectionRefused => ReachError::Refused { addr },
        _ => ReachError::Unreachable {
            addr,
            reason: e.to_string(),
        },
    })
}

async fn exchange<S>(target: &Target, io: S, path_and_query: &str) -> Result<Answer, ReachError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let no_answer = |detail: String| ReachError::NotDeskbell {
        status: None,
        detail,
    };
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(io))
            .await
            .map_err(|e| no_answer(format!("it did not speak HTTP ({e})")))?;
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let request = hyper::Request::get(path_and_query)
        .header(hyper::header::HOST, target.host_header())
        .header(
            hyper::header::USER_AGENT,
            concat!("deskbell-reach/", env!("CARGO_PKG_VERSION")),
        )
        .header(hyper::header::ACCEPT, "application/json")
        .header(hyper::header::CACHE_CONTROL, "no-cache")
        .body(Empty::<Bytes>::new())
        .map_err(|e| no_answer(format!("cannot build the request ({e})")))?;
    let result = async {
        let resp = sender.send_request(request).await.map_err(|e| {
            no_answer(format!(
                "it closed the connection without an HTTP answer ({e})"
            ))
        })?;
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get(hyper::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = Limited::new(resp.into_body(), MAX_BODY)
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        Ok(Answer {
            status,
            location,
            body,
        })
    }
    .await;
    driver.abort();
    result
}

fn tls_error(target: &Target, e: &rustls::Error) -> ReachError {
    use rustls::CertificateError as C;
    let failure = match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer | C::BadSignature | C::UnhandledCriticalExtension => {
                TlsFailure::Untrusted
            }
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsFailure::NameMismatch,
            C::Expired | C::ExpiredContext { .. } => TlsFailure::Expired,
            _ => TlsFailure::Other(e.to_string()),
        },
        rustls::Error::InvalidMessage(_) => {
            TlsFailure::Other("it does not speak TLS there (plain http on that port?)".into())
        }
        other => TlsFailure::Other(other.to_string()),
    };
    ReachError::Tls {
        host: target.host.clone(),
        failure,
    }
}
