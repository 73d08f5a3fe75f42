//! Ticket ids: `TKT-YYYYMMDD-NNNN`, the date in the owner's time zone, `NNNN` a per-day counter
//! starting at 1. Past 9999 the number simply grows (`TKT-20261123-10000`); ids stay unique
//! because the counter is per day and bumped in the same transaction as the insert.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TicketId {
    day: NaiveDate,
    number: u32,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("cannot read ticket id {0:?}: expected TKT-YYYYMMDD-NNNN")]
pub struct TicketIdError(pub String);

impl TicketId {
    pub fn new(day: NaiveDate, number: u32) -> Self {
        Self { day, number }
    }
    pub fn day(&self) -> NaiveDate {
        self.day
    }
    pub fn number(&self) -> u32 {
        self.number
    }
    /// The day key used by the per-day counter (`YYYYMMDD`).
    pub fn day_key(day: NaiveDate) -> String {
        day.format("%Y%m%d").to_string()
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TKT-{}-{:04}", self.day.format("%Y%m%d"), self.number)
    }
}

impl FromStr for TicketId {
    type Err = TicketIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || TicketIdError(s.to_string());
        let upper = s.trim().to_ascii_uppercase();
        let rest = upper.strip_prefix("TKT-").ok_or_else(err)?;
        let (date, num) = rest.split_once('-').ok_or_else(err)?;
        if date.len() != 8 || num.len() < 4 || !num.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let day = NaiveDate::parse_from_str(date, "%Y%m%d").map_err(|_| err())?;
        let number: u32 = num.parse().map_err(|_| err())?;
        if number == 0 {
            return Err(err());
        }
        Ok(Self { day, number })
    }
}

/// The owner's time zone, which decides the day a ticket is numbered under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnerTz(pub chrono_tz::Tz);

impl OwnerTz {
    /// The calendar day of `at` in the owner's zone.
    pub fn day_of(&self, at: DateTime<Utc>) -> NaiveDate {
        self.0.from_utc_datetime(&at.naive_utc()).date_naive()
    }
    /// The system's zone (from `TZ` or the OS), falling back to UTC.
    pub fn system() -> Self {
        let name = std::env::var("TZ")
            .ok()
            .map(|s| s.trim_start_matches(':').to_string())
            .filter(|s| !s.is_empty())
            .or_else(|| iana_time_zone::get_timezone().ok());
        name.and_then(|n| n.parse().ok())
            .map(OwnerTz)
            .unwrap_or(OwnerTz(chrono_tz::UTC))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        let id = TicketId::new(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), 7);
        assert_eq!(id.to_string(), "TKT-20261123-0007");
        assert_eq!("TKT-20261123-0007".parse::<TicketId>().unwrap(), id);
        assert_eq!("tkt-20261123-0007".parse::<TicketId>().unwrap(), id);
    }

    #[test]
    fn numbers_past_9999_grow() {
        let id = TicketId::new(NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(), 12345);
        assert_eq!(id.to_string(), "TKT-20260102-12345");
        assert_eq!(id.to_string().parse::<TicketId>().unwrap(), id);
    }

    #[test]
    fn rejects_malformed_ids() {
        for bad in [
            "",
            "TKT-",
            "TKT-2026112-0001",
            "TKT-20261340-0001",
            "TKT-20261123-001",
            "TKT-20261123-0000",
            "TKT-20261123-00x1",
            "XYZ-20261123-0001",
        ] {
            assert!(bad.parse::<TicketId>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn day_follows_owner_zone_across_midnight() {
        let tz = OwnerTz("Europe/Berlin".parse().unwrap());
        // 22:59:59Z is 23:59:59 in Berlin (winter), 23:00:00Z is 00:00:00 the next day.
        let before = "2026-11-24T22:59:59Z".parse::<DateTime<Utc>>().unwrap();
        let after = "2026-11-24T23:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(tz.day_of(before).to_string(), "2026-11-24");
        assert_eq!(tz.day_of(after).to_string(), "2026-11-25");
        let la = OwnerTz("America/Los_Angeles".parse().unwrap());
        assert_eq!(la.day_of(after).to_string(), "2026-11-24");
    }
}
