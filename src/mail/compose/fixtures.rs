//! Test inputs shared by the compose tests: one ticket, the owner around it, and a header
//! reader. Test-only; the golden byte-for-byte checks live in `tests/compose_golden.rs`.

use super::{Common, Party};
use crate::domain::{Channel, Priority, Status, Ticket, TicketId, Visitor};

pub(super) fn ticket(name: &str, issue: &str) -> Ticket {
    let at = "2026-11-24T13:05:00Z".parse().unwrap();
    Ticket {
        ticket_id: "TKT-20261124-0001".into(),
        status: Status::Open,
        priority: Priority::Normal,
        channel: Channel::Web,
        site: None,
        visitor: Visitor {
            name: name.into(),
            email: "eve@example.com".into(),
            phone: None,
        },
        session_id: None,
        issue: issue.into(),
        page_url: None,
        spam: false,
        unread: true,
        tags: Vec::new(),
        created_at: at,
        updated_at: at,
        snoozed_until: None,
        deleted_at: None,
        merged_into: None,
    }
}

pub(super) fn common(t: &Ticket) -> Common<'_> {
    Common {
        ticket: t,
        owner: Party {
            name: Some("Rosa".into()),
            email: "rosa@gmail.com".into(),
        },
        business_name: Some("Rosa's Bakery"),
        message_id: "tkt-20261124-0001.1.abc@deskbell.invalid",
        date: "2026-11-24T13:05:07Z".parse().unwrap(),
        tz: chrono_tz::Europe::Berlin,
        reply_to_visitor: Some("rosa+tkt-20261124-0001@gmail.com"),
    }
}

pub(super) fn id() -> TicketId {
    "TKT-20261124-0001".parse().unwrap()
}

/// The header block, unfolded, as `(name, raw value)` pairs.
pub(super) fn headers(raw: &[u8]) -> Vec<(String, String)> {
    let text = std::str::from_utf8(raw).unwrap();
    let head = text.split("\r\n\r\n").next().unwrap();
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            out.last_mut().unwrap().1.push_str(line);
        } else {
            let (n, v) = line.split_once(": ").expect("name: value");
            out.push((n.to_string(), v.to_string()));
        }
    }
    out
}

pub(super) fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
