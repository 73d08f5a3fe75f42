//! The daily sending budget. Gmail stops an account from sending for a day after about 500
//! messages in 24 hours (Workspace: 2,000), and the owner's own replies would stop with it. So
//! Deskbell counts what it sent over a rolling 24 hours, in the store (a restart does not
//! reset it), and keeps a part of `[mail] daily_send_limit` for the owner: automatic mail
//! (notifications, confirmations, digests) stops at [`AUTOMATIC_SHARE`] of it; replies may use
//! all of it. Mail over the budget is not dropped: it stays queued, marked with why, and goes
//! when a slot frees (24 hours after the oldest departure in the window).
//!
//! Pure: the worker asks with the counts from the store.

use crate::store::outbox::Kind;
use chrono::{DateTime, Duration, Utc};

/// The share of the daily limit automatic mail may use, in percent.
pub const AUTOMATIC_SHARE: u32 = 80;

/// The window the budget counts over.
pub fn window() -> Duration {
    Duration::hours(24)
}

/// What may go now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Send,
    /// Held until `until`; `why` is shown to the owner.
    Hold {
        until: DateTime<Utc>,
        why: String,
    },
}

/// How many of `limit` mail of `kind` may use.
pub fn cap(kind: Kind, limit: u32) -> u32 {
    if kind.is_automatic() {
        limit * AUTOMATIC_SHARE / 100
    } else {
        limit
    }
}

/// Whether a mail of `kind` may leave at `now`, given that `sent` left in the last 24 hours,
/// the first of them at `first`.
pub fn verdict(
    kind: Kind,
    limit: u32,
    sent: i64,
    first: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Verdict {
    let cap = cap(kind, limit);
    if sent < i64::from(cap) {
        return Verdict::Send;
    }
    // A slot frees when the oldest departure leaves the window; a second later to be past it.
    let until = first.map_or(now, |f| f + window()) + Duration::seconds(1);
    let why = if kind.is_automatic() {
        format!(
            "held: automatic mail has used its {cap} of the {limit} messages a day \
             (the rest is kept for your replies)"
        )
    } else {
        format!("held: the daily sending limit of {limit} messages is reached")
    };
    Verdict::Hold {
        until: until.max(now + Duration::seconds(1)),
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automatic_mail_leaves_the_last_fifth_to_the_owner() {
        let now: DateTime<Utc> = "2026-12-01T12:00:00Z".parse().unwrap();
        let first = Some(now - Duration::hours(20));
        assert_eq!(cap(Kind::Notification, 100), 80);
        assert_eq!(cap(Kind::Reply, 100), 100);
        assert_eq!(
            verdict(Kind::Confirmation, 100, 79, first, now),
            Verdict::Send
        );
        let Verdict::Hold { until, why } = verdict(Kind::Notification, 100, 80, first, now) else {
            panic!("the 81st automatic mail waits")
        };
        assert_eq!(until, now + Duration::hours(4) + Duration::seconds(1));
        assert!(why.contains("80 of the 100"), "{why}");
        assert_eq!(verdict(Kind::Reply, 100, 80, first, now), Verdict::Send);
        assert_eq!(verdict(Kind::Reply, 100, 99, first, now), Verdict::Send);
        let Verdict::Hold { why, .. } = verdict(Kind::Reply, 100, 100, first, now) else {
            panic!("not even a reply past the limit")
        };
        assert!(why.contains("limit of 100"), "{why}");
    }

    #[test]
    fn a_hold_is_never_in_the_past() {
        let now: DateTime<Utc> = "2026-12-01T12:00:00Z".parse().unwrap();
        // A first departure more than a day ago (a clock step) or none known.
        for first in [Some(now - Duration::hours(30)), None] {
            let Verdict::Hold { until, .. } = verdict(Kind::Reply, 10, 10, first, now) else {
                panic!()
            };
            assert!(until > now);
        }
    }
}
