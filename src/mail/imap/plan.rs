//! What a pass over one folder must fetch, decided from what the server says (`EXAMINE`) and
//! what the store remembers of the folder — pure, so each case is a table row in a test. The
//! sync worker (`sync.rs`) carries the plan out over IMAP.
//!
//! The rules (docs/architecture.md, "Flow 2: a reply back"):
//! - same UIDVALIDITY: only UIDs above the last one imported, each import advancing the state;
//!   nothing when UIDNEXT shows none arrived or the folder is empty;
//! - no state (the first sync): the candidates of the last `first_sync_days` days, found by
//!   SEARCH — never the whole mailbox — then the state jumps to the folder's last UID;
//! - a new UIDVALIDITY: the same look-back, plus everything since the day before the folder
//!   was last in sync (the importer's dedupe drops what is already stored).

use crate::store::mailbox::FolderState;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// What the server said of the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub uidvalidity: u32,
    pub uid_next: Option<u32>,
    pub exists: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Nothing arrived since the last import.
    UpToDate,
    /// Fetch the UIDs above `after`; each import advances the folder's state.
    Newer { after: u32 },
    /// Search candidates since `since` (and, after a UIDVALIDITY change, everything since
    /// `rescan_from`), import them, then record the folder as in sync up to its last UID.
    Scan {
        since: NaiveDate,
        rescan_from: Option<NaiveDate>,
    },
}

pub fn plan(
    stored: Option<&FolderState>,
    seen: Seen,
    now: DateTime<Utc>,
    first_sync_days: u32,
) -> Plan {
    match stored {
        Some(st) if st.uidvalidity == seen.uidvalidity => {
            let nothing_new = seen
                .uid_next
                .is_some_and(|n| n <= st.last_uid.saturating_add(1));
            if nothing_new || seen.exists == 0 {
                Plan::UpToDate
            } else {
                Plan::Newer { after: st.last_uid }
            }
        }
        previous => Plan::Scan {
            since: (now - Duration::days(i64::from(first_sync_days))).date_naive(),
            rescan_from: previous
                .map(|p| (p.synced_at.unwrap_or(now) - Duration::days(1)).date_naive()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn each_case_of_a_pass() {
        let now = at("2026-12-01T10:00:00Z");
        let state = |uidvalidity, last_uid, synced: Option<&str>| FolderState {
            uidvalidity,
            last_uid,
            synced_at: synced.map(at),
        };
        let seen = |uidvalidity, uid_next, exists| Seen {
            uidvalidity,
            uid_next,
            exists,
        };
        let kept = state(7, 41, Some("2026-11-30T08:00:00Z"));
        let cases = [
            (Some(&kept), seen(7, Some(42), 41), Plan::UpToDate),
            (
                Some(&kept),
                seen(7, Some(45), 44),
                Plan::Newer { after: 41 },
            ),
            // A server without UIDNEXT: ask for what is above the last UID.
            (Some(&kept), seen(7, None, 44), Plan::Newer { after: 41 }),
            (Some(&kept), seen(7, Some(45), 0), Plan::UpToDate),
            (
                None,
                seen(7, Some(45), 44),
                Plan::Scan {
                    since: day("2026-11-01"),
                    rescan_from: None,
                },
            ),
            (
                Some(&kept),
                seen(8, Some(3), 2),
                Plan::Scan {
                    since: day("2026-11-01"),
                    rescan_from: Some(day("2026-11-29")),
                },
            ),
            // Never in sync before the change: from the day before now.
            (
                Some(&state(7, 41, None)),
                seen(9, Some(3), 2),
                Plan::Scan {
                    since: day("2026-11-01"),
                    rescan_from: Some(day("2026-11-30")),
                },
            ),
        ];
        for (i, (stored, seen, want)) in cases.into_iter().enumerate() {
            assert_eq!(plan(stored, seen, now, 30), want, "case {i}");
        }
    }
}
