//! The public address, checked: does `intake.public_url` (the owner's tunnel) reach **this**
//! Deskbell? [`check_public_url`] sends a fresh nonce through the address to
//! `GET /health?probe=<nonce>` and accepts only this install's proof back ([`key`]), so another
//! server, a stale tunnel or another laptop's Deskbell does not pass (docs/architecture.md,
//! "The reach probe"). Each failure is one [`ReachError`] in plain words; [`ReachReport`] is
//! what the window shows. Redirects are not followed. `deskbell doctor` and the window's Check
//! button call it; neither needs the listener's process: the proof is computed, not stored.

mod fetch;
mod key;

pub use key::{
    fresh_nonce, valid_nonce, well_formed_proof, ReachKey, DOMAIN, NONCE_LEN, PROOF_HEX,
};

use crate::random::Random;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a check may take before it says "timed out".
pub const REACH_TIMEOUT: Duration = Duration::from_secs(10);

/// Where a working public address can be reached from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// An https address: the widget can call it from any site.
    Public,
    /// 127.0.0.1, localhost, ::1: it works only on this computer.
    ThisComputer,
    /// Plain http to another computer: a widget on an https site cannot call it.
    PlainHttp,
}

/// The address reaches this Deskbell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    pub url: String,
    pub scope: Scope,
    pub elapsed: Duration,
}

impl std::fmt::Display for Reached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.elapsed.as_millis();
        match self.scope {
            Scope::Public => write!(f, "{} reaches this Deskbell ({ms} ms)", self.url),
            Scope::ThisComputer => write!(
                f,
                "{} reaches this Deskbell, but only from this computer: visitors' browsers \
                 cannot reach it. Set intake.public_url to your tunnel's https address",
                self.url
            ),
            Scope::PlainHttp => write!(
                f,
                "{} reaches this Deskbell, but over plain http: a widget on an https site \
                 cannot call it (browsers block mixed content). Use the tunnel's https address",
                self.url
            ),
        }
    }
}

/// Why a TLS handshake failed, as far as rustls says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsFailure {
    Untrusted,
    NameMismatch,
    Expired,
    Other(String),
}

impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Untrusted => f.write_str(
                "the certificate is not trusted (self-signed, or from an unknown authority)",
            ),
            Self::NameMismatch => f.write_str("the certificate is for another name"),
            Self::Expired => f.write_str("the certificate has expired"),
            Self::Other(why) => f.write_str(why),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReachError {
    #[error(
        "intake.public_url is not set: the widget snippet points at this computer, and \
         visitors on the internet cannot reach it. Set it to your tunnel's https address"
    )]
    NotSet,
    #[error("{url} is not a valid http(s) address: {why}")]
    InvalidUrl { url: String, why: &'static str },
    #[error("the name {host} does not resolve (DNS): check the address, or the tunnel's name")]
    Dns { host: String },
    #[error("nothing is listening at {addr} (connection refused)")]
    Refused { addr: String },
    /// `reason`: the system's words (network unreachable, …); a refusal is [`Self::Refused`].
    #[error("cannot connect to {addr}: {reason}")]
    Unreachable { addr: String, reason: String },
    #[error("TLS failed with {host}: {failure}")]
    Tls { host: String, failure: TlsFailure },
    #[error("no answer within {} s (timed out)", .after.as_secs_f32())]
    Timeout { after: Duration },
    #[error(
        "it answers HTTP {status} with a redirect{}; redirects are not followed: set \
         intake.public_url to the address that answers itself",
        .location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default()
    )]
    Redirect {
        status: u16,
        location: Option<String>,
    },
    #[error("{}", not_deskbell(*.status, .detail))]
    NotDeskbell { status: Option<u16>, detail: String },
    #[error(
        "it reaches another Deskbell, not this one (its proof does not match this install's \
         key): a stale tunnel, or one that forwards to another computer"
    )]
    OtherDeskbell,
}

fn not_deskbell(status: Option<u16>, detail: &str) -> String {
    match status {
        Some(s @ (502..=504)) => format!(
            "it answers HTTP {s} {}, not Deskbell: the tunnel reaches nothing behind it. Is \
             Deskbell running, and does the tunnel forward to its listener?",
            reason(s)
        ),
        Some(s) => format!(
            "it answers HTTP {s} {}, but it is not Deskbell ({detail})",
            reason(s)
        ),
        None => format!("it answers, but it is not Deskbell: {detail}"),
    }
}

fn reason(status: u16) -> &'static str {
    hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// A public address taken apart: scheme, host (IPv6 without brackets), port, base path.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    url: String,
    https: bool,
    host: String,
    port: u16,
    /// Without a trailing slash; empty for the root.
    base_path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Self, ReachError> {
        let url = url.trim().trim_end_matches('/').to_string();
        let bad = |why| ReachError::InvalidUrl {
            url: url.clone(),
            why,
        };
        let (https, rest) = if let Some(r) = strip_prefix_ci(&url, "https://") {
            (true, r)
        } else if let Some(r) = strip_prefix_ci(&url, "http://") {
            (false, r)
        } else {
            return Err(bad("it must start with https:// (or http://)"));
        };
        if rest.contains(['?', '#']) {
            return Err(bad("it must not hold a query (?) or a fragment (#)"));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(bad("it must not hold a user name or password"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("an unclosed [ in the host"))?;
            (h.to_string(), after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (authority.to_string(), None),
            }
        };
        let valid_host = !host.is_empty()
            && (host.parse::<IpAddr>().is_ok()
                || host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'));
        if !valid_host {
            return Err(bad("the host name is missing or not valid"));
        }
        let port = match port {
            None => {
                if https {
                    443
                } else {
                    80
                }
            }
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| bad("the port is not a number from 1 to 65535"))?,
        };
        if path.bytes().any(|b| b <= b' ' || b >= 0x7f) {
            return Err(bad(
                "the path holds spaces or characters that must be encoded",
            ));
        }
        Ok(Self {
            https,
            host: host.to_ascii_lowercase(),
            port,
            base_path: path.to_string(),
            url,
        })
    }

    /// `host:port` as the owner would write it.
    fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    fn host_header(&self) -> String {
        let default = if self.https { 443 } else { 80 };
        if self.port == default {
            if self.host.contains(':') {
                format!("[{}]", self.host)
            } else {
                self.host.clone()
            }
        } else {
            self.authority()
        }
    }

    fn is_this_computer(&self) -> bool {
        let h = self.host.as_str();
        h == "localhost"
            || h.ends_with(".localhost")
            || h.parse::<IpAddr>()
                .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

/// Whether a snippet pointing at `url` reaches only this computer (loopback, or not an
/// address at all).
pub fn points_at_this_computer(url: &str) -> bool {
    Target::parse(url).map_or(true, |t| t.is_this_computer())
}

/// The public roots (webpki-roots): what a visitor's browser would trust, near enough.
pub fn public_roots() -> Arc<rustls::RootCertStore> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    Arc::new(roots)
}

/// Checks that `url` reaches the Deskbell whose install key is `key`, with a nonce drawn from
/// `random`, within `timeout`; certificates are checked against the public roots.
pub async fn check_public_url(
    url: Option<&str>,
    key: &ReachKey,
    random: &dyn Random,
    timeout: Duration,
) -> Result<Reached, ReachError> {
    check_public_url_with_roots(url, key, random, timeout, public_roots()).await
}

/// [`check_public_url`] trusting `roots` (tests pass their own authority).
pub async fn check_public_url_with_roots(
    url: Option<&str>,
    key: &ReachKey,
    random: &dyn Random,
    timeout: Duration,
    roots: Arc<rustls::RootCertStore>,
) -> Result<Reached, ReachError> {
    let url = url.map(str::trim).filter(|u| !u.is_empty());
    let target = Target::parse(url.ok_or(ReachError::NotSet)?)?;
    let nonce = fresh_nonce(random);
    let path = format!("{}/health?probe={nonce}", target.base_path);
    let started = Instant::now();
    let answer = tokio::time::timeout(timeout, fetch::get(&target, &path, roots))
        .await
        .map_err(|_| ReachError::Timeout { after: timeout })??;
    judge(&answer, key, &nonce)?;
    let scope = if target.is_this_computer() {
        Scope::ThisComputer
    } else if target.https {
        Scope::Public
    } else {
        Scope::PlainHttp
    };
    Ok(Reached {
        url: target.url,
        scope,
        elapsed: started.elapsed(),
    })
}

/// Is this answer this install's proof for `nonce`?
fn judge(answer: &fetch::Answer, key: &ReachKey, nonce: &str) -> Result<(), ReachError> {
    let status = answer.status;
    if (300..400).contains(&status) {
        return Err(ReachError::Redirect {
            status,
            location: answer.location.clone(),
        });
    }
    let not_deskbell = |detail: &str| ReachError::NotDeskbell {
        status: Some(status),
        detail: detail.to_string(),
    };
    let json: serde_json::Value = serde_json::from_slice(&answer.body)
        .map_err(|_| not_deskbell("its answer holds no Deskbell proof"))?;
    let proof = json.get("proof").and_then(|p| p.as_str());
    let Some(proof) = proof.filter(|p| well_formed_proof(p)) else {
        return Err(
            if json.get("status").is_some() && json.get("version").is_some() {
                not_deskbell("no proof in its answer: a Deskbell too old to be checked?")
            } else {
                not_deskbell("its answer holds no Deskbell proof")
            },
        );
    };
    if status != 200 {
        return Err(not_deskbell("a proof came with an error status"));
    }
    if json.get("probe").and_then(|p| p.as_str()) != Some(nonce) {
        return Err(not_deskbell(
            "it answered an earlier check (a cache between the tunnel and Deskbell?)",
        ));
    }
    if key.verifies(nonce, proof) {
        Ok(())
    } else {
        Err(ReachError::OtherDeskbell)
    }
}

/// What the window shows after "Check": one verdict, its sentence, and whether it works.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReachVerdict {
    Ok,
    ThisComputer,
    PlainHttp,
    NotSet,
    InvalidUrl,
    Dns,
    Refused,
    Unreachable,
    Tls,
    Timeout,
    Redirect,
    NotDeskbell,
    OtherDeskbell,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReachReport {
    /// The address reaches this Deskbell (possibly with a warning: see `verdict`).
    pub ok: bool,
    pub verdict: ReachVerdict,
    pub message: String,
    /// The address checked (none when not set).
    pub url: Option<String>,
}

impl ReachReport {
    pub fn new(url: Option<&str>, result: &Result<Reached, ReachError>) -> Self {
        let url = url
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_string);
        let (ok, verdict, message) = match result {
            Ok(r) => (
                true,
                match r.scope {
                    Scope::Public => ReachVerdict::Ok,
                    Scope::ThisComputer => ReachVerdict::ThisComputer,
                    Scope::PlainHttp => ReachVerdict::PlainHttp,
                },
                r.to_string(),
            ),
            Err(e) => (false, e.verdict(), e.to_string()),
        };
        Self {
            ok,
            verdict,
            message,
            url,
        }
    }
}

impl ReachError {
    pub fn verdict(&self) -> ReachVerdict {
        match self {
            Self::NotSet => ReachVerdict::NotSet,
            Self::InvalidUrl { .. } => ReachVerdict::InvalidUrl,
            Self::Dns { .. } => ReachVerdict::Dns,
            Self::Refused { .. } => ReachVerdict::Refused,
            Self::Unreachable { .. } => ReachVerdict::Unreachable,
            Self::Tls { .. } => ReachVerdict::Tls,
            Self::Timeout { .. } => ReachVerdict::Timeout,
            Self::Redirect { .. } => ReachVerdict::Redirect,
            Self::NotDeskbell { .. } => ReachVerdict::NotDeskbell,
            Self::OtherDeskbell => ReachVerdict::OtherDeskbell,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_or_say_why_not() {
        let t = Target::parse("HTTPS://Support.Rosa.example/").unwrap();
        assert_eq!(
            (t.https, t.host.as_str(), t.port),
            (true, "support.rosa.example", 443)
        );
        assert_eq!(t.host_header(), "support.rosa.example");
        let t = Target::parse("http://127.0.0.1:7878/desk").unwrap();
        assert_eq!((t.port, t.base_path.as_str()), (7878, "/desk"));
        assert!(t.is_this_computer());
        let t = Target::parse("http://[::1]:80").unwrap();
        assert_eq!(
            (t.host.as_str(), t.host_header().as_str()),
            ("::1", "[::1]")
        );
        assert!(t.is_this_computer());
        assert!(!Target::parse("https://help.example")
            .unwrap()
            .is_this_computer());
        for bad in [
            "ftp://x.example",
            "support.example",
            "https://",
            "https://a b.example",
            "https://x.example:0",
            "https://x.example:99999",
            "https://u:p@x.example",
            "https://x.example/?a=1",
        ] {
            let e = Target::parse(bad).unwrap_err();
            assert!(matches!(e, ReachError::InvalidUrl { .. }), "{bad}: {e}");
            assert!(e.to_string().contains("not a valid http(s) address"), "{e}");
        }
        assert!(points_at_this_computer("http://127.0.0.1:7878"));
        assert!(points_at_this_computer("http://localhost:7878"));
        assert!(!points_at_this_computer("https://support.rosa.example"));
    }

    #[test]
    fn answers_are_judged_by_their_proof() {
        let key = ReachKey::new(crate::mail::marks::Secret([3; 32]));
        let other = ReachKey::new(crate::mail::marks::Secret([4; 32]));
        let nonce = "n0nce-n0nce-n0nce";
        let answer = |status, body: serde_json::Value| fetch::Answer {
            status,
            location: None,
            body: body.to_string().into(),
        };
        let good = serde_json::json!({"status": "ok", "probe": nonce, "proof": key.proof(nonce)});
        assert!(judge(&answer(200, good.clone()), &key, nonce).is_ok());
        let theirs =
            serde_json::json!({"status": "ok", "probe": nonce, "proof": other.proof(nonce)});
        assert!(matches!(
            judge(&answer(200, theirs), &key, nonce),
            Err(ReachError::OtherDeskbell)
        ));
        let e = judge(&answer(502, serde_json::json!("Bad Gateway")), &key, nonce).unwrap_err();
        assert!(e.to_string().contains("HTTP 502 Bad Gateway"), "{e}");
        assert!(e.to_string().contains("reaches nothing"), "{e}");
        let e = judge(
            &answer(200, serde_json::json!({"proof": "zz"})),
            &key,
            nonce,
        )
        .unwrap_err();
        assert!(e.to_string().contains("not Deskbell"), "{e}");
        let stale = serde_json::json!({"probe": "another-nonce-123", "proof": key.proof(nonce)});
        let e = judge(&answer(200, stale), &key, nonce).unwrap_err();
        assert!(e.to_string().contains("earlier check"), "{e}");
        let redirect = fetch::Answer {
            status: 301,
            location: Some("https://elsewhere.example/".into()),
            body: Default::default(),
        };
        let e = judge(&redirect, &key, nonce).unwrap_err();
        assert!(e.to_string().contains("redirects are not followed"), "{e}");
    }
}
