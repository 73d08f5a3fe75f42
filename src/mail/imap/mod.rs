//! Reading the owner's mailbox over IMAP (RFC 3501, IDLE RFC 2177, SPECIAL-USE RFC 6154):
//! `connect` opens an authenticated session (implicit TLS, STARTTLS, or plain to loopback
//! only), `fetch` reads messages with `BODY.PEEK` only (the owner's read/unread state never
//! changes), `sync` is the worker that keeps INBOX and the `\Sent` folder imported exactly
//! once. Threading and storing are the inbound pipeline's job (`mail::import`), not this one's.

pub mod connect;
pub mod fetch;
mod folders;
mod health;
pub mod plan;
pub mod sent_copy;
pub mod sync;
mod words;

pub use connect::{connect, Session, Target};

/// What went wrong talking to the IMAP server, in words the owner can act on.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("IMAP is not configured: {0}")]
    NotConfigured(String),
    #[error(
        "refusing to send the IMAP password unencrypted to {host}: use imap.security = \"tls\" \
         or \"starttls\" (plain is only allowed to this computer)"
    )]
    NotSecure { host: String },
    #[error("cannot read the CA file {path}")]
    CaFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot reach the IMAP server {server} ({source}); check imap.host and imap.port")]
    Unreachable {
        server: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the IMAP server {server} did not answer in time")]
    Timeout { server: String },
    #[error(
        "the secure connection to the IMAP server {server} failed ({source}); check \
         imap.security (\"tls\" for port 993, \"starttls\" for 143)"
    )]
    Tls {
        server: String,
        #[source]
        source: Cause,
    },
    /// `detail` is the certificate verdict as rustls names it (`UnknownIssuer`), which is
    /// what the owner or their admin can look up; the I/O error carrying it is the source.
    #[error(
        "the certificate of the IMAP server {server} is not trusted ({detail}); set imap.ca_file \
         if it uses a private CA"
    )]
    UntrustedCertificate {
        server: String,
        detail: String,
        #[source]
        source: std::io::Error,
    },
    /// `detail` is what the server said, in its own words (`words::server_words`).
    #[error(
        "the IMAP server {server} refused the password for {user} (it said: {detail}); check \
         the password (for Gmail: an app password, with IMAP enabled in Gmail's settings)"
    )]
    Login {
        server: String,
        user: String,
        detail: String,
    },
    /// The server takes a password only over TLS, and the connection is plain: it announced
    /// `LOGINDISABLED` (RFC 3501 §6.2.3, so LOGIN is never sent) or refused the LOGIN saying
    /// so. `said` is how we know: `it announces LOGINDISABLED` or `it said: …`.
    #[error(
        "the IMAP server {server} takes a password only over an encrypted connection ({said}); \
         set imap.security = \"starttls\" (port 143) or \"tls\" (port 993)"
    )]
    LoginNeedsTls { server: String, said: String },
    /// The server (or something between) ended a connection that had worked: a restart, an
    /// idle connection dropped. Reconnecting is the whole fix, so no setting is blamed.
    #[error("the IMAP server {server} closed the connection")]
    Closed { server: String },
    #[error("the IMAP server {server} has no folder {folder}")]
    NoFolder { server: String, folder: String },
    #[error("the IMAP connection to {server} failed: {source}")]
    Protocol {
        server: String,
        #[source]
        source: Cause,
    },
}

/// The underlying failure: the library's error, or our own words where the server's
/// behaviour (not an error value) is the cause.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

impl ImapError {
    /// Worth retrying by itself (network, server restart); otherwise the owner must fix
    /// something (password, TLS, configuration) and retrying only slows the next attempt down.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Unreachable { .. }
                | Self::Timeout { .. }
                | Self::Protocol { .. }
                | Self::Closed { .. }
        )
    }

    /// A failure while talking to the server. A connection the other side ended becomes
    /// [`ImapError::Closed`]; a `NO`/`BAD` answer keeps only the server's words (async-imap
    /// words it as `code: None, info: Some("…")`, which no owner should read).
    pub(crate) fn protocol(server: &str, e: impl Into<Cause>) -> Self {
        let source: Cause = e.into();
        let server = server.to_string();
        if words::is_closed(&*source) {
            return Self::Closed { server };
        }
        Self::Protocol {
            server,
            source: words::plain(source),
        }
    }

    pub(crate) fn tls(server: &str, e: impl Into<Cause>) -> Self {
        Self::Tls {
            server: server.to_string(),
            source: e.into(),
        }
    }
}
