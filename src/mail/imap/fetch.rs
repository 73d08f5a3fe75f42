//! UID SEARCH and UID FETCH. Bodies are always read with `BODY.PEEK[]`, which never sets
//! `\Seen`. The FETCH responses are read one by one (not through async-imap's `Fetch`) so the
//! Gmail thread id (`X-GM-THRID`, Gmail's IMAP extensions) comes along with the body.

use super::{ImapError, Session};
use async_imap::imap_proto::{AttributeValue, Response, Status};
use chrono::NaiveDate;

/// One message as the server holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub uid: u32,
    pub raw: Vec<u8>,
    pub gm_thrid: Option<u64>,
    /// When the server received it (INTERNALDATE): the thread's order, immune to a sender's
    /// wrong clock.
    pub received: Option<chrono::DateTime<chrono::Utc>>,
}

/// `UID SEARCH`, ascending.
pub async fn search(s: &mut Session, server: &str, query: &str) -> Result<Vec<u32>, ImapError> {
    let found = s
        .uid_search(query)
        .await
        .map_err(|e| ImapError::protocol(server, e))?;
    let mut uids: Vec<u32> = found.into_iter().collect();
    uids.sort_unstable();
    Ok(uids)
}

/// `UID FETCH` of `uids` (with `X-GM-THRID` when `gmail`), ascending by UID. A message
/// expunged in the meantime is simply absent.
pub async fn fetch(
    s: &mut Session,
    server: &str,
    uids: &[u32],
    gmail: bool,
) -> Result<Vec<Fetched>, ImapError> {
    if uids.is_empty() {
        return Ok(Vec::new());
    }
    let items = if gmail {
        "(UID INTERNALDATE X-GM-THRID BODY.PEEK[])"
    } else {
        "(UID INTERNALDATE BODY.PEEK[])"
    };
    let tag = s
        .run_command(&format!("UID FETCH {} {items}", uid_set(uids)))
        .await
        .map_err(|e| ImapError::protocol(server, e))?;
    let mut out = Vec::with_capacity(uids.len());
    loop {
        let resp = s
            .read_response()
            .await
            .map_err(|e| ImapError::protocol(server, e))?
            .ok_or_else(|| ImapError::Closed {
                server: server.to_string(),
            })?;
        match resp.parsed() {
            Response::Fetch(_, attrs) => {
                if let Some(f) = fetched(attrs) {
                    out.push(f);
                }
            }
            Response::Done {
                tag: t,
                status,
                outcome,
            } if *t == tag => {
                if *status == Status::Ok {
                    break;
                }
                return Err(ImapError::protocol(
                    server,
                    format!(
                        "FETCH refused: {}",
                        outcome.information.as_deref().unwrap_or("")
                    ),
                ));
            }
            _ => {}
        }
    }
    out.sort_by_key(|f| f.uid);
    out.dedup_by_key(|f| f.uid);
    Ok(out)
}

fn fetched(attrs: &[AttributeValue<'_>]) -> Option<Fetched> {
    let mut uid = None;
    let mut raw = None;
    let mut gm_thrid = None;
    let mut received = None;
    for a in attrs {
        match a {
            AttributeValue::Uid(u) => uid = Some(*u),
            AttributeValue::BodySection {
                data: Some(d),
                section: None,
                ..
            } => raw = Some(d.to_vec()),
            AttributeValue::GmailThrId(t) => gm_thrid = Some(*t),
            AttributeValue::InternalDate(d) => received = internal_date(d),
            _ => {}
        }
    }
    Some(Fetched {
        uid: uid?,
        raw: raw?,
        gm_thrid,
        received,
    })
}

/// RFC 3501 date-time: `25-Nov-2026 10:04:59 +0100` (the day may be space-padded).
fn internal_date(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_str(s.trim(), "%d-%b-%Y %H:%M:%S %z")
        .ok()
        .map(|d| d.with_timezone(&chrono::Utc))
}

/// A compact UID set: `[1,2,3,7,9,10]` → `1:3,7,9:10` (input ascending).
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end.saturating_add(1) {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

/// The first sync's candidates among UIDs `1..=upto` received since `since`: mail that can
/// belong to a ticket (our subject tag or Message-ID token, a plus-address, the widget's
/// fallback subject). Everything else that old is the owner's private history and stays
/// unread by Deskbell.
pub fn candidates_query(since: NaiveDate, upto: u32) -> String {
    format!(
        "UID 1:{upto} SINCE {} OR OR OR OR SUBJECT \"TKT-\" HEADER References \"tkt-\" \
         HEADER In-Reply-To \"tkt-\" TO \"+tkt-\" SUBJECT \"Support request\"",
        imap_date(since)
    )
}

/// Every message received since `since` (RFC 3501 date, day granularity).
pub fn since_query(since: NaiveDate) -> String {
    format!("SINCE {}", imap_date(since))
}

fn imap_date(d: NaiveDate) -> String {
    d.format("%-d-%b-%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_compact() {
        assert_eq!(uid_set(&[5]), "5");
        assert_eq!(uid_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(uid_set(&[4, 6, 8]), "4,6,8");
        assert_eq!(
            uid_set(&[u32::MAX - 1, u32::MAX]),
            format!("{}:{}", u32::MAX - 1, u32::MAX)
        );
        assert_eq!(uid_set(&[]), "");
    }

    #[test]
    fn internal_dates_parse() {
        let d = internal_date(" 5-Nov-2026 10:04:59 +0100").unwrap();
        assert_eq!(d.to_rfc3339(), "2026-11-05T09:04:59+00:00");
        assert!(internal_date("yesterday").is_none());
    }

    #[test]
    fn queries_use_imap_dates() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        assert_eq!(since_query(d), "SINCE 5-Nov-2026");
        let q = candidates_query(d, 41);
        assert!(
            q.starts_with("UID 1:41 SINCE 5-Nov-2026 OR OR OR OR "),
            "{q}"
        );
        assert!(q.contains("TO \"+tkt-\""));
    }
}
