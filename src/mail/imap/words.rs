//! The server's words and the connection's fate, for messages an owner reads: what a `NO` or
//! `BAD` said without async-imap's debug dress (`code: None, info: Some("…")`), whether a
//! refusal asks for TLS, and whether a failure only means the other side hung up (a server
//! restart, a dropped idle connection), which is reported as such and never as a setting to
//! check.

use super::Cause;
use std::error::Error;
use std::io::ErrorKind;

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
pub(crate) fn wants_tls(said: &str) -> bool {
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

/// Whether `e` (or a cause of it) is the other side ending the connection: async-imap's
/// "connection lost", or an I/O error of the kinds a closed socket gives — including rustls's
/// "peer closed connection without sending TLS close_notify" (an `UnexpectedEof` whose text
/// carries a documentation URL) and async-imap's empty `ConnectionRefused` for a stream that
/// ended during IDLE.
pub(crate) fn is_closed(e: &(dyn Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if matches!(
            err.downcast_ref::<async_imap::error::Error>(),
            Some(async_imap::error::Error::ConnectionLost)
        ) {
            return true;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            match io.kind() {
                ErrorKind::UnexpectedEof
                | ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe => return true,
                ErrorKind::ConnectionRefused if io.to_string().is_empty() => return true,
                _ => {}
            }
        }
        cur = err.source();
    }
    false
}

/// The server's answer in words: a `NO` or `BAD` becomes what the server said; anything else
/// stays as it is.
pub(crate) fn plain(source: Cause) -> Cause {
    match source.downcast_ref::<async_imap::error::Error>() {
        Some(async_imap::error::Error::No(d)) => {
            Box::new(Said(format!("the server said NO: {}", server_words(d))))
        }
        Some(async_imap::error::Error::Bad(d)) => Box::new(Said(format!(
            "the server did not take the command: {}",
            server_words(d)
        ))),
        _ => source,
    }
}

/// A refusal, in the server's words.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Said(pub(crate) String);

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_hang_up_is_told_from_other_failures() {
        use async_imap::error::Error as E;
        let eof = std::io::Error::new(
            ErrorKind::UnexpectedEof,
            "peer closed connection without sending TLS close_notify: https://docs.rs/rustls",
        );
        assert!(is_closed(&E::Io(eof)));
        assert!(is_closed(&E::ConnectionLost));
        assert!(is_closed(&std::io::Error::from(ErrorKind::ConnectionReset)));
        assert!(is_closed(&E::Io(std::io::Error::new(
            ErrorKind::ConnectionRefused,
            ""
        ))));
        assert!(!is_closed(&E::Io(std::io::Error::new(
            ErrorKind::ConnectionRefused,
            "IDLE not supported"
        ))));
        assert!(!is_closed(&E::No("code: None, info: None".into())));
        let said = plain(Box::new(E::No(
            r#"code: None, info: Some("Mailbox doesn't exist: Nope")"#.into(),
        )));
        assert_eq!(
            said.to_string(),
            "the server said NO: Mailbox doesn't exist: Nope"
        );
    }
}
