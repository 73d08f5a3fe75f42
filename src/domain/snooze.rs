//! Snooze times, pure: the `--for` durations the CLI reads (`45m`, `2h`, `3d`, `1w`, or a
//! sum like `1h30m`) and the quick picks the window offers, computed in the owner's zone from
//! a given `now`. The rules are docs/architecture.md, "Snooze".

use super::OwnerTz;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use serde::Serialize;

/// The furthest a ticket can be snoozed: past this a snooze is more likely a typo.
pub const MAX_SNOOZE: Duration = Duration::days(366);

/// The hour of "Tomorrow morning" and "Next week" in the owner's zone.
pub const MORNING_HOUR: u32 = 8;
/// "Later today" is offered only when it falls at or before this hour, same day.
pub const LATEST_LATER_TODAY_HOUR: u32 = 21;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnoozeError {
    #[error("{0:?} is not a duration: write a number and a unit, like 45m, 2h, 3d or 1w")]
    BadDuration(String),
    #[error("cannot snooze until a time that has passed ({0})")]
    Past(String),
    #[error("cannot snooze for more than 366 days")]
    TooFar,
}

/// `45m`, `2h`, `3d`, `1w`, or several added up (`1h30m`, `1d 12h`); units m, h, d, w.
pub fn parse_duration(text: &str) -> Result<Duration, SnoozeError> {
    let bad = || SnoozeError::BadDuration(text.to_string());
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(bad());
    }
    let mut total = Duration::zero();
    let mut number = String::new();
    for c in compact.to_ascii_lowercase().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        let minutes_per = match c {
            'm' => 1,
            'h' => 60,
            'd' => 60 * 24,
            'w' => 60 * 24 * 7,
            _ => return Err(bad()),
        };
        let minutes = n.checked_mul(minutes_per).ok_or(SnoozeError::TooFar)?;
        if minutes > MAX_SNOOZE.num_minutes() {
            return Err(SnoozeError::TooFar);
        }
        total += Duration::minutes(minutes);
    }
    if !number.is_empty() || total <= Duration::zero() {
        return Err(bad());
    }
    if total > MAX_SNOOZE {
        return Err(SnoozeError::TooFar);
    }
    Ok(total)
}

/// Checks a wake time against `now`: it must be in the future and within [`MAX_SNOOZE`].
pub fn check_until(until: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), SnoozeError> {
    if until <= now {
        return Err(SnoozeError::Past(
            until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ));
    }
    if until - now > MAX_SNOOZE {
        return Err(SnoozeError::TooFar);
    }
    Ok(())
}

/// One quick pick of the window's Snooze menu.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnoozeChoice {
    /// "later_today" | "tomorrow" | "next_week"
    pub key: String,
    /// "Later today", "Tomorrow morning", "Next week"
    pub label: String,
    /// The wake time in the owner's zone, as the menu shows it: "Tue 08:00".
    pub at: String,
    /// The wake time, RFC 3339 UTC: what `snooze_ticket` takes.
    pub until: String,
}

/// The quick picks at `now` in the owner's zone:
/// - "Later today": three hours on, rounded up to the whole hour; offered only while that is
///   still today and no later than 21:00 (in the evening "Tomorrow morning" is the answer);
/// - "Tomorrow morning": the next day at 08:00;
/// - "Next week": the next Monday at 08:00 (a week on, on a Monday).
pub fn snooze_choices(now: DateTime<Utc>, tz: OwnerTz) -> Vec<SnoozeChoice> {
    let zone = tz.0;
    let local = now.with_timezone(&zone);
    let today = local.date_naive();
    let mut out = Vec::with_capacity(3);
    let later = round_up_to_hour(now + Duration::hours(3)).with_timezone(&zone);
    let latest = at_local(tz, today, LATEST_LATER_TODAY_HOUR);
    if later.date_naive() == today && later.with_timezone(&Utc) <= latest {
        out.push(choice(
            "later_today",
            "Later today",
            later.with_timezone(&Utc),
            tz,
        ));
    }
    let tomorrow = today.succ_opt().unwrap_or(today);
    out.push(choice(
        "tomorrow",
        "Tomorrow morning",
        at_local(tz, tomorrow, MORNING_HOUR),
        tz,
    ));
    let days_to_monday = 7 - i64::from(today.weekday().num_days_from_monday());
    let monday = today + Duration::days(days_to_monday);
    debug_assert_eq!(monday.weekday(), Weekday::Mon);
    out.push(choice(
        "next_week",
        "Next week",
        at_local(tz, monday, MORNING_HOUR),
        tz,
    ));
    out
}

/// "Tue 08:00" in the owner's zone (the Snooze menu, `tickets show`).
pub fn wake_label(at: DateTime<Utc>, tz: OwnerTz) -> String {
    at.with_timezone(&tz.0).format("%a %H:%M").to_string()
}

fn choice(key: &str, label: &str, until: DateTime<Utc>, tz: OwnerTz) -> SnoozeChoice {
    SnoozeChoice {
        key: key.into(),
        label: label.into(),
        at: wake_label(until, tz),
        until: until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

fn round_up_to_hour(at: DateTime<Utc>) -> DateTime<Utc> {
    let secs = at.timestamp();
    let rounded = (secs + 3599).div_euclid(3600) * 3600;
    DateTime::from_timestamp(rounded, 0).unwrap_or(at)
}

/// `hour`:00 on `day` in the owner's zone; in a daylight-saving gap, the first instant after.
fn at_local(tz: OwnerTz, day: NaiveDate, hour: u32) -> DateTime<Utc> {
    let mut naive = day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default());
    for _ in 0..4 {
        if let Some(t) = tz.0.from_local_datetime(&naive).earliest() {
            return t.with_timezone(&Utc);
        }
        naive += Duration::minutes(30);
    }
    Utc.from_utc_datetime(&naive)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn durations_parse_and_add_up() {
        for (text, minutes) in [
            ("45m", 45),
            ("2h", 120),
            ("3d", 3 * 24 * 60),
            ("1w", 7 * 24 * 60),
            ("1h30m", 90),
            (" 1d 12h ", 36 * 60),
            ("2H", 120),
        ] {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::minutes(minutes)),
                "{text}"
            );
        }
    }

    #[test]
    fn bad_durations_say_how_to_write_one() {
        for text in ["", "2", "h", "2x", "-2h", "0m", "1.5h", "2h3", "abc"] {
            assert!(
                matches!(parse_duration(text), Err(SnoozeError::BadDuration(_))),
                "{text}"
            );
        }
        assert_eq!(parse_duration("53w"), Err(SnoozeError::TooFar));
        assert_eq!(
            parse_duration("99999999999999999w"),
            Err(SnoozeError::TooFar)
        );
        assert!(parse_duration("2x")
            .unwrap_err()
            .to_string()
            .contains("like 45m, 2h, 3d or 1w"));
    }

    #[test]
    fn until_must_be_ahead_and_near() {
        let now = utc("2026-03-10T12:00:00Z");
        assert!(check_until(now + Duration::minutes(1), now).is_ok());
        assert!(matches!(check_until(now, now), Err(SnoozeError::Past(_))));
        assert!(matches!(
            check_until(now - Duration::hours(1), now),
            Err(SnoozeError::Past(_))
        ));
        assert_eq!(
            check_until(now + Duration::days(400), now),
            Err(SnoozeError::TooFar)
        );
    }

    fn picks(now: &str, zone: chrono_tz::Tz) -> Vec<(String, String, String)> {
        snooze_choices(utc(now), OwnerTz(zone))
            .into_iter()
            .map(|c| (c.key, c.at, c.until))
            .collect()
    }

    #[test]
    fn choices_in_the_owners_zone() {
        // Tuesday 10 March 2026, 10:20 in Berlin (UTC+1).
        let p = picks("2026-03-10T09:20:00Z", chrono_tz::Europe::Berlin);
        assert_eq!(
            p,
            [
                (
                    "later_today".into(),
                    "Tue 14:00".into(),
                    "2026-03-10T13:00:00Z".into()
                ),
                (
                    "tomorrow".into(),
                    "Wed 08:00".into(),
                    "2026-03-11T07:00:00Z".into()
                ),
                (
                    "next_week".into(),
                    "Mon 08:00".into(),
                    "2026-03-16T07:00:00Z".into()
                ),
            ]
        );
    }

    #[test]
    fn no_later_today_in_the_evening_and_monday_means_a_week_on() {
        // Monday 9 March 2026, 19:30 in New York (UTC-4 since 8 March): 22:30 is too late.
        let p = picks("2026-03-09T23:30:00Z", chrono_tz::America::New_York);
        assert_eq!(
            p,
            [
                (
                    "tomorrow".into(),
                    "Tue 08:00".into(),
                    "2026-03-10T12:00:00Z".into()
                ),
                (
                    "next_week".into(),
                    "Mon 08:00".into(),
                    "2026-03-16T12:00:00Z".into()
                ),
            ]
        );
        // 18:00 exactly → 21:00 is still offered.
        let p = picks("2026-03-09T22:00:00Z", chrono_tz::America::New_York);
        assert_eq!(p[0].1, "Mon 21:00");
    }

    #[test]
    fn the_morning_is_local_across_a_daylight_saving_change() {
        // Saturday 28 March 2026 in Berlin; clocks go forward on Sunday 29th.
        let p = picks("2026-03-28T20:00:00Z", chrono_tz::Europe::Berlin);
        assert_eq!(
            p[0],
            (
                "tomorrow".into(),
                "Sun 08:00".into(),
                "2026-03-29T06:00:00Z".into()
            )
        );
        assert_eq!(p[1].2, "2026-03-30T06:00:00Z");
    }
}
