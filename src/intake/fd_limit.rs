//! The process's open-file limit (`RLIMIT_NOFILE`). Every connection to the intake listener
//! holds a descriptor, and most Linux desktops start programs with a soft limit of 1,024: a
//! thousand idle sockets would leave none for the store, the mail connections or real
//! visitors. [`raise`] lifts the soft limit to the hard one (which needs no privilege) once
//! at start (`Deskbell::start`); the listener's connection cap is then sized below it
//! (`listen::Limits`), so `accept` never runs out of descriptors.
//!
//! It never lowers a limit and never touches the hard limit. Children (the tunnel program)
//! inherit the raised soft limit, as they would from a shell with `ulimit -n` raised.

use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};

/// A ceiling for an unlimited hard limit (macOS may report one; `setrlimit` then refuses
/// anything above `OPEN_MAX`), and Linux's default `nr_open`.
const CEILING: u64 = 1 << 20;

/// The soft limit before and after [`raise`], and the hard limit (`None`: unlimited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdLimit {
    pub before: Option<u64>,
    pub soft: Option<u64>,
    pub hard: Option<u64>,
}

/// Raises the soft open-file limit to the hard limit and says what it is now. A refusal
/// leaves the limit as it was (logged at debug): the listener sizes itself to what it got.
pub fn raise() -> FdLimit {
    let was = getrlimit(Resource::Nofile);
    let target = was.maximum.unwrap_or(CEILING);
    if was.current.is_some_and(|soft| soft < target) {
        let new = Rlimit {
            current: Some(target),
            maximum: was.maximum,
        };
        if let Err(e) = setrlimit(Resource::Nofile, new) {
            tracing::debug!(error = %e, target, "cannot raise the open-file limit");
        }
    }
    let now = getrlimit(Resource::Nofile);
    let limit = FdLimit {
        before: was.current,
        soft: now.current,
        hard: now.maximum,
    };
    tracing::debug!(
        before = ?limit.before,
        soft = ?limit.soft,
        hard = ?limit.hard,
        "open-file limit"
    );
    limit
}

/// The soft open-file limit now (`None`: unlimited).
pub fn soft() -> Option<u64> {
    getrlimit(Resource::Nofile).current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raising_reaches_the_hard_limit_and_is_idempotent() {
        let first = raise();
        if let Some(hard) = first.hard {
            assert_eq!(first.soft, Some(hard), "{first:?}");
        }
        assert!(
            first.soft >= first.before || first.soft.is_none(),
            "{first:?}"
        );
        let second = raise();
        assert_eq!(second.before, first.soft, "{second:?}");
        assert_eq!(second.soft, first.soft, "{second:?}");
        assert_eq!(soft(), second.soft);
    }
}
