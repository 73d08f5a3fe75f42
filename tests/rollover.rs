//! Ticket days follow the owner's time zone: 23:59:59 and 00:00:00 local fall on different
//! days, and each day's numbering starts again at 0001.

use chrono::{DateTime, Utc};
use deskbell::clock::FixedClock;
use deskbell::domain::{Channel, NewTicket, OwnerTz, Visitor};
use deskbell::store::{CommitMode, Store};
use deskbell::Inbox;
use std::sync::Arc;

fn new_ticket() -> NewTicket {
    NewTicket {
        site_id: None,
        channel: Channel::Web,
        visitor: Visitor {
            name: "Kenji".into(),
            email: "kenji@example.jp".into(),
            phone: None,
        },
        session_id: None,
        issue: "late night question".into(),
        page_url: None,
        spam: false,
    }
}

async fn create_at(dir: &std::path::Path, tz: &str, at: &str) -> String {
    let at: DateTime<Utc> = at.parse().unwrap();
    let store = Store::open_in(dir, CommitMode::Group).unwrap();
    let inbox = Inbox::new(
        store,
        Arc::new(FixedClock(at)),
        OwnerTz(tz.parse().unwrap()),
    );
    inbox
        .create_ticket(new_ticket(), None)
        .await
        .unwrap()
        .ticket
        .ticket_id
}

#[tokio::test]
async fn midnight_in_the_owners_zone_starts_a_new_day() {
    let dir = tempfile::tempdir().unwrap();
    // Tokyo is UTC+9: 14:59:59Z is 23:59:59 local on the 24th; 15:00:00Z is midnight the 25th.
    let a = create_at(dir.path(), "Asia/Tokyo", "2026-11-24T14:59:58Z").await;
    let b = create_at(dir.path(), "Asia/Tokyo", "2026-11-24T14:59:59Z").await;
    let c = create_at(dir.path(), "Asia/Tokyo", "2026-11-24T15:00:00Z").await;
    assert_eq!(a, "TKT-20261124-0001");
    assert_eq!(b, "TKT-20261124-0002");
    assert_eq!(c, "TKT-20261125-0001");
}

#[tokio::test]
async fn same_instant_is_a_different_day_in_another_zone() {
    let dir = tempfile::tempdir().unwrap();
    // 03:30Z on the 25th is still the 24th in New York (UTC-5 in November).
    let ny = create_at(dir.path(), "America/New_York", "2026-11-25T03:30:00Z").await;
    assert_eq!(ny, "TKT-20261124-0001");
    let utc = create_at(dir.path(), "UTC", "2026-11-25T03:30:00Z").await;
    assert_eq!(utc, "TKT-20261125-0001");
}

#[tokio::test]
async fn daylight_saving_change_keeps_local_days() {
    let dir = tempfile::tempdir().unwrap();
    // Berlin leaves summer time on 2026-10-25 at 03:00 local (01:00Z): 22:59:59Z is 23:59:59
    // local (UTC+1) on the 25th, 23:00:00Z is the 26th.
    let a = create_at(dir.path(), "Europe/Berlin", "2026-10-25T22:59:59Z").await;
    let b = create_at(dir.path(), "Europe/Berlin", "2026-10-25T23:00:00Z").await;
    assert_eq!(
        (a.as_str(), b.as_str()),
        ("TKT-20261025-0001", "TKT-20261026-0001")
    );
}
