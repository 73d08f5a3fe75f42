//! Logging to stderr for every Deskbell program, `DESKBELL_LOG` filtering (tracing's
//! env-filter syntax) — with one rule no filter can lift: the mail libraries' protocol traces
//! stay off. Below `info`, lettre writes every SMTP command it sends (`AUTH PLAIN <base64 of
//! the password>`) and async-imap every IMAP command (`LOGIN "owner" "<app password>"`); an
//! owner asked to send a `DESKBELL_LOG=trace` log must not send their password with it.

use tracing::{Level, Metadata};
use tracing_subscriber::filter::{filter_fn, FilterExt};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Crates whose `debug` and `trace` events carry protocol lines, credentials included.
const WIRE_TRACERS: &[&str] = &["async_imap", "imap_proto", "lettre"];

/// Whether an event may be logged at all: not the wire traces of [`WIRE_TRACERS`].
pub fn allowed(meta: &Metadata<'_>) -> bool {
    let target = meta.target();
    let wire = WIRE_TRACERS.iter().any(|c| {
        target
            .strip_prefix(c)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
    });
    !(wire && *meta.level() > Level::INFO)
}

/// Installs the logger: `DESKBELL_LOG`, else `default`, minus the wire traces.
pub fn init(default: &str) {
    let env = EnvFilter::try_from_env("DESKBELL_LOG").unwrap_or_else(|_| default.into());
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_filter(env.and(filter_fn(allowed)));
    let _ = tracing_subscriber::registry().with(layer).try_init();
}
