//! Opening a link from a mail outside the window: in the owner's browser, mail or phone app,
//! through the desktop's own opener (`xdg-open` on Linux, `open` on macOS, `explorer` on
//! Windows). `DESKBELL_OPENER` names another program (the end-to-end test records what would
//! open with it). The window never navigates to a mail's link itself.
//!
//! Whatever the page sends is checked again here, as if the page were hostile: only a URL that
//! parses (WHATWG, the `url` crate) with the scheme `http` or `https` (and a host), `mailto` or
//! `tel` is opened — the schemes the sanitizer keeps (`deskbell::mail::sanitize`). It is passed
//! as one argument, never through a shell.

use std::ffi::OsString;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use url::Url;

/// The environment variable that names another opener program.
pub const OPENER_VAR: &str = "DESKBELL_OPENER";

/// A link the page asked to open that is not one we open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("cannot open a {0}: link: only web, mail and phone links open from a mail")]
    Scheme(String),
    #[error("cannot open this link: it is not a valid address")]
    Invalid,
    #[error("cannot open this link: it names no web site")]
    NoHost,
}

/// `link` as it will be opened, if it is an absolute http(s), mailto or tel URL. A link with
/// spaces or control characters in it is refused rather than repaired (the parser would drop
/// tabs and newlines silently; the sanitizer never lets such a link through anyway).
pub fn checked(link: &str) -> Result<Url, LinkError> {
    if link.is_empty() || link.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(LinkError::Invalid);
    }
    let url = Url::parse(link).map_err(|_| LinkError::Invalid)?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_none_or(str::is_empty) => Err(LinkError::NoHost),
        "http" | "https" => Ok(url),
        "mailto" | "tel" if url.path().is_empty() => Err(LinkError::Invalid),
        "mailto" | "tel" => Ok(url),
        other => Err(LinkError::Scheme(other.to_string())),
    }
}

/// The opener could not be run, or said it failed.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open the link: {program} cannot be started")]
    Start {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the link: {program} could not open it (it ended with {status})")]
    Failed {
        program: String,
        status: std::process::ExitStatus,
    },
}

/// The program that opens links, and the arguments before the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opener {
    program: OsString,
    args: Vec<OsString>,
}

/// How long an opener may take to say it failed; one still running then (a browser started in
/// the foreground) counts as opened, and is waited for in the background.
const VERDICT_WITHIN: Duration = Duration::from_secs(2);

impl Opener {
    /// This desktop's own opener.
    pub fn system() -> Self {
        let program = if cfg!(target_os = "macos") {
            "open"
        } else if cfg!(windows) {
            "explorer"
        } else {
            "xdg-open"
        };
        Self::program(program)
    }

    /// `program`, called with the link as its only argument.
    pub fn program(program: impl Into<OsString>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
        }
    }

    /// `DESKBELL_OPENER` if it is set (and not empty), else [`Opener::system`].
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Self {
        env(OPENER_VAR)
            .filter(|p| !p.trim().is_empty())
            .map_or_else(Self::system, Self::program)
    }

    /// Runs the opener on `url` (blocking for at most [`VERDICT_WITHIN`]).
    pub fn open(&self, url: &Url) -> Result<(), OpenError> {
        let name = self.program.to_string_lossy().into_owned();
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .arg(url.as_str())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| OpenError::Start {
                program: name.clone(),
                source,
            })?;
        let start = Instant::now();
        while start.elapsed() < VERDICT_WITHIN {
            match child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => {
                    return Err(OpenError::Failed {
                        program: name,
                        status,
                    })
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(_) => break,
            }
        }
        std::thread::spawn(move || child.wait());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_mail_and_phone_links_pass() {
        for ok in [
            "https://shop.example/orders/1042?x=1#top",
            "http://127.0.0.1:8080/",
            "mailto:rosa@shop.example?subject=Hi",
            "tel:+34600000000",
            "HTTPS://Shop.Example/A",
        ] {
            assert!(checked(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            checked("HTTPS://Shop.Example/A").unwrap().as_str(),
            "https://shop.example/A"
        );
        let scheme = |s: &str| Err(LinkError::Scheme(s.to_string()));
        assert_eq!(checked("javascript:alert(1)"), scheme("javascript"));
        assert_eq!(checked("file:///etc/passwd"), scheme("file"));
        assert_eq!(checked("data:text/html,<b>x</b>"), scheme("data"));
        assert_eq!(checked("ftp://files.example/a"), scheme("ftp"));
        for bad in [
            "",
            "/account/reset",
            "shop.example",
            " https://shop.example",
            "java\tscript:alert(1)",
            "https://shop.example/\n",
            "https://",
            "mailto:",
        ] {
            assert!(checked(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_environment_can_name_the_opener() {
        let env = |k: &str| (k == OPENER_VAR).then(|| "/tmp/record".to_string());
        assert_eq!(Opener::from_env(env), Opener::program("/tmp/record"));
        assert_eq!(Opener::from_env(|_| None), Opener::system());
        assert_eq!(Opener::from_env(|_| Some(" ".into())), Opener::system());
    }
}
